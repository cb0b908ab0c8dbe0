"""Which year a row's figure is greatest (or least), or the years past a threshold (FinQA's
greater, table_max and table_min over a row)."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year, year_columns


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = by_year(question, cells) if len(question.years) >= 2 else year_columns(cells)
    if not found or len(found) < 2:
        return None
    if question.threshold is not None:
        past = [c for c in found if (c.value > question.threshold) == question.greater]
        years = tuple(c.years[0] for c in past)
        what = f"the years past {question.threshold:g}"
        return Result(None, tuple(found), "", what, chosen_years=years)
    pick = max if question.greater else min
    best = pick(found, key=lambda c: c.value)
    if sum(1 for c in found if c.value == best.value) > 1:
        return None  # a tie names no one year
    return Result(None, tuple(found), "", "the year", chosen_years=best.years[:1])


OPERATION = Operation("extreme", lambda q: q.operation == "extreme", solve)
