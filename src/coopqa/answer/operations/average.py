"""The average of a row's figures over the years asked (all its years when none is named)."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year, number, year_columns


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = by_year(question, cells) if question.years else year_columns(cells)
    if not found or len(found) < 2:
        return None
    value = sum(c.value for c in found) / len(found)
    formula = f"({' + '.join(number(c.value) for c in found)}) / {len(found)}"
    return Result(value, tuple(found), formula, "the average", percent=found[0].percent)


OPERATION = Operation("average", lambda q: q.operation == "average", solve)
