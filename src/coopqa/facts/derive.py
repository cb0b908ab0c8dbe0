"""Facts derived from stated ones by general rules, each with its formula and input ids."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..ingest.glossary import active
from .model import _CHANGE_RE, Fact, unit_kind
from .numbers import format_value, number_words
from .units import counts_people

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class PairRule:
    """Combine two measures of the same subject in the same fiscal year: a + b or a - b."""

    op: str
    a: str
    b: str
    measure: str
    unit: str
    id_part: str


def derive(stated: list[Fact]) -> list[Fact]:
    """All derived facts from the stated ones; each rule is general over measures and periods."""
    out: list[Fact] = []
    out += _previous_from_change(stated)
    out += _pairs(stated)
    out += _sums_across_subjects(stated)
    out += _before_latest(stated)
    out += _years_run(stated)
    out += _years_between(stated)
    out += _end_years(stated)
    return out


def _derived(base: Fact, **changes: object) -> Fact:
    return replace(base, derived=True, quote="", row=0, **changes)


def _slug(period: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", period.lower().replace("end of ", "end_")).strip("_")


def _previous_from_change(stated: list[Fact]) -> list[Fact]:
    """A stated increase/decrease from an earlier period gives the earlier period's value."""
    out = []
    for change in stated:
        m = _CHANGE_RE.match(change.measure)
        if not m or "–" not in change.scope:
            continue
        for base in stated:
            if (base.subject, base.measure, base.period) != (
                change.subject,
                m.group(2),
                change.period,
            ):
                continue
            earlier = change.scope.split("–")[0].strip()
            sign = "-" if m.group(1) == "increase" else "+"
            value = base.value - change.value if sign == "-" else base.value + change.value
            stem = base.id.removesuffix("." + _slug(base.period))
            out.append(
                _derived(
                    base,
                    id=f"{stem}.{_slug(earlier)}",
                    value=value,
                    period=earlier,
                    scope="",
                    formula=f"{_num(base.value)} {sign} {_num(change.value)}",
                    inputs=(base.id, change.id),
                )  # fmt: skip
            )
    return out


def _fiscal_years(fact: Fact) -> frozenset[int]:
    return frozenset(int(m.value) for m in fact.period_mentions if m.kind == "fiscal_year")


def _pairs(stated: list[Fact]) -> list[Fact]:
    out = []
    for rule in (PairRule(**r) for r in active().pair_rules):
        for a in (f for f in stated if f.measure == rule.a):
            for b in (f for f in stated if f.measure == rule.b and f.subject == a.subject):
                if _fiscal_years(a) != _fiscal_years(b) or a.qualifier == "cumulative":
                    continue
                value = a.value + b.value if rule.op == "+" else a.value - b.value
                qualifier = "about" if "about" in (a.qualifier, b.qualifier) else "exact"
                period = " ".join(f"FY{y}" for y in sorted(_fiscal_years(a))) or a.period
                stem = a.id.split(".")[0]
                suffix = f".{_slug(period)}" if _fiscal_years(a) else ""
                out.append(
                    _derived(
                        a,
                        id=f"{stem}.{rule.id_part}{suffix}",
                        measure=rule.measure,
                        value=value,
                        unit=rule.unit,
                        period=period,
                        qualifier=qualifier,
                        kind=unit_kind(rule.unit),
                        formula=f"{_num(a.value)} {rule.op} {_num(b.value)}",
                        inputs=(a.id, b.id),
                    )  # fmt: skip
                )
    return out


def _common_prefix(parts: Iterable[list[str]]) -> list[str]:
    parts = list(parts)
    prefix = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        prefix.append(column[0])
    return prefix


def _sums_across_subjects(stated: list[Fact]) -> list[Fact]:
    """Facts with the same measure, unit, qualifier and period for several subjects add up: all of
    them, those under one sub-heading, and those sharing another stated value (the same length)."""
    groups: dict[tuple[str, str, str, str, str], list[Fact]] = defaultdict(list)
    for f in stated:
        if counts_people(f.unit):
            groups[(f.measure, f.unit, f.qualifier, f.period, f.scope and "scoped")].append(f)
    out: list[Fact] = []
    for group in groups.values():
        if len({f.subject for f in group}) < 2:
            continue
        out += _group_sum(group, "all", out)
        common = len(_common_prefix(f.section.split(" > ") for f in group))
        by_heading: dict[str, list[Fact]] = defaultdict(list)
        for f in group:
            parts = f.section.split(" > ")
            if len(parts) > common + 1:  # under a sub-heading that holds more than one of them
                by_heading[parts[common]].append(f)
        for heading, members in by_heading.items():
            if 2 <= len(members) < len(group):
                name = heading.split(". ", 1)[-1].split(") ", 1)[-1]
                out += _group_sum(members, _slug(name)[:24].rstrip("_"))
        if not group[0].scope:
            out += _attribute_sums(group, stated)
        out += _differences(group)
    return out


def _group_sum(group: list[Fact], part: str, done: list[Fact] | None = None) -> list[Fact]:
    """The sum of a group's values (and, for "all", how many programmes it counts)."""
    ids = [f.id.split(".") for f in group]
    head = _common_prefix(ids)
    tail = list(reversed(_common_prefix(list(reversed(i)) for i in ids)))
    sections = _common_prefix(f.section.split(" > ") for f in group)
    where = sections[-1].split(". ", 1)[-1] if sections else "All subjects"
    n = len(group)
    scope = _span_scope(group)
    count = "the two" if n == 2 else f"all {number_words(n)}"
    subject = f"{where}: {count} together ({'; '.join(f.subject for f in group)})"
    out = []
    if part == "all" and not any(f.id == ".".join([*head, "all", "count"]) for f in done or []):
        out.append(
            _derived(
                group[0],
                id=".".join([*head, "all", "count"]),
                subject=subject,
                measure="programmes counted together",
                unit="programmes",
                value=n,
                section=" > ".join(sections),
                period="",
                scope="",
                qualifier="exact",
                formula=" + ".join("1" for _ in group),
                inputs=tuple(f.id for f in group),
            )  # fmt: skip
        )
    out.append(
        _derived(
            group[0],
            id=".".join([*head, part, *tail]),
            subject=subject,
            section=" > ".join(sections),
            value=sum(f.value for f in group),
            scope=scope,
            formula=" + ".join(_num(f.value) for f in group),
            inputs=tuple(f.id for f in group),
        )  # fmt: skip
    )
    return out


def _span_scope(group: list[Fact]) -> str:
    starts = sorted(f.scope.split("–")[0] for f in group if f.scope)
    return f"{starts[0]}–{group[0].scope.split('–')[-1]} (each since its start)" if starts else ""


def _attribute_sums(group: list[Fact], stated: list[Fact]) -> list[Fact]:
    """Sums over the members that share a value of another measure in the same period, e.g. the
    members of the groups whose meetings each lasted three weeks."""
    subjects = {f.subject: f for f in group}
    by_value: dict[tuple[str, float, str], list[Fact]] = defaultdict(list)
    for f in stated:
        if f.subject in subjects and f.period == group[0].period and f.kind == "duration":
            by_value[(f.measure, f.value, f.unit)].append(subjects[f.subject])
    out = []
    for (_, value, unit), members in by_value.items():
        if 2 <= len(members) < len(group):
            label = f"{number_words(int(value))}-{unit.rstrip('s')}" if value.is_integer() else ""
            if not label:
                continue
            (fact,) = _group_sum(members, f"{_slug(label)}")
            subject = fact.subject.replace(": the two", f": the two {label} ones", 1)
            out.append(replace(fact, subject=subject))
    return out


def _differences(group: list[Fact]) -> list[Fact]:
    """How many more one subject counts than another (the larger minus the smaller)."""
    out = []
    for a in group:
        for b in group:
            if a.subject == b.subject or a.value <= b.value:
                continue
            ids = [a.id.split("."), b.id.split(".")]
            head = _common_prefix(ids)
            tail = list(reversed(_common_prefix(list(reversed(i)) for i in ids)))
            own_a = a.id.split(".")[len(head) : len(ids[0]) - len(tail)]
            own_b = b.id.split(".")[len(head) : len(ids[1]) - len(tail)]
            part = "_".join(own_a) + "_minus_" + "_".join(own_b)
            out.append(
                _derived(
                    a,
                    id=".".join([*head, part, *tail]),
                    subject=f"{a.subject} compared with {b.subject}",
                    measure=f"more {a.measure}{_DIFFERENCE}",
                    section=" > ".join(_common_prefix(f.section.split(" > ") for f in (a, b))),
                    value=a.value - b.value,
                    scope=_span_scope([a, b]),
                    formula=f"{_num(a.value)} - {_num(b.value)}",
                    inputs=(a.id, b.id),
                )  # fmt: skip
            )
    return out


_DIFFERENCE = " (difference between the two)"


# Years between every two dated events of a subject are precomputed only for this many events.
MAX_DATED_EVENTS = 8


def _years_between(stated: list[Fact]) -> list[Fact]:
    """Fiscal years between two dated events of one subject (first held FY1999, renamed FY2004)."""
    out = []
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    for f in stated:
        if f.kind == "fiscal_year":
            by_subject[f.subject].append(f)
    for facts in by_subject.values():
        if len(facts) > MAX_DATED_EVENTS:
            continue  # a chronicle, not a programme's few milestones: no pair is precomputed
        facts.sort(key=lambda f: f.value)
        for i, a in enumerate(facts):
            for b in facts[i + 1 :]:
                if b.value == a.value:
                    continue
                stem = os.path.commonprefix([a.id, b.id]).rstrip(".").rstrip("_") or a.id
                out.append(
                    _derived(
                        b,
                        id=f"{stem}.years_{_slug(a.id.rsplit('.', 1)[-1])}_to_"
                        f"{_slug(b.id.rsplit('.', 1)[-1])}",
                        measure=f"years after: from the {a.measure} to the {b.measure}",
                        value=b.value - a.value,
                        unit="years",
                        kind="duration",
                        period="",
                        scope=f"{a.period}–{b.period}",
                        formula=f"{_num(b.value)} - {_num(a.value)}",
                        inputs=(b.id, a.id),
                    )  # fmt: skip
                )
    return out


def _end_years(stated: list[Fact]) -> list[Fact]:
    """A term in years that starts on a stated date ends that many years later (start + length)."""
    out = []
    for length in stated:
        if length.kind != "duration" or length.unit not in ("year", "years") or not length.period:
            continue
        for start in stated:
            if (start.subject, start.period, start.kind) != (length.subject, length.period, "date"):
                continue
            end = int(start.value + length.value)
            when = start.period.rsplit(" ", 1)[0] if " " in start.period else ""
            thing = length.measure.removeprefix("length of ").removeprefix("the ")
            out.append(
                _derived(
                    start,
                    id=f"{length.id.rsplit('.', 1)[0]}.end_year",
                    measure=f"year the {thing} expires, runs out ({length.value_text()} "
                    f"from {start.period})",
                    value=end,
                    unit="calendar year",
                    kind="year",
                    period=f"{when} {end}".strip(),
                    scope=f"{start.period}–{when} {end}".strip(),
                    formula=f"{_num(start.value)} + {_num(length.value)}",
                    inputs=(start.id, length.id),
                )  # fmt: skip
            )
    return out


def _scope_fy(fact: Fact) -> tuple[int, int] | None:
    years = [int(m.value) for m in fact.scope_mentions if m.kind == "fiscal_year"]
    return (years[0], years[-1]) if len(years) >= 2 else None


def _before_latest(stated: list[Fact]) -> list[Fact]:
    """A cumulative total minus its latest year gives the total up to the year before."""
    out = []
    for total in stated:
        span = _scope_fy(total)
        if not total.cumulative or span is None or not counts_people(total.unit):
            continue
        first, last = span
        for year in stated:
            same = (year.subject, year.measure, year.unit) == (
                total.subject,
                total.measure,
                total.unit,
            )
            if same and not year.cumulative and year.period == f"FY{last}":
                out.append(
                    _derived(
                        total,
                        id=f"{total.id.rsplit('.', 1)[0]}.before_fy{last}",
                        value=total.value - year.value,
                        period=f"FY{last - 1}",
                        scope=f"FY{first}–FY{last - 1}",
                        formula=f"{_num(total.value)} - {_num(year.value)}",
                        inputs=(total.id, year.id),
                    )  # fmt: skip
                )
    return out


def _years_run(stated: list[Fact]) -> list[Fact]:
    """The number of fiscal years a programme with a cumulative total has run, inclusive."""
    out, done = [], set()
    for total in stated:
        span = _scope_fy(total)
        if not total.cumulative or span is None or total.subject in done:
            continue
        done.add(total.subject)
        first, last = span
        stem = total.id.split(".")
        out.append(
            _derived(
                total,
                id=".".join([*stem[:-2], "fiscal_years_run"]),
                measure="run from the start to the latest reported year, inclusive",
                value=last - first + 1,
                unit="fiscal years",
                kind="duration",
                qualifier="exact",
                period="",
                scope=f"FY{first}–FY{last}",
                formula=f"{last} - {first} + 1",
                inputs=(total.id,),
            )  # fmt: skip
        )
    return out


def _num(value: float) -> str:
    return format_value(value).replace(",", "")


# ----------------------------------------------------------------------------- lookup
