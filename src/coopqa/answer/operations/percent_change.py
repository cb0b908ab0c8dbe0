"""The percentage change between two years: (later − earlier) / earlier × 100."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, chronological, number, two_years


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = two_years(question, cells)
    if not found:
        return None
    old, new = chronological(found)
    if old.value == 0:
        return None
    value = (new.value - old.value) / old.value * 100
    formula = f"({number(new.value)} − {number(old.value)}) / {number(old.value)}"
    return Result(value, (new, old), formula, "the percentage change", percent=True)


OPERATION = Operation(
    "percent_change", lambda q: q.operation == "percent_change" and len(q.years) in (0, 2), solve
)
