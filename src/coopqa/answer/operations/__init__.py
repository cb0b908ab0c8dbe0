"""The operations a question can ask for, one module each, in one registry.

Each operation has a trigger (a predicate on the Question), its operand slots (the cells of one
row, by the years the question names) and a solver that returns the result with its formula.
The first operation whose trigger fires is the plan; adding a kind of question is adding a
module here and its line in ``registry``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from ..cells import Cell
from ..question import Question


@dataclass(frozen=True)
class Result:
    """What an operation worked out: a value (or values, or years) and how."""

    value: float | None  # None for a list or a choice
    inputs: tuple[Cell, ...]  # the cells it read, in the formula's order
    formula: str  # "(9,064 − 8,525) / 8,525 × 100"; "" for a figure read as it stands
    what: str  # "the percentage change", "the average"
    percent: bool = False  # the value is a percentage
    listed: tuple[Cell, ...] = ()  # one figure per year, for a list
    chosen_years: tuple[int, ...] = ()  # the years a choice or a filter picked
    parts: tuple[Cell, ...] = ()  # the rows that make up a total, one cell each


@dataclass(frozen=True)
class Operation:
    name: str
    triggered: Callable[[Question], bool]
    solve: Callable[[Question, Sequence[Cell]], Result | None]


@cache
def registry() -> tuple[Operation, ...]:
    """Every operation, in the order their triggers are tried (lookup last: nothing more)."""
    from . import (
        average,
        change,
        count_past,
        count_rows,
        extreme,
        listing,
        lookup,
        parts,
        percent_change,
        ratio,
        share,
        total,
        two_rows,
        years_given,
    )

    modules = (
        parts, share, two_rows, percent_change, change, average, total, ratio, count_past, count_rows, extreme,
        years_given, listing, lookup,
    )  # fmt: skip
    return tuple(m.OPERATION for m in modules)


def plan(question: Question) -> Operation:
    """The operation a question asks for (lookup when nothing more is asked)."""
    return next(op for op in registry() if op.triggered(question))


def by_year(question: Question, cells: Sequence[Cell]) -> list[Cell] | None:
    """One cell for each year the question names, in its order; None when one is missing."""
    out = []
    for year in question.years:
        found = [c for c in cells if year in c.years and not c.derived_column]
        if not found:
            return None
        # a percentage column beside the amount ("2019 | %") answers only a question in percent
        found.sort(key=lambda c: c.percent != question.asks_percent)
        out.append(found[0])
    return out


def year_columns(cells: Sequence[Cell]) -> list[Cell]:
    """The row's figures that each stand for one year (change columns left out), one a year."""
    seen: dict[int, Cell] = {}
    for c in cells:
        if not c.derived_column and len(c.years) == 1 and c.years[0] not in seen:
            seen[c.years[0]] = c
    return list(seen.values())


def two_years(question: Question, cells: Sequence[Cell]) -> list[Cell] | None:
    """The two figures a change compares: the two years named, or the row's only two years."""
    if question.years:
        found = by_year(question, cells)
        return found if found and len(found) == 2 else None
    found = year_columns(cells)
    return found if len(found) == 2 else None


def chronological(cells: Sequence[Cell]) -> list[Cell]:
    return sorted(cells, key=lambda c: c.years[0] if c.years else 0)


def number(value: float) -> str:
    """A value as a formula shows it: thousands separated, at most 2 decimals."""
    text = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
    return f"−{text}" if value < 0 else text
