"""A whole PDF read as a Markdown-like text that corpus.parse_text splits into passages.

The text keeps what a reader sees: headings as ``#`` lines (from the outline, numbering such as
"Item 7." or "Note 3 —", and font size or weight against the body text), paragraphs separated by
blank lines, each table once as a pipe table under its title and unit line, pages separated by
form feeds. Running headers, footers and page numbers are left out. Quotes are cut from this text,
so it is the document's text.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .pdf_layout import Line, PageLayout, TableBlock, read_page

READER_VERSION = "1"
MARGIN = 0.12  # share of the page height at top and bottom where running lines sit
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_PART = re.compile(r"^PART\s+[IVX]{1,4}\b", re.IGNORECASE)
_ITEM = re.compile(r"^ITEM\s+\d{1,2}[A-C]?\s*[.:—–-]", re.IGNORECASE)
_NOTE = re.compile(r"^NOTE\s+\d{1,2}\s*[.:—–-]", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z]")
_TERMINAL = re.compile(r"[.!?:;][”\"’)]?$")
_AMOUNT = re.compile(r"\d")
_YEARS = re.compile(r"^(?:(?:fiscal\s+|fy\s*)?(?:19|20)\d\d\s*)+$", re.IGNORECASE)


@dataclass
class _Para:
    """Lines of one paragraph (or one table) on one page."""

    page: int
    lines: list[Line]
    table: TableBlock | None = None
    captions: tuple[Line, ...] = ()
    level: int | None = None  # a heading: Markdown level 2..6

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


# -- reading the pages ----------------------------------------------------------------------------
_WORKER_PDF = None  # each worker process opens the document once


def _open_in_worker(data: bytes) -> None:
    global _WORKER_PDF
    import pdfplumber

    _WORKER_PDF = pdfplumber.open(io.BytesIO(data))


def _worker_range(start: int, stop: int) -> list[PageLayout]:
    return _read_range(_WORKER_PDF, start, stop)


def _read_range(pdf, start: int, stop: int) -> list[PageLayout]:  # noqa: ANN001
    out = []
    for number in range(start, stop):
        page = pdf.pages[number]
        out.append(read_page(page, number + 1))
        page.close()  # drop pdfplumber's per-page caches: memory stays flat
    return out


def page_layouts(
    data: bytes, progress: Callable[[int], None] | None = None, workers: int = 2
) -> list[PageLayout]:
    """Every page's layout, pages shared among ``workers`` processes for a long document."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        count = len(pdf.pages)
        if workers <= 1 or count < 24:
            layouts = []
            for number in range(count):
                layouts += _read_range(pdf, number, number + 1)
                if progress:
                    progress(1)
            return layouts
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")  # workers import nothing new
    with ProcessPoolExecutor(workers, context, _open_in_worker, (data,)) as pool:
        # One page a task: the progress bar moves page by page, and a slow page (a map of
        # shapes) holds up one worker, not a run of pages behind it.
        futures = [pool.submit(_worker_range, n, n + 1) for n in range(count)]
        layouts = []
        for future in futures:
            part = future.result()
            layouts += part
            if progress:
                progress(len(part))
    return layouts


# -- running headers, footers and page numbers ----------------------------------------------------
def _in_margin(line: Line, layout: PageLayout) -> bool:
    return line.bottom <= layout.height * MARGIN or line.top >= layout.height * (1 - MARGIN)


def _furniture_key(line: Line, layout: PageLayout) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line.text.lower()), round(line.top / 6)


def _top(indexed: tuple[int, Line]) -> float:
    return indexed[1].top


def furniture(layouts: list[PageLayout]) -> set[tuple[int, int]]:
    """(page, item index) of running lines: in the top or bottom margin and repeated at the same
    height on several pages (digits aside), or a bare page number there or as the first or last
    line of its page (some renderings set it just below the text)."""
    pages_with: Counter[tuple[str, int]] = Counter()
    for layout in layouts:
        keys = {
            _furniture_key(item, layout)
            for item in layout.items
            if isinstance(item, Line) and _in_margin(item, layout)
        }
        pages_with.update(keys)
    needed = max(2, -(-len(layouts) // 10))
    out = set()
    for layout in layouts:
        lines = [(i, item) for i, item in enumerate(layout.items) if isinstance(item, Line)]
        for i, item in (min(lines, key=_top), max(lines, key=_top)) if lines else ():
            if _PAGE_NUMBER.match(item.text):  # first or last on its page, wherever it sits
                out.add((layout.number, i))
        for i, item in lines:
            if not _in_margin(item, layout):
                continue
            key = _furniture_key(item, layout)
            near = sum(pages_with[(key[0], key[1] + d)] for d in (-1, 0, 1))
            if near >= needed or _PAGE_NUMBER.match(item.text):
                out.add((layout.number, i))
    return out


_PAGE_REF = re.compile(r"\S.*?[\s.]+(\d{1,4})$")


def contents_lines(layouts: list[PageLayout], skip: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """(page, item index) of a table of contents: on a page with eight or more lines that end in
    a page number, the numbers (almost) never going down and none past the last page, those
    lines and the PART/Item lines among them. A contents page lists headings; it is not one."""
    out = set()
    for layout in layouts:
        refs = []
        for i, item in enumerate(layout.items):
            if isinstance(item, Line) and (layout.number, i) not in skip:
                m = _PAGE_REF.fullmatch(item.text)
                if m and int(m.group(1)) <= len(layouts) and any(c.isalpha() for c in item.text):
                    refs.append((i, int(m.group(1))))
        if len(refs) < 8:
            continue
        numbers = [n for _, n in refs]
        falls = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b < a)
        if falls > len(numbers) // 10:
            continue
        first, last = refs[0][0], refs[-1][0]
        out.update((layout.number, i) for i, _ in refs)
        out.update(
            (layout.number, i)
            for i in range(max(0, first - 2), last + 1)
            if isinstance(item := layout.items[i], Line) and _PART.match(item.text)
        )
    return out


# -- paragraphs, captions and headings ------------------------------------------------------------
def body_size(layouts: list[PageLayout]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for layout in layouts:
        for item in layout.items:
            if isinstance(item, Line):
                for word in item.words:
                    sizes[round(word.size * 2) / 2] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def paragraphs(layout: PageLayout, skip: set[tuple[int, int]]) -> list[_Para]:
    """A page's lines grouped into paragraphs by vertical gaps (against the page's usual gap
    between lines), font and column; tables apart."""
    lines = [
        item
        for i, item in enumerate(layout.items)
        if isinstance(item, Line) and (layout.number, i) not in skip
    ]
    leading = _usual_gap(lines)
    out: list[_Para] = []
    for i, item in enumerate(layout.items):
        if (layout.number, i) in skip:
            continue
        if isinstance(item, TableBlock):
            out.append(_Para(layout.number, [], table=item))
            continue
        last = out[-1] if out and out[-1].table is None else None
        prev = last.lines[-1] if last else None
        if prev is not None and _same_paragraph(prev, item, leading):
            last.lines.append(item)  # type: ignore[union-attr]
        else:
            out.append(_Para(layout.number, [item]))
    return out


def _usual_gap(lines: list[Line]) -> float:
    """The most common gap between one line and the next below it in the same column and font."""
    gaps: Counter[float] = Counter()
    for prev, line in zip(lines, lines[1:], strict=False):
        if line.column == prev.column and line.top > prev.top and line.size == prev.size:
            gap = line.top - prev.bottom
            if 0 <= gap < 1.5 * line.size:
                gaps[round(gap * 2) / 2] += 1
    return gaps.most_common(1)[0][0] if gaps else 2.0


def _same_paragraph(prev: Line, line: Line, leading: float) -> bool:
    if line.column != prev.column and "full" in (line.column, prev.column):
        return False
    if line.top < prev.top:  # the next column: carry on only mid-sentence
        return not _TERMINAL.search(prev.text) and line.text[:1].islower()
    if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
        return False
    gap = line.top - prev.bottom
    size = min(prev.size, line.size)
    if gap <= leading + 0.4 * size:
        return True
    # a wider gap inside a sentence (uneven leading) does not end the paragraph
    return gap <= leading + 1.2 * size and not _TERMINAL.search(prev.text)


def attach_captions(paras: list[_Para]) -> list[_Para]:
    """The short paragraphs just above a table (its title, unit line, column headers) move into
    it; a paragraph of prose ends the search."""
    out: list[_Para] = []
    for para in paras:
        if para.table is None:
            out.append(para)
            continue
        taken: list[Line] = []
        edge = para.table.top
        while out and out[-1].table is None and out[-1].level is None:
            lines = out[-1].lines
            if edge - lines[-1].bottom > 2.2 * lines[-1].size or len(taken) + len(lines) > 5:
                break
            if not all(_caption_like(line, para.table) for line in lines):
                break
            taken = lines + taken
            edge = lines[0].top
            out.pop()
        para.captions = tuple(taken)
        out.append(para)
    return out


def _caption_like(line: Line, table: TableBlock) -> bool:
    text = line.text
    if _PART.match(text) or _ITEM.match(text) or _NOTE.match(text):
        return False
    return len(text.split()) <= 16 and not (text.endswith(".") and len(text.split()) > 3)


def mark_headings(
    paras: list[_Para], body: float, outline: dict[int, list[tuple[str, int]]]
) -> None:
    """Set ``level`` on the paragraphs that are headings."""
    large = sorted(
        {round(p.lines[0].size) for p in paras if p.lines and _is_large(p, body)}, reverse=True
    )
    for para in paras:
        if para.table is not None or not para.lines:
            continue
        para.level = _level(para, body, large, outline.get(para.page, []))


def _is_large(para: _Para, body: float) -> bool:
    return para.lines[0].size >= body * 1.15 and _short(para)


def _short(para: _Para) -> bool:
    text = para.text
    return (
        len(para.lines) <= 3
        and (text[:1].isalnum() or text[:1] in "“\"'")
        and len(text) <= 150
        and len(text.split()) <= 18
        and any(ch.isalpha() for ch in text)
        and not text.rstrip().endswith((",", ";"))
        and not (text.endswith(".") and len(text.split()) > 4)  # a sentence, not a title
        and not re.search(r"\s\d{1,4}$", text)  # a contents line ends in its page number
    )


def _level(para: _Para, body: float, large: list[int], titles: list[tuple[str, int]]) -> int | None:
    text = para.text
    key = _title_key(text)
    for title, depth in titles:
        if key and key == title:
            return min(6, 2 + depth)
    if not _short(para):
        return None
    if _PART.match(text):
        return 2
    if _ITEM.match(text):
        return 3
    if _NOTE.match(text):
        return 4
    if _is_large(para, body):
        return min(5, 2 + large.index(round(para.lines[0].size)))
    first = para.lines[0]
    standalone_style = all(line.bold for line in para.lines) and first.size >= body - 0.5
    if (standalone_style or _NUMBERED.match(text)) and not _TERMINAL.search(text):
        return 6 if not _NUMBERED.match(text) else 5
    return None


def _title_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def outline_titles(data: bytes) -> dict[int, list[tuple[str, int]]]:
    """page -> (title key, depth) from the PDF's outline (bookmarks); empty when it has none."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if "/Outlines" not in reader.trailer["/Root"]:
            return {}
        out: dict[int, list[tuple[str, int]]] = {}

        def walk(items: list, depth: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                    continue
                page = reader.get_destination_page_number(item)
                if page is not None and page >= 0:
                    out.setdefault(page + 1, []).append((_title_key(str(item.title)), depth))

        walk(reader.outline, 0)
        return out
    except Exception:  # a broken outline: read the layout alone
        return {}


# -- tables as pipe tables ------------------------------------------------------------------------
def table_lines(table: TableBlock, captions: tuple[Line, ...]) -> list[list[str]]:
    """The table's rows, with its caption lines on top: those that line up with the value
    columns as header rows, the others (title, unit line) in the first header row's label cell."""
    width = len(table.rows[0])
    titles: list[str] = []
    headers: list[list[str]] = []
    for line in captions:
        cells = _aligned(line, table, width)
        if cells:
            headers.append(cells)
        else:
            titles.append(line.text)
    rows = headers + [list(r) for r in table.rows]
    if titles:
        # The title goes in the label cell of the first header row, so that the table parser
        # reads the column headers under it (a lone row of text there would be a group label,
        # or spread over every column's header).
        if not header_rows(rows[:1]):
            rows.insert(0, [""] * width)
        rows[0][0] = " ".join([*titles, rows[0][0]]).strip()
    return rows


def _aligned(line: Line, table: TableBlock, width: int) -> list[str] | None:
    edges = table.column_edges
    if len(edges) != width or width < 2:
        return None
    groups: list[list] = []
    for word in line.words:
        if not groups or word.x0 - groups[-1][-1].x1 > 1.2 * word.size:
            groups.append([])
        groups[-1].append(word)
    if len(groups) < 2:
        return None
    cells = [""] * width
    for group in groups:
        centre = (group[0].x0 + group[-1].x1) / 2
        column = min(range(width), key=lambda i: _distance(centre, edges[i]))
        cells[column] = f"{cells[column]} {' '.join(w.text for w in group)}".strip()
    return cells if sum(1 for c in cells[1:] if c) >= 1 else None


def _distance(x: float, edge: tuple[float, float]) -> float:
    a, b = edge
    return 0.0 if a <= x <= b else min(abs(x - a), abs(x - b))


def header_rows(rows: list[list[str]]) -> list[list[str]]:
    """The leading rows that hold no amount: title, unit line and column headers."""
    out = []
    for row in rows:
        values = [c for c in row[1:] if c]
        if any(len(c) > 80 for c in row):
            break  # a row of prose heads nothing
        if any(_AMOUNT.search(c) and not _YEARS.match(c) for c in values):
            break
        if not values and out and not row[0]:
            break
        out.append(row)
        if len(out) >= 6:
            break
    return out


def pipe_table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    padded = [[c.replace("|", "/") for c in (r + [""] * width)[:width]] for r in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "| " + " | ".join(["---"] * width) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in padded[1:]])


# -- the whole text -------------------------------------------------------------------------------
def render(layouts: list[PageLayout], outline: dict[int, list[tuple[str, int]]]) -> str:
    """The document's text: headings, paragraphs and pipe tables, pages split by form feeds."""
    skip = furniture(layouts)
    skip |= contents_lines(layouts, skip)
    body = body_size(layouts)
    pages = [attach_captions(paragraphs(layout, skip)) for layout in layouts]
    for paras in pages:
        mark_headings(paras, body, outline)
    out: list[str] = []
    page = 1
    previous: _Para | None = None
    last_header: tuple[int, list[list[str]]] | None = None  # (columns, rows) of a page's last table
    for number, paras in enumerate(pages, start=1):
        for i, para in enumerate(paras):
            if para.table is not None:
                rows = table_lines(para.table, para.captions)
                if i == 0 and last_header and last_header[0] == len(rows[0]):
                    if not header_rows(rows) or not para.captions:
                        rows = last_header[1] + [r for r in rows if r not in last_header[1]]
                block = pipe_table(rows)
                last_header = (len(rows[0]), header_rows(rows))
            elif para.level is not None:
                block = "#" * para.level + " " + para.text
            else:
                block = "\n".join(line.text for line in para.lines)
            joined = number != page and _continues(previous, para)
            breaks = "\f" * (number - page)
            if out:
                out.append(("\n" if joined else "\n\n") + breaks)
            elif breaks:
                out.append(breaks)
            out.append(block)
            page, previous = number, para
        if paras and paras[-1].table is None:
            last_header = None
    return "".join(out) + "\n"


def _continues(previous: _Para | None, para: _Para) -> bool:
    """A paragraph carried over a page break: no sentence end before, lower case after."""
    if previous is None or previous.table is not None or previous.level is not None:
        return False
    if para.table is not None or para.level is not None:
        return False
    return not _TERMINAL.search(previous.text) and para.text[:1].islower()


def read_pdf(
    data: bytes, progress: Callable[[int], None] | None = None, workers: int = 2
) -> tuple[str, int]:
    """(the document's text, its page count)."""
    layouts = page_layouts(data, progress, workers)
    return render(layouts, outline_titles(data)), len(layouts)
