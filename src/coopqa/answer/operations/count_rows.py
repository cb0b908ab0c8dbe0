"""How many rows of a table are past a threshold in the year asked ("How many regions had
revenues of more than $20,000 in 2019?"): FinQA's greater over a column, counted."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year
from .parts import TOTAL_ROW, one_per_row
from .share import row_series


def _counted_rows(question: Question, rows: list[Cell]) -> list[Cell]:
    """The rows counted: those whose label holds every word naming the measure ("Total Europe
    revenues" for "total revenues"), the table's grand total aside; else every row but totals."""
    terms = set(question.constraint_terms)
    named = [r for r in rows if terms and terms <= r.label_terms]
    named = [r for r in named if r.row_terms - terms - {"total"}]  # not the grand total itself
    if len(named) >= 2:
        return named
    return [r for r in rows if not TOTAL_ROW.match(r.row)]


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    """``cells``: the row that named the table first, then every cell of its table."""
    if question.threshold is None:
        return None
    table = [c for c in cells if c.table == cells[0].table and not c.derived_column]
    by_row = {row[0].row_index: row for row in row_series(table)}
    picked = []
    for first in _counted_rows(question, one_per_row(table)):
        row = by_row[first.row_index]
        found = by_year(question, row) if question.years else row[:1]
        if found:
            picked.append(found[0])
    if len(picked) < 2:
        return None
    past = [c for c in picked if (c.value > question.threshold) == question.greater]
    sign = ">" if question.greater else "<"
    formula = f"{sign} {question.threshold:,g}"
    return Result(float(len(past)), tuple(past), formula, "the number of rows", parts=tuple(past))


OPERATION = Operation("count_rows", lambda q: q.operation == "count_rows", solve)
