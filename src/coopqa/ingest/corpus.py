"""Parse corpus documents into citable passages with exact character offsets.

Every passage and sentence keeps ``start``/``end`` offsets into its document's text, so a quote
shown to a user can always be cut again from the file it came from.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
MAX_FILE_BYTES = 20_000_000

# (level, also in Markdown, pattern): a lower level is an outer heading. Numbering and layout
# only, so no rule names a word of one document. In Markdown, "1." and "A." start list items.
_HEADING_PATTERNS: tuple[tuple[int, bool, re.Pattern[str]], ...] = (
    (0, False, re.compile(r"^Chapter\s+\d+\.\s+\S")),
    (10, True, re.compile(r"^Section\s+\d+\.\s+\S")),
    (10, True, re.compile(r"^PART\s+[IVX]{1,4}\b(?:\s*[.:—–-]|\s*$)", re.IGNORECASE)),
    (15, True, re.compile(r"^Item\s+\d{1,2}[A-C]?\.\s+\S", re.IGNORECASE)),
    (20, False, re.compile(r"^\d{1,2}\.\s+[A-Z“\"]")),
    (20, True, re.compile(r"^Note\s+\d{1,2}(?:\s*[—–:.-]\s*\S|\s*$)", re.IGNORECASE)),
    (30, True, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+[A-Z“\"]")),  # "3.1 Revenue"
    (35, True, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+[A-Z“\"]")),  # "3.1.2 Services"
    (30, False, re.compile(r"^\(\d{1,2}\)\s+[A-Z“\"]")),
    (40, False, re.compile(r"^[A-Z]\.\s+[A-Z“\"]")),
)
_CONTENTS_LINE = re.compile(r"(?:\s|\.)\d{1,4}$")
_CAPS_LEVEL = 18  # an ALL-CAPS title line between blank lines: below PART and Item
_MD_BELOW = 60  # Markdown's own "#" levels are 0..50: numbered lines there come below them
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TERMINAL = re.compile(r"[.?!:][”\"’)]?$")


class CorpusError(Exception):
    """A document that cannot be read or parsed; the message says which and why."""


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A paragraph with its heading path, page and exact span in its document."""

    doc: str
    passage_id: str
    section: str
    page: int
    paragraph: int
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...] = ()
    search_text: str = ""
    kind: str = "text"  # "table" for a pipe table: its sentences are its rows

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join((self.doc, self.section, str(self.page), self.search_text))
        payload += f"\x1f{self.start}:{self.end}"
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Document:
    doc: str
    path: str
    text: str
    passages: tuple[Passage, ...] = field(default=())


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    warnings: tuple[str, ...] = ()

    @property
    def passages(self) -> list[Passage]:
        return [p for d in self.documents for p in d.passages]

    def document(self, doc: str) -> Document:
        for d in self.documents:
            if d.doc == doc:
                return d
        raise KeyError(doc)


def fold(text: str) -> str:
    """Collapse every run of whitespace to one space: the form quotes are compared in."""
    return " ".join(text.split())


def normalize_for_match(text: str) -> str:
    """Folded, lower-cased, line-break hyphens removed, curly quotes straightened."""
    text = fold(text).lower().replace("’", "'").replace("‘", "'")
    text = text.replace("“", '"').replace("”", '"')
    return re.sub(r"(\w)- (\w)", r"\1\2", text)


def fold_with_offsets(raw: str, start: int, end: int) -> tuple[str, list[int]]:
    """Fold ``raw[start:end]`` and map each folded character back to its offset in ``raw``."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i in range(start, end):
        ch = raw[i]
        if ch.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(i - 1)
            pending_space = False
        chars.append(ch)
        offsets.append(i)
    return "".join(chars), offsets


def dehyphenate(raw: str, start: int, end: int) -> str:
    """Folded text with words split across a line break ("Pro-" / "gram") joined again."""
    folded, offsets = fold_with_offsets(raw, start, end)
    out: list[str] = []
    i = 0
    while i < len(folded):
        if (
            folded[i] == "-"
            and 0 < i < len(folded) - 2
            and folded[i + 1] == " "
            and folded[i - 1].isalpha()
            and folded[i + 2].islower()
            and "\n" in raw[offsets[i] : offsets[i + 2]]
        ):
            i += 2
            continue
        out.append(folded[i])
        i += 1
    return "".join(out)


def split_sentences(raw: str, start: int, end: int) -> tuple[Sentence, ...]:
    """Sentences of ``raw[start:end]`` (spaCy's parser) with their exact offsets."""
    from .nlp import sentence_spans

    folded, offsets = fold_with_offsets(raw, start, end)
    return tuple(_sentence(folded, offsets, a, b) for a, b in sentence_spans(folded))


def split_sentences_many(raw: str, blocks: list[tuple[int, int]]) -> list[tuple[Sentence, ...]]:
    """``split_sentences`` of each (start, end) block of ``raw``, parsed in one batch (ingest:
    no cache, every block is new)."""
    from .nlp import sentence_spans_many

    folds = [fold_with_offsets(raw, start, end) for start, end in blocks]
    spans = sentence_spans_many([folded for folded, _ in folds])
    return [
        tuple(_sentence(folded, offsets, a, b) for a, b in found)
        for (folded, offsets), found in zip(folds, spans, strict=True)
    ]


def table_rows(raw: str, start: int, end: int) -> tuple[Sentence, ...]:
    """Each line of a pipe table as one citable unit (a row is quoted, never the whole table)."""
    rows = []
    pos = start
    for line in raw[start:end].splitlines(keepends=True):
        body = line.strip()
        lead = len(line) - len(line.lstrip())
        if body and not re.fullmatch(r"\|?[\s:|-]+\|?", body):
            rows.append(Sentence(text=body, start=pos + lead, end=pos + lead + len(body)))
        pos += len(line)
    return tuple(rows)


def is_table_line(text: str) -> bool:
    return text.startswith("|") and text.endswith("|") and len(text) > 2


def _sentence(folded: str, offsets: list[int], a: int, b: int) -> Sentence:
    return Sentence(text=folded[a:b], start=offsets[a], end=offsets[b - 1] + 1)


@dataclass
class _Line:
    text: str  # stripped
    start: int
    end: int
    page: int
    blank_before: bool


def _lines(raw: str, page_break_on_indent: bool) -> list[_Line]:
    lines: list[_Line] = []
    page = 1
    pos = 0
    blank = False
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if "\f" in body:
            page += body.count("\f")
        if not stripped:
            blank = True
            pos += len(line)
            continue
        if page_break_on_indent and body[:1] == " " and lines:
            page += 1
        lead = len(body) - len(body.lstrip())
        lines.append(_Line(stripped, pos + lead, pos + lead + len(stripped), page, blank))
        blank = False
        pos += len(line)
    return lines


def _heading_level(
    text: str, markdown: bool, standalone: bool = False, marked_only: bool = False
) -> int | None:
    """The line's heading level, or None for body text. ``standalone``: blank lines around it;
    ``marked_only``: only "#" lines are headings (a read PDF, whose headings are marked)."""
    if markdown:
        m = _MD_HEADING.match(text)
        if m:
            return 10 * (len(m.group(1)) - 1)
    if marked_only or len(text) > 120 or text.endswith((".", ",", ";")) or is_table_line(text):
        return None
    if len(text.split()) >= 3 and _CONTENTS_LINE.search(text):
        return None  # a table-of-contents line: the heading's title and its page number
    below = _MD_BELOW if markdown else 0
    for level, in_markdown, pattern in _HEADING_PATTERNS:
        if (in_markdown or not markdown) and pattern.match(text):
            return below + level
    if standalone and _is_caps_title(text):
        return below + _CAPS_LEVEL
    return None


def _is_caps_title(text: str) -> bool:
    """ "RESULTS OF OPERATIONS": every letter a capital, a few words, not a sentence."""
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(letters) >= 4
        and all(ch.isupper() for ch in letters)
        and len(text.split()) <= 12
        and not text.endswith(":")
    )


def _heading_title(text: str, markdown: bool) -> str:
    m = _MD_HEADING.match(text) if markdown else None
    return m.group(2) if m else fold(text)


def _is_double_spaced(raw: str) -> bool:
    """Extractions that put a blank line after every line cannot use blank lines for paragraphs."""
    rows = raw.splitlines()
    text_rows = [i for i, r in enumerate(rows) if r.strip()]
    if len(text_rows) < 6:
        return False
    followed = [i for i in text_rows if i + 1 < len(rows) and not rows[i + 1].strip()]
    if len(followed) / len(text_rows) <= 0.6:
        return False
    # One-line paragraphs (ordinary Markdown) end in punctuation; wrapped lines mostly do not.
    carried_on = sum(1 for i in followed if not _TERMINAL.search(rows[i].rstrip()))
    return carried_on / len(followed) > 0.3


def _paragraph_ends(lines: list[_Line], double_spaced: bool, width: float) -> list[bool]:
    """Whether each body line is the last line of its paragraph."""
    ends = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None:
            ends.append(True)
        elif not double_spaced:
            ends.append(nxt.blank_before)
        else:
            first_word = nxt.text.split()[0]
            short = len(line.text) + 1 + len(first_word) <= width
            ends.append(bool(_TERMINAL.search(line.text)) and short and first_word[:1].isupper())
    return ends


def parse_text(
    doc: str,
    raw: str,
    *,
    markdown: bool = False,
    indent_pages: bool = True,
    blank_line_paragraphs: bool = False,
) -> Document:
    """Split a document's text into paragraphs under their heading paths.
    ``blank_line_paragraphs``: a read PDF, whose paragraphs end with blank lines and whose
    headings are all marked with "#"."""
    double_spaced = False if blank_line_paragraphs else _is_double_spaced(raw)
    lines = _lines(raw, page_break_on_indent=indent_pages and not markdown)
    body_lengths = [len(ln.text) for ln in lines if len(ln.text) > 40]
    width = statistics.quantiles(body_lengths, n=20)[-1] if len(body_lengths) >= 2 else 100.0

    headings: list[tuple[int, str]] = []
    passages: list[Passage] = []
    block: list[_Line] = []

    def flush() -> None:
        if not block:
            return
        start, end = block[0].start, block[-1].end
        text = fold(raw[start:end])
        section = _section_path(headings)
        table = all(is_table_line(ln.text) for ln in block)
        search = (
            f"{section}. {dehyphenate(raw, start, end)}"
            if section
            else dehyphenate(raw, start, end)
        )
        n = len(passages)
        passages.append(
            Passage(
                doc=doc,
                passage_id=f"{doc}:{n:03d}",
                section=section,
                page=block[0].page,
                paragraph=n,
                text=text,
                start=start,
                end=end,
                sentences=table_rows(raw, start, end) if table else (),  # prose: below
                search_text=search,
                kind="table" if table else "text",
            )
        )
        if not table:
            prose.append((n, start, end))
        block.clear()

    prose: list[tuple[int, int, int]] = []  # passages whose sentences spaCy splits, in one batch
    levels = _levels(lines, markdown, double_spaced, marked_only=blank_line_paragraphs)
    body = [ln for ln, level in zip(lines, levels, strict=True) if level is None]
    ends = dict(zip(map(id, body), _paragraph_ends(body, double_spaced, width), strict=True))
    for line, level in zip(lines, levels, strict=True):
        if level is not None:
            flush()
            headings = [h for h in headings if h[0] < level] + [
                (level, _heading_title(line.text, markdown))
            ]
            continue
        if block and block[-1].page != line.page and not double_spaced and line.blank_before:
            flush()
        if block and is_table_line(block[-1].text) != is_table_line(line.text):
            flush()  # a table is a passage of its own, never merged with the prose around it
        block.append(line)
        if ends[id(line)]:
            flush()
    flush()
    split = split_sentences_many(raw, [(start, end) for _, start, end in prose])
    for (n, _, _), sentences in zip(prose, split, strict=True):
        passages[n] = replace(passages[n], sentences=sentences)
    return Document(doc=doc, path="", text=raw, passages=tuple(passages))


def _levels(
    lines: list[_Line], markdown: bool, double_spaced: bool, marked_only: bool
) -> list[int | None]:
    """Each line's heading level. A line stands alone with blank lines around it; where every
    line has blank lines around it (double spacing), also after a sentence end or a heading."""
    out: list[int | None] = []
    for i, line in enumerate(lines):
        after = i + 1 == len(lines) or lines[i + 1].blank_before
        standalone = (i == 0 or line.blank_before) and after
        if standalone and double_spaced and i > 0:
            standalone = out[-1] is not None or bool(_TERMINAL.search(lines[i - 1].text))
        out.append(_heading_level(line.text, markdown, standalone, marked_only))
    return out


def _section_path(headings: list[tuple[int, str]]) -> str:
    """Heading path below the document title (the chapter heading names the document)."""
    below = [title for level, title in headings if level > 0]
    if below:
        return " > ".join(below)
    return headings[0][1] if headings else ""


def last_heading(section: str) -> str:
    """The innermost heading of a section path ("A > B" -> "B")."""
    return section.rsplit(" > ", 1)[-1]


def doc_id_for(path: Path) -> str:
    """A stable id: the file stem in lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "doc"


def read_document(path: Path, progress: Callable[[int], None] | None = None) -> Document:
    """Read one corpus file; raise CorpusError with the reason when it is unusable.
    ``progress`` is called with a count of PDF pages as they are read."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"{path}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        size = path.stat().st_size
        if size == 0:
            raise CorpusError(f"{path}: file is empty")
        if size > MAX_FILE_BYTES:
            raise CorpusError(f"{path}: file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    doc = doc_id_for(path)
    if path.suffix.lower() == ".pdf":
        return _read_pdf_document(path, data, doc, progress)
    else:
        raw = _decode_text(path, data)
        parsed = parse_text(doc, raw, markdown=path.suffix.lower() == ".md")
    if not parsed.passages:
        raise CorpusError(f"{path}: no text found")
    return Document(doc=doc, path=str(path), text=raw, passages=parsed.passages)


def _decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise CorpusError(f"{path}: looks binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > 0.01 * min(len(text), 8192):
        raise CorpusError(f"{path}: looks binary, not text")
    if not text.strip():
        raise CorpusError(f"{path}: file has no text")
    return text


def _read_pdf_document(
    path: Path, data: bytes, doc: str, progress: Callable[[int], None] | None
) -> Document:
    """A PDF's passages; an unchanged file's come from the cache of read documents."""
    from . import read_cache

    entry = read_cache.entry("passages", data, doc)
    payload = read_cache.load(entry)
    cached = _document_from_json(payload, doc, str(path)) if payload else None
    if cached is not None:
        if progress:
            progress(cached.text.count("\f") + 1)
        return cached
    raw = _pdf_text(path, data, progress)
    parsed = parse_text(doc, raw, markdown=True, blank_line_paragraphs=True)
    if not parsed.passages:
        raise CorpusError(f"{path}: no text found")
    document = Document(doc=doc, path=str(path), text=raw, passages=parsed.passages)
    read_cache.store(entry, _document_json(document))
    return document


def _document_json(document: Document) -> bytes:
    rows = [
        [p.passage_id, p.section, p.page, p.paragraph, p.text, p.start, p.end]
        + [[[s.text, s.start, s.end] for s in p.sentences], p.search_text, p.kind]
        for p in document.passages
    ]
    return json.dumps({"text": document.text, "passages": rows}).encode("utf-8")


def _document_from_json(payload: bytes, doc: str, path: str) -> Document | None:
    """A cached document, or None when the entry cannot be read."""
    try:
        got = json.loads(payload)
        passages = tuple(
            Passage(
                doc=doc,
                passage_id=pid,
                section=section,
                page=page,
                paragraph=paragraph,
                text=text,
                start=start,
                end=end,
                sentences=tuple(Sentence(*s) for s in sentences),
                search_text=search,
                kind=kind,
            )
            for pid, section, page, paragraph, text, start, end, sentences, search, kind in got[
                "passages"
            ]
        )
        return Document(doc=doc, path=path, text=got["text"], passages=passages)
    except (ValueError, KeyError, TypeError):
        return None


def _pdf_text(path: Path, data: bytes, progress: Callable[[int], None] | None = None) -> str:
    """The PDF as pdf_reader's text (headings, paragraphs, pipe tables, form feeds between
    pages); the reading, the slow part, is cached apart from the parse."""
    from . import read_cache
    from .pdf_reader import read_pdf

    entry = read_cache.entry("text", data)
    cached = read_cache.load(entry)
    if cached is not None:
        text = cached.decode("utf-8", errors="replace")
        if progress:
            progress(text.count("\f") + 1)
        return text
    try:
        text, _ = read_pdf(data, progress)
    except Exception as exc:  # pdfminer raises many exception types on malformed files
        raise CorpusError(f"{path}: broken PDF ({exc or type(exc).__name__})") from exc
    if not text.strip():
        raise CorpusError(f"{path}: PDF has no extractable text")
    read_cache.store(entry, text.encode("utf-8"))
    return text


def iter_corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    if not child.name.startswith(".") and child.name.lower() != "readme.md":
                        yield child
        else:
            yield path


def load_corpus(
    paths: Iterable[Path],
    only: Collection[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Corpus:
    """Read every document (or only those whose ids are in ``only``, perhaps none); a bad file
    becomes a warning and the rest are still loaded. ``progress`` counts PDF pages read."""
    paths = list(paths)
    for path in paths:
        if not path.exists():
            raise CorpusError(f"{path}: no such file or directory")
    documents: list[Document] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for path in iter_corpus_files(paths):
        if only is not None and doc_id_for(path) not in only:
            continue
        try:
            document = read_document(path, progress)
        except CorpusError as exc:
            warnings.append(f"skipped {exc}")
            continue
        if document.doc in seen:
            warnings.append(
                f"skipped {path}: another file already has document id {document.doc!r}"
            )
            continue
        seen.add(document.doc)
        documents.append(document)
    if not documents and only is None:
        detail = "; ".join(warnings) if warnings else "no .txt, .md or .pdf files"
        raise CorpusError(f"no usable documents in {', '.join(map(str, paths))} ({detail})")
    return Corpus(documents=tuple(documents), warnings=tuple(warnings))
