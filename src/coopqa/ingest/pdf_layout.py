"""One PDF page as a reader sees it: whole words, lines in reading order across columns, tables.

pdfplumber gives each glyph's box and font. Glyphs are joined into words by their x-gaps relative
to the font size, words into lines by their vertical overlap, and a page with two columns is read
left column first, right column second, between full-width lines. Tables (pdfplumber's
``find_tables``) are taken out of the prose and kept as rows of cells in their place.
Everything here is plain data, so pages can be read in worker processes.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

# A gap wider than this share of the font size between two glyphs starts a new word.
WORD_GAP = 0.15
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_CURRENCY_ONLY = frozenset({"$", "€", "£", "¥"})
_CLOSING_ONLY = frozenset({")", "%", ")%", "%)"})
MAX_GRAPHICS = 20_000  # lines, boxes and curves read from one page (table edges); the rest skipped
_SKIPPED = {"object_type": "anno"}  # a kind pdfplumber leaves out of its objects


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(frozen=True)
class Line:
    """Words on one baseline within one column, left to right."""

    words: tuple[Word, ...]
    column: str  # "left", "right" or "full"

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if any(ch.isalnum() for ch in w.text))


@dataclass(frozen=True)
class TableBlock:
    rows: tuple[tuple[str, ...], ...]
    column_edges: tuple[tuple[float, float], ...]  # x-range of each column, left to right
    x0: float
    top: float
    x1: float
    bottom: float
    column: str


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    items: list[Line | TableBlock] = field(default_factory=list)  # in reading order


def words_of(page) -> list[Word]:  # noqa: ANN001 - a pdfplumber page
    """Whole words: glyphs closer than WORD_GAP × font size belong to one word, whatever their
    font (a word may change font subset mid-way); its size is its largest glyph's, and it is
    bold when most of its glyphs are."""
    raw = page.extract_words(
        x_tolerance_ratio=WORD_GAP, y_tolerance=2, keep_blank_chars=False, return_chars=True
    )
    out = []
    for w in raw:
        chars = w.get("chars") or []
        if not w["text"].strip() or not w.get("upright", True) or not chars:
            continue
        bold = sum(1 for c in chars if _BOLD.search(c.get("fontname") or ""))
        out.append(
            Word(
                text=w["text"],
                x0=float(w["x0"]),
                x1=float(w["x1"]),
                top=float(w["top"]),
                bottom=float(w["bottom"]),
                size=round(max(float(c["size"]) for c in chars), 1),
                bold=bold * 2 > len(chars),
            )
        )
    return out


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows by vertical overlap with the row's first word, top to bottom."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        for row in reversed(rows[-3:]):
            first = row[0]
            overlap = min(first.bottom, word.bottom) - max(first.top, word.top)
            if overlap > 0.5 * min(first.bottom - first.top, word.bottom - word.top):
                row.append(word)
                break
        else:
            rows.append([word])
    return [sorted(r, key=lambda w: w.x0) for r in rows]


def _split_at(row: list[Word], x: float) -> bool:
    """The row has words on both sides of x and a gap of at least a font size around it."""
    left = [w for w in row if w.x1 <= x]
    right = [w for w in row if w.x0 >= x]
    if not left or not right or len(left) + len(right) != len(row):
        return False
    return right[0].x0 - left[-1].x1 >= max(left[-1].size, right[0].size)


def gutter(words: list[Word], width: float) -> float | None:
    """The x of the gap between two columns of prose, or None for one column.

    A gutter lies in the middle of the page; at least three rows have a wide gap there with
    words on both sides, and on those rows each side fills its column (a table's sparse numbers
    do not)."""
    rows = rows_of(words)
    best, best_count = None, 0
    for x in range(int(width * 0.3), int(width * 0.7), 2):
        count = sum(1 for row in rows if _split_at(row, x))
        if count > best_count:
            best, best_count = x, count
    if best is None or best_count < 3:
        return None
    both = [row for row in rows if _split_at(row, best)]
    left = [[w for w in row if w.x1 <= best] for row in both]
    right = [[w for w in row if w.x0 >= best] for row in both]
    left_edge = min(r[0].x0 for r in left)
    right_edge = max(r[-1].x1 for r in right)
    left_fill = statistics.median(r[-1].x1 - r[0].x0 for r in left) / max(1.0, best - left_edge)
    right_fill = statistics.median(r[-1].x1 - r[0].x0 for r in right) / max(1.0, right_edge - best)
    return float(best) if left_fill > 0.6 and right_fill > 0.6 else None


def lines_in_order(
    words: list[Word], split: float | None, breaks: tuple[float, ...] = ()
) -> list[Line]:
    """Lines in reading order: where the page has two columns, the left column's lines, then
    the right's. Rows split at the gutter, and the one-sided rows that carry straight on from
    them, are column lines; any other row (and a full-width table, whose top is in ``breaks``)
    ends the columns above it."""
    out: list[Line] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    pending = sorted(breaks)
    previous_bottom: float | None = None
    for row in rows_of(words):
        top, bottom = min(w.top for w in row), max(w.bottom for w in row)
        size = max(w.size for w in row)
        near = previous_bottom is not None and top - previous_bottom < 1.5 * size
        while pending and top >= pending[0]:
            pending.pop(0)
            near = False
        if split is not None and _split_at(row, split):
            band_left.append(Line(tuple(w for w in row if w.x1 <= split), "left"))
            band_right.append(Line(tuple(w for w in row if w.x0 >= split), "right"))
        elif split is not None and near and (band_left or band_right):
            if all(w.x1 <= split for w in row):
                band_left.append(Line(tuple(row), "left"))
            elif all(w.x0 >= split for w in row):
                band_right.append(Line(tuple(row), "right"))
            else:
                out += band_left + band_right + [Line(tuple(row), "full")]
                band_left, band_right = [], []
        else:
            out += band_left + band_right + [Line(tuple(row), "full")]
            band_left, band_right = [], []
        previous_bottom = bottom
    return out + band_left + band_right


def clean_rows(rows: list[list[str | None]]) -> tuple[list[list[str]], list[list[int]]]:
    """Cells as one-line text; columns empty in every row dropped, a lone "$" column joined to
    the amounts on its right and a lone ")" or "%" column to those on its left. Also returns,
    for each column kept, the raw columns it was made of."""
    cells = [[" ".join((c or "").split()) for c in row] for row in rows if row]
    if not cells:
        return [], []
    width = max(len(r) for r in cells)
    cells = [(r + [""] * width)[:width] for r in cells]
    keep = [i for i in range(width) if any(r[i] for r in cells)]
    merged: list[list[str]] = [[] for _ in cells]
    groups: list[list[int]] = []
    k = 0
    while k < len(keep):
        col = keep[k]
        values = {r[col] for r in cells if r[col]}
        if values <= _CURRENCY_ONLY and k + 1 < len(keep):
            nxt = keep[k + 1]
            for out, r in zip(merged, cells, strict=True):
                out.append(f"{r[col]}{r[nxt]}".strip())
            groups.append([col, nxt])
            k += 2
            continue
        if values <= _CLOSING_ONLY and groups:
            for out, r in zip(merged, cells, strict=True):
                out[-1] = f"{out[-1]}{r[col]}".strip()
            groups[-1].append(col)
            k += 1
            continue
        for out, r in zip(merged, cells, strict=True):
            out.append(r[col])
        groups.append([col])
        k += 1
    return [r for r in merged if any(r)], groups


def _column_edges(table, groups: list[list[int]]) -> tuple[tuple[float, float], ...]:  # noqa: ANN001
    """The x-range of each kept column, from the boxes of the raw columns it was made of."""
    raw = []
    for column in table.columns:
        boxes = [c for c in column.cells if c is not None]
        raw.append((min(b[0] for b in boxes), max(b[2] for b in boxes)) if boxes else None)
    edges = []
    for group in groups:
        spans = [raw[i] for i in group if i < len(raw) and raw[i] is not None]
        if not spans:
            return ()
        edges.append((min(a for a, _ in spans), max(b for _, b in spans)))
    return tuple(edges)


def tables_of(page) -> list[TableBlock]:  # noqa: ANN001 - a pdfplumber page
    """Tables of two rows and two columns or more, as cleaned rows with their boxes."""
    found = []
    for table in page.find_tables():
        rows, groups = clean_rows(table.extract())
        if len(rows) < 2 or len(groups) < 2:
            continue
        if sum(1 for r in rows for c in r[1:] if c) == 0:
            continue  # one column of text in a box: prose, not a table
        x0, top, x1, bottom = table.bbox
        if _framed_prose(rows, (x1 - x0) * (bottom - top) / (page.width * page.height)):
            continue
        found.append(
            TableBlock(
                rows=tuple(tuple(r) for r in rows),
                column_edges=_column_edges(table, groups),
                x0=x0,
                top=top,
                x1=x1,
                bottom=bottom,
                column="full",
            )
        )
    return found


def _framed_prose(rows: list[list[str]], share_of_page: float) -> bool:
    """A frame drawn around a page or a text box: cells of paragraphs, not of figures."""
    cells = [len(c) for r in rows for c in r if c]
    if max(cells) > 500:
        return True
    return share_of_page > 0.5 and sum(cells) / len(cells) > 60


def _inside(word: Word, table: TableBlock) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return table.x0 - 1 <= cx <= table.x1 + 1 and table.top - 1 <= cy <= table.bottom + 1


def _char_object(page, obj):  # noqa: ANN001, ANN202
    """pdfplumber's record of a glyph with only what words and tables use: pdfplumber's own
    conversion resolves every colour of every glyph, half the time of reading a page. Curves of
    many points (charts, logos) are dropped: they cost time and memory and edge no table."""
    from pdfminer.layout import LTChar, LTCurve

    if type(obj) is not LTChar:
        if type(obj) is LTCurve and len(obj.pts) > 8:
            return _SKIPPED  # a drawn shape (chart, logo) edges no table
        page.graphics = getattr(page, "graphics", 0) + 1
        if page.graphics > MAX_GRAPHICS:
            return _SKIPPED  # a map or chart of countless shapes: its text is still read
        return type(page).process_object(page, obj)
    text = obj.get_text()
    if page.pdf.unicode_norm is not None:
        from pdfplumber.utils.text import normalize_unicode

        text = normalize_unicode(page.pdf.unicode_norm, text)
    mb_x0, mb_top = page.mediabox[:2]
    top = (page.height - obj.y1) + mb_top
    return {
        "object_type": "char",
        "page_number": page.page_number,
        "text": text,
        "fontname": obj.fontname,
        "size": obj.size,
        "adv": obj.adv,
        "upright": obj.upright,
        "matrix": obj.matrix,
        "x0": obj.x0 + mb_x0,
        "x1": obj.x1 + mb_x0,
        "y0": obj.y0,
        "y1": obj.y1,
        "width": obj.width,
        "height": obj.height,
        "top": top,
        "bottom": (page.height - obj.y0) + mb_top,
        "doctop": page.initial_doctop + top,
    }


def read_page(page, number: int) -> PageLayout:  # noqa: ANN001 - a pdfplumber page
    """A page's lines and tables in reading order."""
    page.process_object = lambda obj: _char_object(page, obj)
    width, height = float(page.width), float(page.height)
    tables = tables_of(page)
    words = [w for w in words_of(page) if not any(_inside(w, t) for t in tables)]
    split = gutter(words, width)
    if split is not None:
        tables = [_side(t, split) for t in tables]
    breaks = tuple(t.top for t in tables if t.column == "full")
    lines = lines_in_order(words, split, breaks)
    return PageLayout(number, width, height, place_tables(lines, tables))


def _side(table: TableBlock, split: float) -> TableBlock:
    column = "left" if table.x1 <= split else "right" if table.x0 >= split else "full"
    return TableBlock(**{**table.__dict__, "column": column})


def place_tables(lines: list[Line], tables: list[TableBlock]) -> list[Line | TableBlock]:
    """Each table before the first line of its column (or any full-width line) below its top."""
    items: list[Line | TableBlock] = list(lines)
    for table in sorted(tables, key=lambda t: t.top, reverse=True):
        at = len(items)
        for i, item in enumerate(items):
            if not isinstance(item, Line):
                continue
            same_flow = item.column == table.column or "full" in (item.column, table.column)
            if same_flow and item.top >= table.top:
                at = i
                break
        items.insert(at, table)
    return items
