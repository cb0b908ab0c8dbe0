"""Figures for several years, in the order asked ("in 2019 and 2018 respectively")."""

from __future__ import annotations

from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result, by_year


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    found = by_year(question, cells)
    if not found:
        return None
    return Result(value=None, inputs=tuple(found), formula="", what="", listed=tuple(found))


OPERATION = Operation("list", lambda q: not q.operation and len(q.years) >= 2, solve)
