"""The change between two years: the later figure less the earlier (FinQA's subtract). The
difference between two years is its size: the larger figure less the smaller."""

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
    if question.operation == "difference":  # a size: the larger less the smaller
        small, large = sorted((old, new), key=lambda c: c.value)
        formula = f"{number(large.value)} − {number(small.value)}"
        return Result(
            large.value - small.value,
            (large, small),
            formula,
            "the difference",
            percent=new.percent,
        )
    value = new.value - old.value
    formula = f"{number(new.value)} − {number(old.value)}"
    return Result(value, (new, old), formula, "the change", percent=new.percent)


OPERATION = Operation(
    "change", lambda q: q.operation in ("change", "difference") and len(q.years) in (0, 2), solve
)
