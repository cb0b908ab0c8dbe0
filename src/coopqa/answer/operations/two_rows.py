"""Two rows side by side, in the same year: their difference ("the difference between A and B
in 2019"), how much more one is than the other, or their total ("the total revenue from A and
B in 2018"), or each one's figure ("the respective values of A and B"). FinQA's subtract and
add across rows. The first row's cells come first."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, number
from .share import row_series, same_year


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    series = row_series(cells)
    if len(series) != 2 or question.two_rows is None:
        return None
    pair = same_year(question, *series)
    if pair is None:
        return None
    a, b = pair
    how = question.two_rows[0]
    if how == "each":  # each row's own figure, side by side
        return Result(None, (a, b), "", "each")
    if how == "both":
        value, formula, what = (
            a.value + b.value,
            f"{number(a.value)} + {number(b.value)}",
            "the total",
        )
    else:
        value, formula = a.value - b.value, f"{number(a.value)} − {number(b.value)}"
        what = "the difference"
        if value < 0:  # "how much more" and "the difference between" are sizes
            value, formula = -value, f"{number(b.value)} − {number(a.value)}"
    return Result(value, (a, b), formula, what, percent=a.percent and b.percent)


OPERATION = Operation("two_rows", lambda q: q.two_rows is not None and len(q.years) <= 1, solve)
