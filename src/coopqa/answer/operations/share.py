"""One figure as a share of another of the same year: "X as a percentage of total Y" (FinQA's
divide across two rows). The part's row comes first among the cells, the whole's after it."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year, number


def row_series(cells: Sequence[Cell]) -> list[list[Cell]]:
    out: dict[tuple[int, int], list[Cell]] = {}
    for c in cells:
        out.setdefault((c.table, c.row_index), []).append(c)
    return list(out.values())


def same_year(question: Question, part: list[Cell], whole: list[Cell]) -> tuple[Cell, Cell] | None:
    if question.years:
        a, b = by_year(question, part), by_year(question, whole)
        return (a[0], b[0]) if a and b else None
    for p in part:  # the first column both rows fill
        for w in whole:
            if p.col_index == w.col_index and p.table == w.table and not p.derived_column:
                return p, w
    return None


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    series = row_series(cells)
    if len(series) != 2:
        return None
    pair = same_year(question, *series)
    if pair is None or pair[1].value == 0:
        return None
    part, whole = pair
    factor = 100 if question.in_percent else 1
    value = part.value / whole.value * factor
    formula = f"{number(part.value)} / {number(whole.value)}"
    what = "the percentage" if factor == 100 else "the proportion"
    return Result(value, (part, whole), formula, what, percent=factor == 100)


OPERATION = Operation("share", lambda q: bool(q.part and q.whole) and len(q.years) <= 1, solve)
