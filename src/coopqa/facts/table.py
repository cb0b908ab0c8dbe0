"""Tables read as rows × columns: Markdown pipe tables from the text, PDF tables via pdfplumber.

A cell's meaning is its row label × its column header, under the table's heading and unit line
("$'000", "in thousands"). Header rows may span several lines ("Years ended" / "August 31," /
"2019"); a row whose value cells are all empty ("At 30 June 2019") heads the rows below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .numbers import SPLIT_YEAR

_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
_NIL = frozenset({"-", "–", "—", "−", "nil", "n/a", "na", "—%", "-%"})
_FOOTNOTE = re.compile(r"(?<=\S)\s*\(\d\)$|(?<=\d)[*†‡]+$")
_CELL_NUMBER = re.compile(
    r"^(?P<cur>[$€£¥]|[A-Z]{1,3}\$|NT\$)?\s*(?P<open>\()?\s*(?P<sign>[-−–])?\s*(?P<cur2>[$€£¥])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<close>\))?\s*"
    r"(?P<pct>%|percent)?\s*(?P<scale>thousand|million|billion|bn|m|k)?\s*(?P<pct2>%)?$",
    re.IGNORECASE,
)
_UNIT_CELL = re.compile(
    r"^\(?\s*(?:[$€£¥]|[A-Z]{1,3}\$|NT\$|RMB|USD|EUR|GBP)?\s*['’]?\s*(?:000|000s|'000|’000|"
    r"thousands?|millions?|billions?|%|in (?:thousands|millions|billions))\s*\)?$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class CellValue:
    value: float
    percent: bool = False
    scale: str = ""
    currency: str = ""


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[str, ...]  # value cells, one per column after the label
    group: str  # the nearest row above whose value cells were all empty
    text: str  # the row as written in the file
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # one per value column, header lines joined
    rows: tuple[TableRow, ...]
    unit: str  # "$'000", "%": from a unit row or unit cells
    header_text: str  # the header lines as written
    header_start: int
    header_end: int
    skipped: int = 0  # ragged or unreadable rows


def read_cell(text: str) -> CellValue | None:
    """ "(618)" -> -618, "12.76%" -> 12.76 %, "$15.5 billion" -> 15.5 billion, "–" -> None."""
    cell = _FOOTNOTE.sub("", text.strip()).strip()
    if not cell or cell.lower() in _NIL:
        return None
    m = _CELL_NUMBER.match(cell)
    if m is None or bool(m.group("open")) != bool(m.group("close")):
        return None
    value = float(m.group("num").replace(",", ""))
    if m.group("open") or m.group("sign"):
        value = -value
    scale = (m.group("scale") or "").lower()
    scale = {"m": "million", "bn": "billion", "k": "thousand"}.get(scale, scale)
    return CellValue(
        value=value,
        percent=bool(m.group("pct") or m.group("pct2")),
        scale=scale,
        currency=m.group("cur") or m.group("cur2") or "",
    )


def is_nil(text: str) -> bool:
    return _FOOTNOTE.sub("", text.strip()).strip().lower() in _NIL


def _cells(line: str) -> list[str] | None:
    m = _ROW.match(line)
    if not m:
        return None
    return [c.strip() for c in m.group(1).split("|")]


def _is_header_like(cells: list[str]) -> bool:
    """A header line: no label, or no value cell that is a plain amount (years are headers)."""
    values = cells[1:]
    amounts = [c for c in values if read_cell(c) is not None and not _YEAR.fullmatch(c.strip())]
    return not amounts or (not cells[0] and all(_header_token(c) for c in values))


def _header_token(cell: str) -> bool:
    text = _FOOTNOTE.sub("", cell).strip()
    return not text or bool(_YEAR.fullmatch(text)) or bool(_UNIT_CELL.match(text))


def parse_markdown_table(raw: str, start: int, end: int) -> Table | None:
    """The pipe table in ``raw[start:end]``; None when the block is not a table."""
    lines: list[tuple[list[str], str, int, int]] = []
    pos = start
    for line in raw[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        cells = _cells(body)
        lead = len(body) - len(body.lstrip())
        if cells is not None:
            lines.append((cells, body.strip(), pos + lead, pos + lead + len(body.strip())))
        pos += len(line)
    lines = [ln for ln in lines if not all(_RULE_CELL.match(c) for c in ln[0] if c)]
    if len(lines) < 2:
        return None
    width = max(len(c) for c, *_ in lines)
    header_lines: list[tuple[list[str], str, int, int]] = []
    body_lines = list(lines)
    header_lines.append(body_lines.pop(0))  # GitHub tables: the first row is the header
    while body_lines and _is_header_like(body_lines[0][0]) and not _has_label_and_empty(body_lines):
        header_lines.append(body_lines.pop(0))
    headers = _join_headers([h[0] for h in header_lines], width)
    unit = _unit_of([h[0] for h in header_lines])
    rows: list[TableRow] = []
    group = ""
    skipped = 0
    for cells, text, s, e in body_lines:
        if len(cells) != width:
            skipped += 1  # ragged: cells cannot be matched to columns
            cells = (cells + [""] * width)[:width]
        label, values = cells[0], tuple(cells[1:])
        if not any(v.strip() for v in values):
            group = label
            continue
        if not label and all(_UNIT_CELL.match(v) or not v for v in values):
            unit = unit or unit_words(next(v for v in values if v))
            continue
        rows.append(TableRow(label, values, group, text, s, e))
    return Table(
        headers=tuple(headers[1:]),
        rows=_unlabelled_totals(rows),
        unit=unit,
        header_text="\n".join(h[1] for h in header_lines),
        header_start=header_lines[0][2],
        header_end=header_lines[-1][3],
        skipped=skipped,
    )


def _unlabelled_totals(rows: list[TableRow]) -> tuple[TableRow, ...]:
    """A row with no label whose figure adds up the rows above it (from the last such row,
    whose figure it carries on) is their total: it is labelled "Total"."""
    out = list(rows)
    start, carried = 0, 0.0
    for i, row in enumerate(rows):
        if row.label.strip():
            continue
        read = [(n, v) for n, c in enumerate(row.cells) if (v := read_cell(c)) is not None]
        if not read:
            continue
        column, value = read[0][0], read[0][1].value
        above = [read_cell(r.cells[column]) for r in rows[start:i] if column < len(r.cells)]
        figures = [carried, *(a.value for a in above if a is not None)]
        if len(figures) >= 3 and abs(sum(figures) - value) <= max(1.0, abs(value) * 0.002):
            out[i] = replace(row, label="Total")
        start, carried = i + 1, value
    return tuple(out)


def _has_label_and_empty(body: list[tuple[list[str], str, int, int]]) -> bool:
    """A first body row like "At 30 June 2019 | | |" is a group row, not a header."""
    cells = body[0][0]
    return bool(cells[0]) and not any(c.strip() for c in cells[1:])


def _join_headers(rows: list[list[str]], width: int) -> list[str]:
    """Header lines joined per column. A line with one cell ("Years ended December 31,") heads
    every column; otherwise a cell spans the empty cells to its right ("2019" over two)."""
    out = [""] * width
    for n, cells in enumerate(rows):
        cells = (cells + [""] * width)[:width]
        named = [
            i
            for i, c in enumerate(cells)
            if i > 0 and c.strip() and not _UNIT_CELL.match(c.strip())
        ]
        if len(named) == 1 and width > 2:
            text = cells[named[0]].strip()
            for i in _spanned(named[0], text, rows[n + 1 :], width):
                out[i] = f"{out[i]} {text}".strip()
            continue
        blocks = _blocks(cells, rows, width)
        if blocks:
            for block in blocks:
                text = next(cells[i].strip() for i in block if cells[i].strip())
                for i in block:
                    out[i] = f"{out[i]} {text}".strip()
            continue
        carried = ""
        for i, cell in enumerate(cells):
            text = cell.strip()
            if text and not _UNIT_CELL.match(text):
                carried = text
                out[i] = f"{out[i]} {text}".strip()
            elif carried and i > 0 and not text:
                out[i] = f"{out[i]} {carried}".strip()
    return out


_CHANGE_HEADER = re.compile(r"\b(?:change|increase|decrease|variance)\b", re.I)


def _spanned(at: int, text: str, below: list[list[str]], width: int) -> range:
    """The columns a lone header cell heads: every value column ("Years ended December 31,"),
    unless it names a change: then its own and those after it up to the next column a later
    header line heads with a year ("% Change" over "Actual | Constant", not over 2018)."""
    if not _CHANGE_HEADER.search(text):
        return range(1, width)
    end = at + 1
    while end < width and not any(_YEAR.search((r + [""] * width)[end]) for r in below):
        end += 1
    return range(at, end)


def _blocks(cells: list[str], rows: list[list[str]], width: int) -> list[list[int]]:
    """Column groups of a spanning header line, read from a header line whose cells repeat
    ("$ | % | $ | %" under "| 2019 | | 2018 |"): each group is headed by the one name inside it,
    wherever the name sits in its group. Empty when no line repeats so."""
    named = [i for i, c in enumerate(cells) if i > 0 and c.strip()]
    if len(named) < 2 or len(named) == width - 1:
        return []
    for other in rows:
        below = [c.strip() for c in (other + [""] * width)[1:width]]
        if below == [c.strip() for c in cells[1:width]]:
            continue
        for period in range(2, len(below) // 2 + 1):
            if len(below) % period or any(below[i] != below[i % period] for i in range(len(below))):
                continue
            if not all(below[:period]):
                continue
            groups = [list(range(1 + k, 1 + k + period)) for k in range(0, len(below), period)]
            if all(sum(1 for i in g if cells[i].strip()) == 1 for g in groups):
                return groups
    return []


def _unit_of(rows: list[list[str]]) -> str:
    for cells in rows:
        for cell in cells:
            if cell.strip() and _UNIT_CELL.match(cell.strip()):
                return unit_words(cell.strip())
    return ""


def unit_words(unit: str) -> str:
    """A unit line in words: "$'000" -> "$ thousand", so its zeros are not read as a figure."""
    text = re.sub(r"['’]?000s?\b", " thousand", unit.strip("() "))
    return " ".join(text.split())


def header_years(text: str) -> list[int]:
    """The years a header, group or label names ("2018(1)" -> 2018); a split year
    ("2018/2019", "2018/19") is named by the year it ends in."""
    ends = [int(b) if len(b) == 4 else int(a[:2] + b) for a, b in SPLIT_YEAR.findall(text)]
    return ends or [int(y) for y in _YEAR.findall(text)]


def pdf_tables(data: bytes) -> list[tuple[int, list[list[str]]]]:
    """(page, rows) for each table pdfplumber finds; cells as text, None read as empty."""
    import io

    import pdfplumber

    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for rows in page.extract_tables():
                cleaned = [[" ".join((c or "").split()) for c in row] for row in rows if row]
                if len(cleaned) >= 2:
                    found.append((number, cleaned))
    return found


def markdown_from_rows(rows: list[list[str]]) -> str:
    """A pipe table written from extracted rows, first row as header."""
    width = max(len(r) for r in rows)
    padded = [(r + [""] * width)[:width] for r in rows]
    lines = ["| " + " | ".join(c.replace("|", "/") for c in padded[0]) + " |"]
    lines.append("| " + " | ".join("---" for _ in range(width)) + " |")
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in padded[1:]]
    return "\n".join(lines)
