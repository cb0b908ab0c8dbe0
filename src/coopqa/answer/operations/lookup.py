"""A figure read as the table states it: one cell."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    if question.answer_type == "text" and not question.years or question.asks_meaning:
        return None  # "What is EBITDA?" asks what it is, not for one of its figures
    if question.years:
        found = by_year(question, cells[:])
        if not found:
            return None
        cell = found[0]
    else:
        cell = cells[0]
    return Result(value=cell.value, inputs=(cell,), formula="", what="", percent=cell.percent)


OPERATION = Operation("lookup", lambda q: True, solve)
