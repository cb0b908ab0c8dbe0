"""Names people read for documents: the first heading, else the PDF's metadata title, else the
file name. Ids (file stems) stay the keys; these are only shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger("coopqa.ingest.titles")

HEAD_LINES = 200  # a first heading further down than this is not the document's title
MAX_TITLE_CHARS = 120


def name_from_file(stem: str) -> str:
    """A file stem as words: "annual_report-2012" → "Annual report 2012"."""
    words = " ".join(re.split(r"[\s_\-.]+", stem)).strip()
    return (words[:1].upper() + words[1:]) or stem


def first_heading(text: str, markdown: bool = False) -> str | None:
    """The document's first heading, as the parser reads headings; None when it has none."""
    from .corpus import _heading_level, _heading_title, fold

    for line in text.lstrip("\ufeff").splitlines()[:HEAD_LINES]:
        stripped = line.strip().strip("\f")
        if stripped and _heading_level(stripped, markdown) is not None:
            title = fold(_heading_title(stripped, markdown)).strip(" #")
            if title:
                return title[:MAX_TITLE_CHARS]
    return None


def pdf_metadata_title(path: Path) -> str | None:
    """The /Title of a PDF's metadata, when it has a readable one."""
    try:
        from pypdf import PdfReader

        title = (PdfReader(str(path)).metadata or {}).get("/Title")
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        log.info("no PDF title in %s: %r", path, exc)
        return None
    title = " ".join(str(title or "").split())
    return title[:MAX_TITLE_CHARS] or None


def file_title(path: Path) -> str:
    """A file's title: its first heading, then (PDFs) its metadata title, then its file name."""
    pdf = path.suffix.lower() == ".pdf"
    heading = None
    try:
        if pdf:
            from .corpus import _pdf_text

            heading = first_heading(_pdf_text(path, path.read_bytes()).split("\f", 1)[0])
        else:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            heading = first_heading(text, markdown=path.suffix.lower() == ".md")
    except Exception as exc:  # an unreadable file still has a name
        log.info("cannot read a heading from %s: %r", path, exc)
    return heading or (pdf_metadata_title(path) if pdf else None) or name_from_file(path.stem)


def document_titles(corpus_dirs: Iterable[Path | str], docs: Iterable[str] = ()) -> dict[str, str]:
    """{document id: title} for the corpus files, and a name from the id for any other ``docs``."""
    from .corpus import doc_id_for, iter_corpus_files

    titles: dict[str, str] = {}
    for path in iter_corpus_files(Path(p) for p in corpus_dirs if Path(p).exists()):
        titles.setdefault(doc_id_for(path), file_title(path))
    for doc in docs:
        titles.setdefault(doc, name_from_file(doc))
    return titles


def title_of(doc: str, titles: Mapping[str, str] | None) -> str:
    """The title of one document id, or a name made from the id itself."""
    return (titles or {}).get(doc) or name_from_file(doc)


_NUMBERING = re.compile(r"^(?:[A-Z][a-z]+\.?\s+)?(?:\d+|[IVXLC]+)(?:\.\d+)*[.:)]?\s+(?=\S)")


def document_outline(passages: Iterable[object]) -> dict[str, list[str]]:
    """{document id: its top headings in order}: the first part of each passage's section path."""
    outline: dict[str, dict[str, None]] = {}
    for passage in passages:
        head = str(getattr(passage, "section", "") or "").split(" > ")[0].strip()
        headings = outline.setdefault(str(getattr(passage, "doc", "")), {})
        if head:
            headings.setdefault(head, None)
    return {doc: list(heads) for doc, heads in outline.items()}


def cover_line(headings: Iterable[str], title: str = "", limit: int = 160) -> str:
    """One line on what a document covers, from its headings without their numbering:
    "Revenue by segment; Liquidity; Risk factors; …"."""
    parts: list[str] = []
    for heading in headings:
        if heading == title:
            continue
        plain = _NUMBERING.sub("", heading).strip(" .:")
        if plain and plain not in parts:
            parts.append(plain)
    line = "; ".join(parts)
    if len(line) <= limit:
        return line
    return line[: limit - 1].rsplit(" ", 1)[0].rstrip(";,") + "…"
