"""The ratio of a row's figure in one year to another (FinQA's divide): "X in 2019 to 2018"."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year, number


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = by_year(question, cells)
    if not found or len(found) != 2 or found[1].value == 0:
        return None
    top, bottom = found
    value = top.value / bottom.value
    return Result(
        value, (top, bottom), f"{number(top.value)} / {number(bottom.value)}", "the ratio"
    )


OPERATION = Operation("ratio", lambda q: q.operation == "ratio" and len(q.years) == 2, solve)
