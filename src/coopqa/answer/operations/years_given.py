"""The years a row gives figures for ("Which years does the table provide information for X?")."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, chronological, year_columns


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = year_columns(cells)
    if not found:
        return None
    years = tuple(c.years[0] for c in reversed(chronological(found)))
    return Result(None, tuple(found), "", "the years", chosen_years=years)


OPERATION = Operation("years_given", lambda q: q.asks_years and not q.operation, solve)
