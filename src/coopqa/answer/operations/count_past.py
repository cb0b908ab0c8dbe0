"""How many years a row's figure is past a threshold ("how many years did X exceed $1,000")."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year, year_columns


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = by_year(question, cells) if question.years else year_columns(cells)
    if not found or question.threshold is None:
        return None
    past = [c for c in found if (c.value > question.threshold) == question.greater]
    years = tuple(y for c in past for y in c.years[:1])
    sign = ">" if question.greater else "<"
    formula = f"years with {sign} {question.threshold:g}: {', '.join(map(str, years)) or 'none'}"
    return Result(
        float(len(past)), tuple(found), formula, "the number of years", chosen_years=years
    )


OPERATION = Operation("count_past", lambda q: q.operation == "count_past", solve)
