"""What a fact is: one quantitative statement with its unit, subject, period and source quote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .numbers import TIME_KINDS, NumberMention, find_numbers, format_value

if TYPE_CHECKING:
    pass

COLUMNS = (
    "id", "subject", "measure", "value", "unit", "period",
    "qualifier", "scope", "doc", "page", "section", "quote",
)  # fmt: skip
REQUIRED = ("id", "subject", "measure", "value", "unit", "doc", "page", "section", "quote")
QUALIFIERS = ("exact", "over", "about", "under", "at_least", "at_most", "cumulative")
_UNIT_KINDS = {"fiscal year": "fiscal_year", "date": "date", "calendar year": "year"}
_UNIT_KINDS |= {"ordinal": "ordinal"}
_DURATIONS = {"day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours"}
_DURATIONS |= {"fiscal years"}
_ID_RE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$")
_CHANGE_RE = re.compile(r"^(increase|decrease) in (.+)$")


class FactsError(ValueError):
    """facts.csv cannot be used; the message names the row and the reason."""


def unit_kind(unit: str) -> str:
    """The NumberMention kind a fact's unit implies ("fiscal year" -> fiscal_year, "weeks" -> duration)."""
    unit = unit.strip().lower()
    if unit in _UNIT_KINDS:
        return _UNIT_KINDS[unit]
    return "duration" if unit in _DURATIONS else "count"


def same_unit_kind(a: str, b: str) -> bool:
    """Whether two duration units measure the same thing ("week", "weeks", "fiscal years")."""

    def base(unit: str) -> str:
        return unit.lower().removeprefix("fiscal ").removeprefix("calendar ").rstrip("s")

    return base(a) == base(b)


@dataclass(frozen=True)
class Fact:
    """One quantitative statement; derived facts carry their formula and input ids instead of a quote."""

    id: str
    subject: str
    measure: str
    value: float
    unit: str
    period: str = ""
    qualifier: str = "exact"
    scope: str = ""
    doc: str = ""
    page: int = 0
    section: str = ""
    quote: str = ""
    derived: bool = False
    formula: str = ""
    inputs: tuple[str, ...] = ()
    kind: str = "count"
    row: int = 0  # line in facts.csv (header = 1); 0 for derived facts
    start: int = 0  # the source sentence's (or table row's) span in its document
    end: int = 0
    origin: str = "overlay"  # "prose" or "table" when extracted at ingest

    @cached_property
    def period_mentions(self) -> tuple[NumberMention, ...]:
        return tuple(m for m in find_numbers(self.period) if m.is_time)

    @cached_property
    def scope_mentions(self) -> tuple[NumberMention, ...]:
        return tuple(m for m in find_numbers(self.scope) if m.is_time)

    @property
    def period_years(self) -> frozenset[int]:
        return frozenset(int(m.value) for m in self.period_mentions)

    @property
    def scope_years(self) -> frozenset[int]:
        return frozenset(int(m.value) for m in self.scope_mentions)

    @property
    def at_period_end(self) -> bool:
        return self.period.lower().startswith("end of")

    @property
    def cumulative(self) -> bool:
        return self.qualifier == "cumulative"

    def value_text(self) -> str:
        """The value as a reader would write it: "424 persons", "about 2 months", "FY1991", "18th"."""
        v = format_value(self.value)
        if self.kind == "fiscal_year":
            return f"FY{int(self.value)}"
        if self.kind == "date":
            return self.period.split(" (")[0] or v
        if self.kind == "year":
            return v.replace(",", "")
        if self.kind == "ordinal":
            return _ordinal(int(self.value))
        prefix = {"over": "over ", "about": "about ", "under": "under ", "at_least": "at least "}
        unit = self.unit[:-1] if self.value == 1 and self.unit.endswith("s") else self.unit
        return f"{prefix.get(self.qualifier, '')}{v} {unit}"

    def when(self) -> str:
        """ "in FY2013", "at the end of FY2012", "from FY1991 to FY2013 in total"."""
        if self.cumulative and self.scope:
            start, _, end = self.scope.partition("–")
            return f"from {start} to {end} in total" if end else f"in {self.scope} in total"
        if self.kind in TIME_KINDS:
            return ""
        if not self.period:
            return f"({self.scope})" if self.scope else ""
        return f"at the {self.period}" if self.at_period_end else f"in {self.period}"

    def describe(self) -> str:
        """A short fragment to phrase an answer with, e.g. "424 persons on dispatch in total (...)"."""
        if self.kind in TIME_KINDS:
            text = f"{self.measure} ({self.subject}): {self.value_text()}"
        elif self.kind == "duration":
            text = (
                f"{self.measure} ({self.subject}) {self.when()}".strip() + f": {self.value_text()}"
            )
        elif self.kind == "ordinal":
            text = f"the {self.value_text()} {self.measure} ({self.subject}) {self.when()}"
        else:
            change = _CHANGE_RE.match(self.measure)
            what = (
                f"{'an' if change.group(1) == 'increase' else 'a'} {change.group(1)} of {self.value_text()} in {change.group(2)}"
                if change
                else (f"{self.value_text()} {self.measure}")
            )
            text = f"{what} ({self.subject}) {self.when()}"
        text = text.strip()
        return f"{text} [derived: {self.formula}]" if self.derived else text

    def to_row(self) -> dict[str, object]:
        row = {c: getattr(self, c) for c in COLUMNS}
        row["value"] = format_value(self.value).replace(",", "")
        row |= {"kind": self.kind, "derived": self.derived, "formula": self.formula}
        row["inputs"] = " ".join(self.inputs)
        row |= {"start": self.start, "end": self.end, "origin": self.origin}
        return row


@dataclass(frozen=True)
class FactMatch:
    fact: Fact
    score: float


@dataclass(frozen=True)
class NotStated:
    """An explicit "the chapter does not say", with the nearest facts it does state."""

    message: str
    related: list[Fact] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ----------------------------------------------------------------------------- reading the CSV


def row_and_group(subject: str) -> tuple[str, str]:
    """A table row's label and the group row it sits under: "Total revenues (Consolidated)" ->
    ("Total revenues", "Consolidated")."""
    row, bracket, group = subject.rpartition(" (")
    if bracket and group.endswith(")"):
        return row, group[:-1]
    return subject, ""
