"""A document's table cells as operands: each value with its row label, the group row above it,
its column header, the years that header names, its unit and scale, and the row it is quoted by.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from ..facts.table import Table, header_years, parse_markdown_table, read_cell
from ..ingest.corpus import Passage, Sentence
from ..ingest.text import tokenize

_UNIT_LINE = re.compile(
    r"\bin (?P<word>thousands|millions|billions)\b|[$€£¥]\s?['’]?(?P<k>000)s?\b|\((?P<k2>000)s?\)"
    r"|(?:[$€£¥]|\b(?:us\$|rmb|nt\$|s\$|a\$|hk\$|eur|usd|gbp))\s?(?P<m>m|mn|million|bn|billion)\b"
    r"|\bin (?:[$€£¥]|us\$|eur|usd|gbp)\s?(?P<word2>thousands|millions|billions)\b"
    # a header cell that is only a scale letter ("| m | 2019 |")
    r"|\|\s*(?P<m2>m|mn|bn)\s*\|",
    re.I,
)
_CHANGE_COLUMN = re.compile(
    r"\bchange\b|\bincrease\b|\bdecrease\b|\bvariance\b|\bgrowth\b|\bdifference\b|%\s*$", re.I
)
_PER = re.compile(r"\bper (?:share|unit|common share|ordinary share)\b|\beps\b", re.I)
_DATE_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Cell:
    """One figure of a table: where it sits and what it measures."""

    value: float
    written: str  # the cell as the table writes it
    percent: bool
    currency: str
    scale: str  # "thousand", "million", "billion" or ""
    row: str
    group: str
    column: str
    years: tuple[int, ...]
    derived_column: bool  # a "% change" or "$ change" column: a figure worked out by the report
    passage: Passage
    sentence: Sentence  # the row, to quote
    header: Sentence | None  # the header row, to quote beside it
    table: int
    row_index: int
    col_index: int

    @cached_property
    def label_terms(self) -> frozenset[str]:
        return frozenset(tokenize(f"{self.row} {self.group}"))

    @cached_property
    def row_terms(self) -> frozenset[str]:
        return frozenset(tokenize(self.row))

    @cached_property
    def column_terms(self) -> frozenset[str]:
        return frozenset(t for t in tokenize(self.column) if not t.isdigit())


def unit_scale(text: str) -> str:
    """The scale a unit line states ("in thousands", "$'000", "€m") or ""."""
    m = _UNIT_LINE.search(text)
    if m is None:
        return ""
    if word := m.group("word") or m.group("word2"):
        return word.lower().rstrip("s")
    if letter := m.group("m") or m.group("m2"):
        return "billion" if letter.lower().startswith("b") else "million"
    return "thousand"


def _table_of(passage: Passage) -> Table | None:
    raw = "\n".join(s.text for s in passage.sentences)
    return parse_markdown_table(raw, 0, len(raw))


def _column_years(table: Table) -> list[tuple[int, ...]]:
    """The years each column's header names ("July 27, 2019" -> 2019, "2018/19" -> 2019)."""
    return [tuple(header_years(h)) for h in table.headers]


def table_cells(passages: Sequence[Passage], document_scale: str = "") -> list[Cell]:
    """Every readable cell of the document's table passages, in reading order."""
    cells: list[Cell] = []
    for t, passage in enumerate(p for p in passages if p.kind == "table"):
        table = _table_of(passage)
        if table is None:
            continue
        by_text = {s.text: s for s in passage.sentences}
        header = passage.sentences[0] if passage.sentences else None
        scale = unit_scale(f"{table.unit} {table.header_text}") or document_scale
        years = _column_years(table)
        # Years down the rows ("Balance as of June 30, 2018") and none across: each column is a
        # series over the years, named by its header.
        row_years = [tuple(header_years(f"{row.label} {row.group}")) for row in table.rows]
        transposed = not any(years) and sum(1 for y in row_years if y) >= 2
        for r, row in enumerate(table.rows):
            sentence = by_text.get(row.text)
            if sentence is None:
                continue
            for c, written in enumerate(row.cells):
                value = read_cell(written)
                if value is None or c >= len(table.headers):
                    continue
                label, column = row.label.strip(), table.headers[c]
                if transposed:
                    label, column = column, label
                cells.append(
                    Cell(
                        value=value.value,
                        written=" ".join(written.split()),
                        percent=value.percent or "%" in column,
                        currency=value.currency,
                        # "(in millions, except per share data)": a per-share row has no scale
                        scale=value.scale
                        or ("" if value.percent or _PER.search(f"{label} {row.group}") else scale),
                        row=label,
                        group="" if transposed else row.group.strip(),
                        column=column,
                        years=years[c] or row_years[r],
                        derived_column=bool(_CHANGE_COLUMN.search(column)),
                        passage=passage,
                        sentence=sentence,
                        header=header if header is not None and header != sentence else None,
                        table=t,
                        row_index=c if transposed else r,
                        col_index=r if transposed else c,
                    )
                )
    return cells


def document_scale(passages: Iterable[Passage]) -> str:
    """The scale the document's prose gives its figures ("(in thousands)"), if it gives one."""
    for passage in passages:
        if passage.kind != "table":
            scale = unit_scale(passage.text)
            if scale:
                return scale
    return ""
