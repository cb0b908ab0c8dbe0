"""Arithmetic on demand over stated facts: change, percentage change, average, sum, difference,
ratio. Each result is a derived Fact with its formula ("721,453 = 509,000 + 212,453") and inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .model import Fact, row_and_group
from .numbers import format_value


def _num(value: float) -> str:
    text = format_value(round(value, 2))
    return f"({text.lstrip('-')})" if value < 0 else text


def _derived(base: Fact, value: float, formula: str, inputs: Sequence[Fact], measure: str) -> Fact:
    return replace(
        base,
        id=f"{base.id}.{measure.replace(' ', '_')}",
        value=round(value, 4),
        derived=True,
        formula=formula,
        inputs=tuple(f.id for f in inputs),
        measure=measure,
        quote="",
        origin="derived",
    )


def change(earlier: Fact, later: Fact) -> Fact:
    value = later.value - earlier.value
    formula = f"{_num(value)} = {_num(later.value)} − {_num(earlier.value)}"
    return _derived(later, value, formula, [earlier, later], "change")


def previous(level: Fact, change: Fact, fell: bool) -> Fact:
    """The earlier period's figure from a later level and the stated change to it: "147 = 143 + 4"
    for 143 after "a decrease of 4"."""
    value = level.value + change.value if fell else level.value - change.value
    sign = "+" if fell else "−"
    formula = f"{_num(value)} = {_num(level.value)} {sign} {_num(change.value)}"
    result = _derived(level, value, formula, [level, change], "previous period")
    return replace(result, unit=level.unit or change.unit)  # "424" counted in the change's unit


def percent_change(earlier: Fact, later: Fact) -> Fact | None:
    if earlier.value == 0:
        return None
    value = (later.value - earlier.value) / abs(earlier.value) * 100
    formula = (
        f"{format_value(round(value, 2))}% = ({_num(later.value)} − {_num(earlier.value)}) "
        f"/ {_num(abs(earlier.value))}"  # a share written as a percentage: no "× 100" to misread
    )
    return replace(_derived(later, value, formula, [earlier, later], "percentage change"), unit="%")


def average(facts: Sequence[Fact]) -> Fact:
    value = sum(f.value for f in facts) / len(facts)
    terms = " + ".join(_num(f.value) for f in facts)
    formula = f"{_num(value)} = ({terms}) / {len(facts)}"
    return _derived(facts[-1], value, formula, facts, "average")


def total(facts: Sequence[Fact]) -> Fact:
    value = sum(f.value for f in facts)
    formula = f"{_num(value)} = " + " + ".join(_num(f.value) for f in facts)
    return _derived(facts[-1], value, formula, facts, "sum")


def difference(first: Fact, second: Fact) -> Fact:
    value = first.value - second.value
    formula = f"{_num(value)} = {_num(first.value)} − {_num(second.value)}"
    return _derived(first, value, formula, [first, second], "difference")


def share(part: Fact, whole: Fact) -> Fact | None:
    """``part`` as a percentage of ``whole`` ("34.21% = 7,936 / 23,200")."""
    if whole.value == 0:
        return None
    value = part.value / whole.value * 100
    formula = f"{format_value(round(value, 2))}% = {_num(part.value)} / {_num(whole.value)}"
    return replace(_derived(part, value, formula, [part, whole], "share"), unit="%")


def ratio(numerator: Fact, denominator: Fact) -> Fact | None:
    if denominator.value == 0:
        return None
    value = numerator.value / denominator.value
    formula = (
        f"{format_value(round(value, 4))} = {_num(numerator.value)} / {_num(denominator.value)}"
    )
    return _derived(numerator, value, formula, [numerator, denominator], "ratio")


def count(passing: Sequence[Fact], rows: Sequence[Fact], unit: str, condition: str = "") -> Fact:
    """How many of a table's ``rows`` there are, or pass ``condition`` ("over 20,000"), listed."""
    if condition:
        listed = ", ".join(f"{row_name(f)} ({_num(f.value)})" for f in passing) or "none"
        formula = f"{len(passing)} = rows {condition}: {listed}"
    else:
        formula = f"{len(passing)} = rows: " + ", ".join(row_name(f) for f in passing)
    result = _derived(rows[-1], len(passing), formula, rows, "count")
    return replace(result, unit=unit, kind="count")


def row_name(fact: Fact) -> str:
    """A row's own label, without the group it sits under ("Travel (Europe)" -> "Travel")."""
    return row_and_group(fact.subject)[0]
