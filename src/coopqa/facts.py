"""The fact table: every number the chapter states (corpus/facts.csv), checked against the text,
plus the facts a reader would derive from them, each with its formula and input ids.

Derivations come from a small rule set (previous period from a stated change; sums over facts that
share measure and period; named differences and sums of two measures), never from typed-in values.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .numbers import MONTHS, TIME_KINDS, NumberMention, find_numbers, format_value, number_words

if TYPE_CHECKING:
    from .corpus import Corpus

COLUMNS = (
    "id", "subject", "measure", "value", "unit", "period",
    "qualifier", "scope", "doc", "page", "section", "quote",
)  # fmt: skip
REQUIRED = ("id", "subject", "measure", "value", "unit", "doc", "page", "section", "quote")
QUALIFIERS = ("exact", "over", "about", "under", "at_least", "at_most", "cumulative")
ADDITIVE_UNITS = frozenset({"persons", "people", "officials", "employees", "fellows", "visitors"})
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


def read_rows(path: Path) -> tuple[list[Fact], list[str]]:
    """Parse facts.csv into stated facts, collecting every malformed row as "row N: reason"."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: no such file"]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read ({exc})"]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [f"{path.name} row 1: the file is empty (expected a header row)"]
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"{path.name} row 1: missing column(s) {', '.join(missing)}"]
    facts: list[Fact] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        fact, reason = _fact_from_cells(header, cells, n)
        if reason:
            problems.append(f"{path.name} row {n}: {reason}")
            continue
        assert fact is not None
        if fact.id in seen:
            problems.append(
                f"{path.name} row {n}: duplicate id {fact.id!r} (first on row {seen[fact.id]})"
            )
            continue
        seen[fact.id] = n
        facts.append(fact)
    return facts, problems


def _fact_from_cells(header: list[str], cells: list[str], n: int) -> tuple[Fact | None, str]:
    if len(cells) != len(header):
        return None, f"has {len(cells)} fields, the header has {len(header)}"
    row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
    empty = [c for c in REQUIRED if not row[c]]
    if empty:
        return None, f"empty {', '.join(empty)}"
    if not _ID_RE.match(row["id"]):
        return (
            None,
            f"id {row['id']!r} is not dotted lower-case words (e.g. dispatch.total.end_fy2012)",
        )
    try:
        value = float(row["value"].replace(",", ""))
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        return None, f"value {row['value']!r} is not a number"
    if not row["page"].isdigit():
        return None, f"page {row['page']!r} is not a page number"
    qualifier = row["qualifier"] or "exact"
    if qualifier not in QUALIFIERS:
        return None, f"qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}"
    fact = Fact(
        id=row["id"], subject=row["subject"], measure=row["measure"], value=value,
        unit=row["unit"], period=row["period"], qualifier=qualifier, scope=row["scope"],
        doc=row["doc"], page=int(row["page"]), section=row["section"], quote=row["quote"],
        kind=unit_kind(row["unit"]), row=n,
    )  # fmt: skip
    for label, text in (("period", fact.period), ("scope", fact.scope)):
        if text and not any(m.is_time for m in find_numbers(text)):
            return None, f"{label} {text!r} names no fiscal year, year or date"
    return fact, ""


# ----------------------------------------------------------------------------- checks against the text


def quote_problem(fact: Fact, corpus: Corpus) -> str:
    """Why the fact's quote is not a verbatim span stating its value at its page and section ("" = OK)."""
    from .corpus import fold

    try:
        document = corpus.document(fact.doc)
    except KeyError:
        return f"doc {fact.doc!r} is not in the corpus"
    quote = fold(fact.quote)
    hits = [p for p in document.passages if quote in p.text]
    if not hits:
        return f"quote not found verbatim in {fact.doc}: {fact.quote[:60]!r}"
    if not any(p.page == fact.page and p.section == fact.section for p in hits):
        p = hits[0]
        return f"quote is on page {p.page} in section {p.section!r}, not page {fact.page} / {fact.section!r}"
    if not _states_value(quote, fact):
        return f"quote does not state the value {format_value(fact.value)} ({fact.kind})"
    return ""


def _states_value(quote: str, fact: Fact) -> bool:
    return any(mention_matches(m, fact) for m in find_numbers(quote))


def mention_matches(mention: NumberMention, fact: Fact) -> bool:
    """Whether a number mention says the fact's value (same value, same kind, same duration unit)."""
    if mention.kind != fact.kind or mention.value != fact.value:
        return False
    if fact.kind == "duration":
        return same_unit_kind(mention.unit, fact.unit)
    if fact.kind == "date" and fact.period_mentions:
        p = fact.period_mentions[0]
        return (p.month, p.season) == (mention.month, mention.season)
    return True


def covers(fact: Fact, mention: NumberMention) -> bool:
    """Whether a fact accounts for a mention inside its quote: as its value, or as its period/scope."""
    if mention_matches(mention, fact):
        return True
    if not mention.is_time:
        return False
    keys = {(m.kind, m.value) for m in (*fact.period_mentions, *fact.scope_mentions)}
    return (mention.kind, mention.value) in keys


def coverage(table: FactTable, corpus: Corpus) -> tuple[int, int, list[str]]:
    """(covered, total, uncovered) over every non-label number mention in the corpus passages."""
    from .corpus import fold

    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for fact in table.stated:
        by_doc[fact.doc].append(fact)
    covered = total = 0
    uncovered: list[str] = []
    for passage in corpus.passages:
        spans = []
        for fact in by_doc.get(passage.doc, []):
            quote = fold(fact.quote)
            for m in re.finditer(re.escape(quote), passage.text):
                spans.append((m.start(), m.end(), fact))
        for mention in find_numbers(passage.text):
            if mention.kind == "label":
                continue
            total += 1
            if any(
                a <= mention.start and mention.end <= b and covers(f, mention) for a, b, f in spans
            ):
                covered += 1
            else:
                context = passage.text[max(0, mention.start - 40) : mention.end + 40]
                uncovered.append(
                    f"{passage.passage_id} p.{passage.page}: {mention.text!r} ({mention.kind}) "
                    f"in ...{context}..."
                )
    return covered, total, uncovered


def check_facts(path: Path, corpus: Corpus) -> list[str]:
    """Every problem with facts.csv: malformed rows, quotes not in the text, derivations, coverage."""
    facts, problems = read_rows(Path(path))
    name = Path(path).name
    for fact in facts:
        reason = quote_problem(fact, corpus)
        if reason:
            problems.append(f"{name} row {fact.row}: {reason}")
    if problems:
        return problems
    table = FactTable(facts + derive(facts))
    for fact in table.derived:
        if not _recomputes(fact, table):
            problems.append(f"derived fact {fact.id}: formula {fact.formula!r} != {fact.value:g}")
    _, _, uncovered = coverage(table, corpus)
    problems += [f"number not covered by any fact: {u}" for u in uncovered]
    return problems


def _recomputes(fact: Fact, table: FactTable) -> bool:
    """Evaluate the "a + b - c" formula from the input facts' values and compare."""
    if any(table.get(i) is None for i in fact.inputs):
        return False
    tokens = fact.formula.split()
    try:
        total = float(tokens[0])
        for op, operand in zip(tokens[1::2], tokens[2::2], strict=True):
            total = total + float(operand) if op == "+" else total - float(operand)
    except (ValueError, IndexError):
        return False
    return math.isclose(total, fact.value)


def load_fact_table(path_or_settings: object, corpus: Corpus) -> FactTable:
    """Read, validate and derive; raise FactsError("facts.csv row N: reason") on the first bad row."""
    path = Path(getattr(path_or_settings, "facts_path", path_or_settings))  # type: ignore[arg-type]
    facts, problems = read_rows(path)
    for fact in facts:
        reason = quote_problem(fact, corpus)
        if reason:
            problems.append(f"{path.name} row {fact.row}: {reason}")
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise FactsError(problems[0] + more)
    return FactTable(facts + derive(facts), section_texts(corpus))


def section_texts(corpus: Corpus) -> dict[str, str]:
    """Each section heading path with the text of its passages (lookup context for its facts)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for passage in corpus.passages:
        texts[passage.section].append(passage.text)
    return {section: " ".join(parts) for section, parts in texts.items()}


# ----------------------------------------------------------------------------- derivation rules


@dataclass(frozen=True)
class PairRule:
    """Combine two measures of the same subject in the same fiscal year: a + b or a - b."""

    op: str
    a: str
    b: str
    measure: str
    unit: str
    id_part: str


PAIR_RULES = (
    PairRule("-", "newly dispatched", "returned to Japan",
             "more newly dispatched than returned to Japan", "persons", "net"),
    PairRule("+", "length of the fellows’ homestay", "length of the fellows’ training programs",
             "time in Japan (homestay plus training programs)", "months", "time_in_japan"),
    PairRule("+", "at assistant director level dispatched to Korea as NIPA trainees",
             "of the Korean government accepted for training in Japan",
             "in the exchange (sent to Korea plus accepted from Korea)", "officials",
             "exchange_total"),
)  # fmt: skip


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
    for rule in PAIR_RULES:
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
        if f.unit in ADDITIVE_UNITS:
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
    participants of the seminars that each lasted three weeks."""
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


def _years_between(stated: list[Fact]) -> list[Fact]:
    """Fiscal years between two dated events of one subject (first held FY1999, renamed FY2004)."""
    out = []
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    for f in stated:
        if f.kind == "fiscal_year":
            by_subject[f.subject].append(f)
    for facts in by_subject.values():
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
        if not total.cumulative or span is None or total.unit not in ADDITIVE_UNITS:
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

_STOP = frozenset(
    """a an the of in on at to for and or by from with as is are was were be been being has have
    had do does did how many much what which who whom when where why that this these those there
    their its it they them he she his her per than then so such into about over any all
    number numbers npa japan chapter report say said tell me please fy end etc""".split()
)
_PHRASES = (
    (r"\bon (?:overseas )?dispatch\b|\bdispatched (?:staff|personnel|persons|employees)\b"
     r"|\b(?:sent|posted|stationed|working|serving|based|postings?|secondments?|dispatch(?:es)?) "
     r"(?:abroad|overseas)\b|\bseconded\b|\bsecond(?:ment|ee)s?\b|\boverseas dispatch\b|\bpostings?\b|\bposted\b",
     " dispatch "),
    (r"\bmiddle[- ]level\b|\bmid[- ]level\b|\bmid[- ]career\b|\bmid[- ]ranking\b"
     r"|\bassistant director\b", " middle "),
    (r"\bresearch groups?\b|\bstudy (?:groups?|delegations?|tours?)\b|\bvisitors?\b"
     r"|\bvisit(?:ed|s|ing)?\b", " research visit "),
    (r"\bunited nations\b|\bthe un\b", " international organization "),
    (r"\bcame back\b|\bcome back\b|\b(?:went|came|come|coming|go|going) home\b|\bback home\b"
     r"|\breturn(?:ed|s|ing|ees?)?\b", " return "),
    (r"\bjapan international cooperation agency\b|\bjica\b", " jica seminar "),
    (r"\bhow long\b|\bduration\b|\blength\b|\blast(?:ed|s)?\b", " length "),
    (r"\btook part\b|\btake part\b|\btaking part\b|\battend(?:ed|ees?|ance|s)?\b|\baudience\b"
     r"|\bparticipa\w*\b|\bgone through\b|\bwent through\b|\balumni\b", " participate "),
    (r"\btogether\b|\bcombined\b|\baltogether\b|\bin all\b|\boverall\b|\bsum\b|\bbetween them\b"
     r"|\badding up\b", " together "),
    (r"\bcumulative\w*\b|\ball[- ]time\b|\b(?:whole|entire) history\b", " total "),
    (r"\bnew(?:ly)?\b|\bfresh(?:ly)?\b", " new "),
    (r"\bmore or less\b|\bhigher or lower\b|\bup or down\b|\brise or fall\b"
     r"|\bincrease or decrease\b", " increase decrease "),
    (r"\brose\b|\brisen?\b|\bgr[eo]w[ns]?\b|\bup by\b|\bincreas\w*\b", " increase "),
    (r"\bf[ae]ll(?:en)?\b|\bdrop(?:ped)?\b|\bdeclin\w*\b|\bdown by\b|\bdecreas\w*\b",
     " decrease "),
    (r"\bkeep\b|\bcontinu\w*\b|\bgo on\b", " continue "),
    (r"\bfellowships?\b", " fellow "),
    (r"\bhrm\b|\bhuman resources? management\b", " human resources management "),
    (r"\bhr\b", " personnel human resources "),
    (r"\bkorean?\b|\brepublic of korea\b|\bseoul\b", " korea "),
    (r"\bchinese\b|\bbeijing\b|\bpeople's republic of china\b", " china "),
    (r"\btrilateral\b|\bthree-(?:nation|country|way)\b", " china korea "),
    (r"\bvietnam(?:ese)?\b|\bviet nam\b", " vietnam "),
    (r"\bstart(?:ed|s|ing)?\b|\bbegan\b|\bbegin(?:s|ning)?\b|\bbegun\b|\bfirst (?:held|run)\b"
     r"|\blaunch(?:ed|es)?\b|\bset up\b|\bget off the ground\b|\bgot off the ground\b"
     r"|\bfounded\b|\bcreated\b|\bestablish(?:ed|ment)?\b|\binaugura\w*\b|\boldest\b", " start "),
    (r"\bruns? out\b|\bexpir\w*\b|\blapses?\b|\bcomes? to an end\b", " expire "),
    (r"\bcurrent\b|\bpresent\b|\bnow\b", " present "),
    (r"\b(?:re)?named\b|\btitle[sd]?\b|\brenam\w*\b", " title "),
    (r"\bsymposium\b|\bevent\b|\bconference\b|\bforum\b", " symposium "),
    (r"\bgroom\w*\b|\bnurtur\w*\b|\bcultivat\w*\b|\bfoster\w*\b", " develop "),
    (r"\bhigh[- ]fl(?:ying|yers?|iers?)\b|\bhigh[- ]potential\b|\bup[- ]and[- ]coming\b",
     " promising "),
    (r"\btop\b|\bhigh[- ]ranking\b", " senior "),
    (r"\bbod(?:y|ies)\b", " organization "),
    (r"\bcourses?\b", " seminar "),
    (r"\bheadcount\b|\bcivil servants?\b|\bbureaucrats?\b|\bheads?\b", " person "),
)  # fmt: skip
_PHRASE_RES = tuple((re.compile(p, re.I), r) for p, r in _PHRASES)
_WORD_CANON = {
    "persons": "person", "people": "person", "personnel": "person", "staff": "person",
    "employees": "person", "employee": "person", "officials": "person", "official": "person",
    "participants": "person", "individuals": "person", "officers": "person", "trainees": "person",
    "countries": "country", "nations": "country", "nation": "country", "regions": "country",
    "seminars": "seminar", "fellows": "fellow", "agencies": "agency",
    "dispatched": "dispatch", "dispatches": "dispatch", "dispatching": "dispatch", "sent": "dispatch",
    "send": "dispatch", "sends": "dispatch", "sending": "dispatch",
    "weeks": "week", "months": "month", "years": "year", "programs": "program",
    "programmes": "program", "programme": "program", "organisations": "organization",
    "organizations": "organization", "organisation": "organization", "accepted": "accept",
    "received": "accept", "invited": "invite", "invitation": "invite", "signed": "establish",
    "enacted": "enact",
}  # fmt: skip
# "Over the years" (cumulative totals) and "across programmes" (sums over subjects) are asked apart.
_OVER_TIME_RE = re.compile(
    r"\b(?:in total|cumulative\w*|in all|so far|ever|since|overall|to date|all years|altogether)\b"
    r"|\btotal of\b|\bfrom fy ?\d{4} to\b|\ball[- ]time\b|\b(?:whole|entire) history\b|\balumni\b",
    re.I,
)
# Words that ask for a total over the years even when a single year is named ("since", "all-time");
# "in total" / "altogether" next to one fiscal year ask for the total across programmes instead.
_STRONG_OVER_TIME_RE = re.compile(
    r"\b(?:cumulative\w*|so far|ever|since|to date|all years|all[- ]time|alumni|history)\b", re.I
)
_ACROSS_RE = re.compile(
    r"\b(?:together|combined|altogether|all (?:three|two|four)|both|sum|in total|in all"
    r"|between them|adding up|add up|counting (?:both|those))\b|\bthe (?:two|three|four) \w+s\b",
    re.I,
)
# Across subjects whatever else the question says ("in total" alone may mean over the years).
_EXPLICIT_ACROSS_RE = re.compile(
    r"\b(?:together|combined|both|sum|between them|adding up|add up|counting (?:both|those)"
    r"|all (?:two|three|four))\b|\bthe (?:two|three|four) \w+s\b",
    re.I,
)
_DURATION_Q = re.compile(
    r"\bhow long\b|\bduration\b|\blength\b|\bhow many (?:days|weeks|months|years)\b", re.I
)
_TIME_Q = re.compile(
    r"\bwhen\b|\bwhat (?:year|month|date|fiscal year)\b|\bwhich (?:year|fiscal year)\b"
    r"|\bsince when\b|\bin what year\b|\bin which (?:fiscal )?year\b",
    re.I,
)
_COUNT_Q = re.compile(
    r"\bhow many\b|\bnumber of\b|\bhow much\b|\bcount\b|\bhow (?:big|large)\b|\bwhat size\b", re.I
)
_ORDINAL_Q = re.compile(
    r"\bwhich (?:number|edition|round|cohort|intake)\b|\bwhat number\b|\bnumbered\b", re.I
)
_FIGURE_RE = re.compile(r"\bFigures?\s+\d+(?:\s*(?:,|and)\s*\d+)*")
_BREAKDOWN_RE = re.compile(
    r"\b(?:by|per|for each|each|broken down by|breakdown by|split by)\s+"
    r"(organi[sz]ations?|areas?|regions?|countr(?:y|ies)|ministr(?:y|ies)|agenc(?:y|ies)|gender|sex|"
    r"age|nationalit(?:y|ies)|destinations?|posts?|positions?|grades?)\b"
    r"|\bbreakdown\b|\bbroken down\b"
    r"|\bwhich (?:\d+ |\w+ )?(?:countries|organi[sz]ations|ministr(?:y|ies)|agencies)\b"
    r"|\b(?:women|men|female|male)\b",
    re.I,
)
# A breakdown is only "not stated" when a quantity's parts are asked for, not for "which countries
# does the NPA work with": a count question, a stated number ("the 9 participants"), or "come from".
_PART_OF_QUANTITY = re.compile(
    r"\bhow many\b|\bnumber of\b|\b(?!(?:19|20)\d\d\b)\d+\b|\b(?:came|come|comes|were|was) from\b",
    re.I,
)
# "How many of the 424 ..." asks for a part of a stated total.
_PART_OF_TOTAL = re.compile(r"\bhow many of (?:the|those|these|its|their|them)\b", re.I)
# "stationed in Asia", "working at the United Nations": a destination the text does not break down.
_NAMED_PLACE = re.compile(
    r"\b(?:stationed|work|works|working|based|serve|serves|serving|employed|placed|assigned|posted"
    r"|dispatched|sent) "
    r"(?:at|in|with|to|for) (?:the )?(?!Japan|" + "|".join(MONTHS) + r")[A-Z][a-z][\w-]*"
    r"(?:\s+(?:of\s+)?[A-Z][\w-]*)*"
)
# "Which figure shows ..." / "where can I find ..." ask where the text points, not for a figure.
_WHERE_Q = re.compile(
    r"\b(?:which|what) (?:figures?|tables?|charts?)\b|\bfigure number\b"
    r"|\bwhere (?:can|could|do|does|is|are|would)\b",
    re.I,
)
_NATIONALITY = {
    "china": "china", "chinese": "china", "korea": "korea", "korean": "korea", "us": "us",
    "u.s.": "us", "american": "us", "france": "france", "french": "france", "uk": "uk",
    "u.k.": "uk", "british": "uk", "vietnam": "vietnam", "vietnamese": "vietnam",
}  # fmt: skip
_NATIONALITY_Q = re.compile(
    r"\bhow many (" + "|".join(re.escape(n) for n in _NATIONALITY) + r")\b", re.I
)
# Normalised spellings of periods, so that find_numbers and the rules below see one form.
_QUESTION_REWRITES = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\b(?:the )?(\d{4}) fiscal year\b", r"FY\1"),
        (r"\bfiscal (?:year )?(\d{4})\b", r"FY\1"),
        (r"\bFY\s+(\d{4})\b", r"FY\1"),
        (r"\b(?:when|as) (FY\d{4}) (?:closed|ended|came to an end|drew to a close)\b",
         r"at the end of \1"),
        (r"\b(?:the )?(?:close|closing|conclusion) of (?:the )?(FY\d{4})\b", r"the end of \1"),
        (r"\b(FY\d{4})[- ](?:year[- ])?end\b", r"the end of \1"),
        (r"\byear[- ]end (?:of )?(FY\d{4})\b", r"the end of \1"),
        (r"\bbetween (FY\d{4}) and (FY\d{4})\b", r"from \1 to \2"),
        (r"\bfortnight(?:-long|ly)?\b", "two-week"),
    )
)  # fmt: skip


def normalize_question(text: str) -> str:
    """One spelling for fiscal periods ("fiscal 2012", "the 2012 fiscal year" -> FY2012; "when
    fiscal 2012 closed" -> "at the end of FY2012"; "between FYa and FYb" -> "from FYa to FYb")."""
    for pattern, replacement in _QUESTION_REWRITES:
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str) -> list[str]:
    """Content words, canonicalised through the synonym table and a light stemmer."""
    text = text.lower().replace("’", "'")
    for pattern, replacement in _PHRASE_RES:
        text = pattern.sub(replacement, text)
    out = []
    for whole in re.findall(r"[a-z][a-z'-]*", text):
        whole = whole.strip("'-").removesuffix("'s")
        parts = whole.split("-") if "-" in whole else []
        for word in (whole, *parts):  # "two-week" is a word, and so are "two" and "week"
            if not word or word in _STOP or len(word) < 2:
                continue
            word = _WORD_CANON.get(word, word)
            out.append(_stem(word))
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word.removesuffix("e") if len(word) > 4 else word


# Where a time mention sits in the question: what the question asks about, a comparison base
# ("compared with FY2011"), a period left out ("excluding FY2013"), or the bounds of a span.
_BASE_BEFORE = re.compile(
    r"(?:compared (?:with|to)|than(?: (?:in|at|for|that (?:in|at|of)))?|relative to|versus|vs\.?"
    r"|over|from(?: that (?:in|at|of))?)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_EXCLUDE_BEFORE = re.compile(
    r"(?:excluding|except(?: for)?|not counting|other than|without|leaving out|apart from|"
    r"setting aside|leaving aside|ignoring)\s+(?:the\s+)?$",
    re.I,
)
_BEFORE_BEFORE = re.compile(r"\b(?:before|prior to|until before|ahead of)\s+(?:the\s+)?$", re.I)
_UNTIL_BEFORE = re.compile(
    r"\b(?:up to|up until|through|until|till)\s+(?:and including\s+)?(?:the\s+)?"
    r"(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_SINCE_BEFORE = re.compile(
    r"\b(?:since|from|starting (?:in|from)|(?:start(?:ed)?|began|begun|launched|first held) in)"
    r"\s+(?:the\s+)?$",
    re.I,
)
_YEAR_EARLIER = re.compile(
    r"\b(?:(?:a|one) (?:fiscal )?year (?:earlier|before|previously|prior)|the (?:fiscal )?year "
    r"before|the (?:previous|prior|preceding) (?:fiscal )?year|the year prior)\b",
    re.I,
)
_EARLIER_THAN = re.compile(
    r"\b(?:a|one) (?:fiscal )?year (?:earlier|before|prior) (?:than|to)\s+(?:the\s+)?"
    r"(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_COMPARE_BEFORE = re.compile(
    r"(?:than|compared (?:with|to)|relative to|versus|vs\.?|from|over)\s+$", re.I
)


@dataclass(frozen=True)
class QuestionTimes:
    """The periods a question (or sentence) names, as (kind, year) with an "end of" flag, plus
    comparison bases, excluded periods and the bounds of an asked span (all as years)."""

    mentions: tuple[NumberMention, ...]
    base: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()
    start: int | None = None
    end: int | None = None
    shift: int = 0

    @property
    def asked(self) -> tuple[NumberMention, ...]:
        skip = self.base | self.excluded
        return tuple(m for m in self.mentions if int(m.value) not in skip)

    @property
    def years(self) -> frozenset[int]:
        return frozenset(int(m.value) + self.shift for m in self.asked)

    @property
    def months(self) -> frozenset[tuple[int, int]]:
        return frozenset((int(m.value), m.month) for m in self.asked if m.month)

    @property
    def end_of(self) -> bool:
        return any(m.position == "end" for m in self.asked)

    @property
    def is_range(self) -> bool:
        return any(m.note for m in self.mentions)

    @property
    def spans(self) -> bool:
        """Whether the question asks about a span of years (a range, "since", "before", "excluding")."""
        return self.is_range or self.start is not None or self.end is not None

    def describe(self) -> str:
        if self.is_range:
            return " to ".join(m.text for m in self.mentions if m.note)
        if self.shift:
            prefix = "the end of " if self.end_of else ""
            return ", ".join(f"{prefix}FY{y}" for y in sorted(self.years))
        return ", ".join(
            ("the end of " if m.position == "end" else "") + m.text for m in self.asked
        )


def question_times(text: str) -> QuestionTimes:
    """The question's periods, each sorted into asked / comparison base / excluded / span bound."""
    mentions = tuple(m for m in find_numbers(text) if m.is_time)
    base, excluded, start, end = set(), set(), None, None
    for m in mentions:
        before, year = text[max(0, m.start - 40) : m.start], int(m.value)
        if m.note:  # "from FY1999 to FY2013"
            if start is None:
                start = year
            else:
                end = year
        elif _EXCLUDE_BEFORE.search(before):
            excluded.add(year)
            end = year - 1 if end is None else end
        elif _BEFORE_BEFORE.search(before):
            excluded.add(year)
            end = year - 1
        elif _SINCE_BEFORE.search(before) and not _BASE_BEFORE.search(before):
            start = year
        elif _BASE_BEFORE.search(before):
            base.add(year)
        elif _UNTIL_BEFORE.search(before) and m.kind == "fiscal_year":
            end = year
    shift = 0
    for m in mentions:  # "a year earlier than FY2012" names FY2011, it compares with nothing
        before = text[max(0, m.start - 60) : m.start]
        if int(m.value) in base and _EARLIER_THAN.search(before):
            base.discard(int(m.value))
            shift = -1
    for rel in _YEAR_EARLIER.finditer(text if not shift else ""):
        asked = [int(m.value) for m in mentions if int(m.value) not in base | excluded]
        if _COMPARE_BEFORE.search(text[max(0, rel.start() - 20) : rel.start()]):
            base |= {y - 1 for y in asked}
        elif asked:
            shift = -1
    return QuestionTimes(mentions, frozenset(base), frozenset(excluded), start, end, shift)


_OUT_RE = re.compile(
    r"\b(?:send|sends|sending|sent|dispatch\w*|second(?:ed|ment|ments|ee|ees)|posted|postings?"
    r"|went|go|goes|going|gone|travel+ed)\b"
    r"|\bjapanese (?:[\w-]+ ){0,2}(?:officials|employees|staff|personnel|bureaucrats|civil servants)\b"
    r"|\b(?:to|in) (?:korea|china|vietnam|abroad|overseas)\b",
    re.I,
)
_IN_RE = re.compile(
    r"\b(?:accept\w*|receiv\w*|came|come|comes|coming|visit\w*|host(?:ed|s)?|invit\w*|welcom\w*"
    r"|arriv\w*)\b|\b(?:to|in|into) japan\b"
    r"|\b(?:korean|chinese|foreign|overseas|american|us|u\.s\.|french|british|vietnamese) "
    r"(?:[\w-]+ ){0,2}(?:officials|employees|staff|personnel|fellows|visitors|delegation|bureaucrats"
    r"|delegates)\b",
    re.I,
)
_REVERSE_RE = re.compile(
    r"\b(?:the other way|the opposite (?:way|direction)|in return|the reverse|conversely)\b", re.I
)
_HOMECOMING_RE = re.compile(r"\b(?:came|come|coming|went|go|going) (?:back|home)\b", re.I)


def _direction(text: str) -> str:
    """ "out" (Japan sends, dispatches), "in" (Japan accepts, receives) or "" for a text."""
    text = _HOMECOMING_RE.sub(" ", text)
    outs, ins = len(_OUT_RE.findall(text)), len(_IN_RE.findall(text))
    return "out" if outs > ins else "in" if ins > outs else ""


def question_direction(question: str) -> str:
    """Which way people move in the question; "the other way" flips the rest of the question."""
    reverse = _REVERSE_RE.search(question)
    if not reverse:
        return _direction(question)
    clauses = re.split(r"[—–;?.!]+|\s-\s", question)
    rest = " ".join(c for c in clauses if not _REVERSE_RE.search(c))
    return {"out": "in", "in": "out"}.get(_direction(rest), "")


def fact_direction(fact: Fact) -> str:
    """Which way the counted people moved, from the measure ("dispatched to Korea" -> out)."""
    measure = fact.measure.lower()
    out = bool(re.search(r"\b(?:dispatched|sent|seconded|dispatch)\b", measure))
    into = bool(re.search(r"\b(?:accepted|received|visited|invited)\b", measure))
    return "" if out == into else "out" if out else "in"


# A count the question itself states ("the 424 dispatched personnel") points at the fact holding it.
ANCHOR = 1.25
_COMPARE_Q = re.compile(r"\b(?:more|fewer|less|difference|gap|than|exceed\w*|outnumber\w*)\b", re.I)
_PERSON_Q = re.compile(
    r"\b(?:headcount|head count|attendance|audience|turnout|alumni|how (?:big|large))\b", re.I
)


@dataclass(frozen=True)
class _Query:
    """Everything lookup and not_stated read off one question, computed once."""

    text: str
    times: QuestionTimes
    wanted: str
    over_time: bool
    across: bool
    unit: str
    operation: bool
    direction: str
    compare: bool = False
    numbers: frozenset[float] = frozenset()


def _parse(question: str) -> _Query:
    text = normalize_question(question)
    times = question_times(text)
    strong = bool(_STRONG_OVER_TIME_RE.search(text))
    weak = bool(_OVER_TIME_RE.search(text))
    single_year = bool(times.years) and not times.spans
    over_time = strong or times.spans or (weak and not single_year)
    across = bool(_ACROSS_RE.search(text)) and not (strong and not _EXPLICIT_ACROSS_RE.search(text))
    numbers = frozenset(m.value for m in find_numbers(text) if m.kind == "count")
    return _Query(
        text=text,
        times=times,
        wanted=wanted_kind(text),
        over_time=over_time,
        across=across,
        unit=_asked_unit(text) or ("person" if _PERSON_Q.search(text) else ""),
        operation=bool(OPERATION_RE.search(text)),
        direction=question_direction(text),
        compare=bool(_COMPARE_Q.search(text)),
        numbers=numbers,
    )


# not_stated stays silent when a fact scoring this share of the best one has the asked period.
NEAR_BEST = 0.85
HAS_PERIOD = 0.7  # a period factor this high means the fact is about the asked period


class FactTable:
    """Stated and derived facts with a fast word-overlap lookup (synonyms, periods, question type).

    ``context`` maps a section heading path to its text; its words count a little for the facts of
    that section, so a question may name a programme by words the facts' own columns lack.
    """

    def __init__(self, facts: Iterable[Fact], context: dict[str, str] | None = None) -> None:
        self.facts: list[Fact] = list(facts)
        self._by_id = {f.id: f for f in self.facts}
        self._context = dict(context or {})
        # Plain weights score answer sentences for the verifier (a claim names its own subject);
        # with the section's words, they score questions, which may name it in other words.
        self._weights = [self._fact_weights(f) for f in self.facts]
        self._idf = _idf(self._weights)
        self._question_weights = [self._fact_weights(f, self._context_of(f)) for f in self.facts]
        self._question_idf = _idf(self._question_weights)
        self._directions = [fact_direction(f) for f in self.facts]
        self._cache: dict[str, tuple[_Query, list[float]]] = {}

    @property
    def stated(self) -> list[Fact]:
        return [f for f in self.facts if not f.derived]

    @property
    def derived(self) -> list[Fact]:
        return [f for f in self.facts if f.derived]

    def get(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def __len__(self) -> int:
        return len(self.facts)

    def _context_of(self, fact: Fact) -> str:
        if not self._context:
            return ""
        if not fact.derived:
            return self._context.get(fact.section, "")
        sections = {self._by_id[i].section for i in fact.inputs if i in self._by_id}
        return " ".join(self._context.get(s, "") for s in sorted(sections))

    @staticmethod
    def _fact_weights(fact: Fact, context: str = "") -> dict[str, float]:
        weights: dict[str, float] = {}
        section = " ".join(fact.section.split(" > ")[-2:])
        quotes = fact.quote
        if fact.derived:
            quotes = ""
        for text, w in ((context, 0.25), (quotes, 0.4), (section, 0.6), (fact.unit, 0.8),
                        (fact.subject, 1.0), (fact.measure, 1.0)):  # fmt: skip
            for token in tokens(text):
                weights[token] = max(weights.get(token, 0.0), w)
        if fact.derived and "together" in fact.subject:
            weights["together"] = 1.0
        return weights

    def text_scores(self, text: str) -> list[float]:
        """Word-overlap score of every fact against ``text`` (0..1), idf-weighted.

        Words no fact uses still count, so an off-topic question scores low however one word matches.
        """
        return _overlap(tokens(text), self._weights, self._idf, len(self.facts))

    def question_scores(self, text: str) -> list[float]:
        """Like text_scores, with each fact's section words counting a little (for questions)."""
        return _overlap(tokens(text), self._question_weights, self._question_idf, len(self.facts))

    def _scored(self, question: str) -> tuple[_Query, list[float]]:
        """The parsed question and each fact's topic score (before periods); cached per question."""
        hit = self._cache.get(question)
        if hit is not None:
            return hit
        q = _parse(question)
        words = self.question_scores(q.text)
        own, _, leaned_on = q.text.partition(" — ")
        if leaned_on:  # a follow-up joined with the turn it leans on: its own words weigh more
            own_words = self.question_scores(own)
            words = [0.6 * a + 0.4 * b for a, b in zip(own_words, words, strict=True)]
        scores = [
            s * _kind_factor(f, q.wanted) * _aggregate_factor(f, q.over_time, q.across)
            * _unit_factor(f, q.unit) * _operation_factor(f, q.operation)
            * _direction_factor(d, q.direction) * _compare_factor(f, q.compare)
            * (ANCHOR if f.kind == "count" and f.value in q.numbers else 1.0)
            for f, s, d in zip(self.facts, words, self._directions, strict=True)
        ]  # fmt: skip
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[question] = (q, scores)
        return q, scores

    def _topic_scores(self, question: str) -> list[float]:
        """Scores before periods are considered: words, question type, totals, units, operations."""
        return self._scored(question)[1]

    def lookup(self, question: str, k: int = 5) -> list[FactMatch]:
        """The facts that best answer ``question``, best first, with scores in 0..1."""
        q, scores = self._scored(question)
        scored = [
            FactMatch(fact, round(min(1.0, score * _period_factor(fact, q.times, q.over_time)), 4))
            for fact, score in zip(self.facts, scores, strict=True)
            if score > 0
        ]
        scored.sort(key=lambda m: (-m.score, m.fact.derived, m.fact.id))
        return scored[:k]

    def not_stated(self, question: str) -> NotStated | None:
        """ "The chapter does not say ..." when the subject is known but the period/breakdown is not."""
        q, scores = self._scored(question)
        if not scores or _WHERE_Q.search(q.text):
            return None
        breakdown = self._breakdown(q)
        if breakdown is not None:
            return breakdown
        if max(scores) < 0.35:
            return None
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.facts[i].derived))
        best = self.facts[order[0]]
        times = q.times
        if not times.years or not q.wanted:
            return None  # only a question asking for a quantity or a date can be "not stated"
        related = [f for f in self.facts if f.subject == best.subject and f.measure == best.measure]
        if any(_period_factor(f, times, q.over_time) >= HAS_PERIOD for f in related):
            return None
        close = [i for i in order if scores[i] >= NEAR_BEST * scores[order[0]]]
        if any(_period_factor(self.facts[i], times, q.over_time) >= HAS_PERIOD for i in close):
            return None  # another fact about nearly as well matched does have the period
        if times.start is not None and times.end is None and any(f.cumulative for f in related):
            return None  # "since FY1999" of a total that starts elsewhere: a premise to correct
        reports = "; ".join(_report(f) for f in related)
        return NotStated(
            f"The chapter does not say {_what(best)} in {times.describe()}; it reports {reports}.",
            related,
        )

    def _breakdown(self, q: _Query) -> NotStated | None:
        """A part of a quantity the text gives only whole: by organisation, gender, destination,
        nationality. The subject is judged on the question without the part it asks about."""
        asked = [m for m in _BREAKDOWN_RE.finditer(q.text)]
        quantity = q.wanted in ("count", "") and _PART_OF_QUANTITY.search(q.text)
        place = _NAMED_PLACE.search(q.text) if q.wanted == "count" else None
        part = _PART_OF_TOTAL.search(q.text) if q.wanted == "count" else None
        nation = _NATIONALITY_Q.search(q.text) if q.wanted == "count" else None
        if not ((asked and quantity) or place or part or nation):
            return None
        rest = q.text
        for m in [*asked, *([place] if place else [])]:
            rest = rest.replace(m.group(0), " ")
        _, scores = self._scored(rest)
        if not scores or max(scores) < 0.35:
            return None
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.facts[i].derived))
        best, ranked = self.facts[order[0]], [self.facts[i] for i in order]
        if asked and quantity:
            words = [m.group(0) for m in asked]
            by = [a for a in words if a.lower().startswith(("by", "per", "each", "for each"))]
            return self._no_breakdown(best, ranked, (by or words)[0])
        if best.kind != "count":
            return None
        if place or part:
            return self._no_breakdown(best, ranked, "by destination")
        nationality = self._unlisted_nationality(q.text, best)
        if nationality:
            return self._no_breakdown(best, ranked, f"by nationality ({nationality})")
        return None

    def _unlisted_nationality(self, text: str, best: Fact) -> str:
        """A nationality the question counts ("how many Chinese officials") when the subject's
        facts split people by nationality but never by that one."""
        m = _NATIONALITY_Q.search(text)
        if not m:
            return ""
        asked = _NATIONALITY[m.group(1).lower()]
        named = set()
        for f in self.facts:
            if f.subject == best.subject and not f.derived and f.unit in ADDITIVE_UNITS:
                words = re.findall(r"[a-z.]+", f"{f.measure} {f.quote}".lower())
                named |= {_NATIONALITY[w] for w in words if w in _NATIONALITY}
        return m.group(1) if named and asked not in named else ""

    def _no_breakdown(self, best: Fact, ranked: list[Fact], asked: str) -> NotStated:
        """The subject's totals, pointing to the figure that holds the breakdown when the text says so."""
        figure = next(
            (f for f in ranked if f.subject == best.subject and _FIGURE_RE.search(f.quote)), None
        )
        counts = [f for f in ranked if f.subject == best.subject and f.kind == "count"] or [best]
        if figure is not None:
            same_period = [f for f in counts if f.period == figure.period]
            counts = same_period or counts
        top = counts[0]
        shown = [f for f in self.facts if (f.subject, f.measure) == (top.subject, top.measure)]
        where = ""
        if figure is not None:
            where = f"; it leaves that to {_FIGURE_RE.search(figure.quote).group(0)}"  # type: ignore[union-attr]
        lowered = asked.lower()
        what = _what(top)
        if lowered.startswith("which"):
            what, how = f"{lowered} {top.measure} ({top.subject})", ""
        elif lowered.startswith(("by", "per", "each", "for each")):
            how = f" {asked}"
        elif lowered in ("women", "men", "female", "male"):
            how = " by gender"
        else:
            how = " broken down"
        return NotStated(
            f"The chapter does not say in its text {what}{how}{where}. "
            f"It reports {'; '.join(f.describe() for f in shown)}.",
            shown + ([figure] if figure else []),
        )


def _idf(weights: list[dict[str, float]]) -> dict[str, float]:
    counts: dict[str, int] = defaultdict(int)
    for fact_weights in weights:
        for token in fact_weights:
            counts[token] += 1
    n = len(weights) or 1
    return {t: math.log(1 + n / c) for t, c in counts.items()}


def _overlap(
    words_in: list[str], weights: list[dict[str, float]], idf: dict[str, float], n: int
) -> list[float]:
    words = set(words_in)
    known = [w for w in words if w in idf]
    if not known:
        return [0.0] * n
    unknown = len(words) - len(known)
    top_idf = max(idf.values(), default=1.0)
    denominator = sum(idf[w] for w in known) + 0.75 * top_idf * unknown
    return [sum(idf[w] * fw.get(w, 0.0) for w in known) / denominator for fw in weights]


def _what(fact: Fact) -> str:
    if fact.kind in ("count",) and not _CHANGE_RE.match(fact.measure):
        return f"how many {fact.unit} {fact.measure} ({fact.subject})"
    return f"the {fact.measure} ({fact.subject})"


def _report(fact: Fact) -> str:
    when = fact.scope if fact.cumulative and fact.scope else fact.period or "undated"
    extra = ", derived: " + fact.formula if fact.derived else ""
    extra += ", cumulative" if fact.cumulative else ""
    return f"{when} ({fact.value_text()}{extra})"


def wanted_kind(question: str) -> str:
    """What the question asks for first: a duration, a time, an ordinal or a count ("" = text)."""
    found = [
        (m.start(), kind)
        for kind, pattern in (
            ("duration", _DURATION_Q),
            ("time", _TIME_Q),
            ("ordinal", _ORDINAL_Q),
            ("count", _COUNT_Q),
        )  # fmt: skip
        for m in [pattern.search(question)]
        if m
    ]
    if not found:
        return ""
    first = min(found)[0]
    # "how many years" is a duration, not a count, though both patterns start there
    return min(found, key=lambda p: (p[0] != first, p[1] != "duration"))[1]


OPERATION_RE = re.compile(
    r"\b(?:minus|net|difference|more than|fewer than|less than|plus|combined|together|total|"
    r"in all|before|prior|excluding|increase|decrease|change|rise|fall|drop|grow|grew|previous|"
    r"year before|altogether|since|how many years|how long has|more or less|how many more|"
    r"how many fewer|between them|compared|expire|run out|runs out|after)\b",
    re.I,
)
_UNIT_CLASSES = {
    "person": "persons person people personnel staff employees employee officials official "
    "participants visitors fellows trainees attendees individuals officers delegates secondees "
    "bureaucrats alumni servants heads",
    "country": "countries country nations regions",
    "agency": "agencies agency organizations organisations",
    "course": "courses course seminars seminar programmes programme programs program",
    "part": "parts part",
    "consultation": "consultations consultation",
}
UNIT_CLASS = {w: cls for cls, words in _UNIT_CLASSES.items() for w in words.split()}
_ASKED_UNIT_RE = re.compile(r"\b(?:how many|number of)((?:\s+[\w-]+){1,4})", re.I)


def _asked_unit(question: str) -> str:
    """The unit class a "how many X" question asks for ("person", "country", ...), or ""."""
    for m in _ASKED_UNIT_RE.finditer(question):
        for word in m.group(1).split():
            cls = UNIT_CLASS.get(word.lower())
            if cls:
                return cls
    return ""


def _unit_factor(fact: Fact, unit: str) -> float:
    if not unit or fact.kind != "count":
        return 1.0
    return 1.0 if UNIT_CLASS.get(fact.unit.lower()) == unit else 0.6


def _direction_factor(fact_dir: str, asked: str) -> float:
    """People sent from Japan do not answer a question about people Japan received, and back."""
    return 0.55 if fact_dir and asked and fact_dir != asked else 1.0


def _operation_factor(fact: Fact, operation: bool) -> float:
    """Changes and derived facts answer questions that ask for a change, a total or a difference."""
    if operation or not (fact.derived or _CHANGE_RE.match(fact.measure)):
        return 1.0
    return 0.85


def _kind_factor(fact: Fact, wanted: str) -> float:
    if not wanted:
        return 1.0
    kind = "time" if fact.kind in TIME_KINDS else fact.kind
    return 1.0 if kind == wanted else 0.5


def over_time_words(question: str) -> bool:
    return bool(_OVER_TIME_RE.search(question)) or question_times(question).is_range


def _compare_factor(fact: Fact, compare: bool) -> float:
    """A difference between two subjects answers only a question that compares ("how many more")."""
    return 1.0 if compare or not fact.measure.endswith(_DIFFERENCE) else 0.6


def _aggregate_factor(fact: Fact, over_time: bool, across: bool) -> float:
    """Cumulative totals answer "since / in total" questions; sums over subjects answer "together"."""
    summed = fact.derived and ("together" in fact.subject or " plus " in fact.measure)
    factor = 1.0
    if fact.cumulative != over_time:
        factor *= 0.75
    if summed != across:
        factor *= 0.7 if summed else 0.9
    return factor


def _period_factor(fact: Fact, times: QuestionTimes, over_time: bool = False) -> float:
    """How well the fact's period fits the periods a question names: 1.0 same, 0.35 none.

    A cumulative total "FY1999-FY2013" answers "in total / since / from ... to" questions, not
    "in FY2012"; a span's end picks the total ("before FY2013" -> the one up to FY2012); a change
    answers a question with a comparison base ("compared with FY2011") when its scope holds it.
    """
    years = times.years
    if not times.mentions:
        return 1.0
    if fact.kind in TIME_KINDS and (fact.value in years or years & fact.scope_years):
        return 1.0
    if times.base and _CHANGE_RE.match(fact.measure):
        if times.base & fact.scope_years:
            return 1.0 if not years or years & fact.period_years else 0.5
        return 0.5
    if times.base and not years:  # "how much did it grow compared with FY2011": not a level
        return 0.6 if fact.period_years & times.base else 0.75
    if fact.cumulative:
        span = _scope_fy(fact)
        if times.end is not None or times.start is not None:
            if span is None:
                return 0.35
            end_ok = times.end is None or span[1] == times.end
            start_ok = times.start is None or span[0] == times.start
            return 1.0 if end_ok and start_ok else 0.6 if end_ok else 0.35
        if years & (fact.period_years | fact.scope_years):
            return 1.0 if over_time else 0.5
        return 0.35 if years else 0.9
    if not years:
        return 0.5 if times.spans else 0.9
    if years & fact.period_years:
        if times.is_range or times.start is not None or times.excluded:
            return 0.7
        factor = 1.0 if times.end_of == fact.at_period_end else 0.75
        fact_months = {(int(m.value), m.month) for m in fact.period_mentions if m.month}
        if times.months and fact_months and not times.months & fact_months:
            factor *= 0.7
        return factor
    if years & fact.scope_years:
        return 0.6
    return 0.35


# ----------------------------------------------------------------------------- output


def format_table(table: FactTable, fmt: str = "text") -> str:
    """The table as aligned text, JSON (a list of objects) or CSV (the columns plus derivation)."""
    rows = [f.to_row() for f in table.facts]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=list(rows[0]) if rows else list(COLUMNS), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r} (use text, json or csv)")
    width = max((len(f.id) for f in table.facts), default=10)
    lines = [f"{len(table.stated)} stated and {len(table.derived)} derived facts"]
    for f in table.facts:
        source = f"= {f.formula}" if f.derived else f"p.{f.page}"
        lines.append(f"{f.id:<{width}}  {f.value_text():<22}  {f.when() or f.period:<28}  {source}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- CLI entry points


def _load_inputs(settings: object | None) -> tuple[Path, Corpus]:
    from .config import Settings
    from .corpus import load_corpus

    settings = settings or Settings.from_env()
    return Path(settings.facts_path), load_corpus(list(settings.corpus_dirs))  # type: ignore[attr-defined]


def cli_facts(settings: object | None = None, fmt: str = "text") -> tuple[str, int]:
    """`coopqa facts [--json|--csv]`: the table, or a one-line error and exit code 1."""
    from .corpus import CorpusError

    if isinstance(settings, str):  # cli_facts("json") reads as well as cli_facts(settings, "json")
        settings, fmt = None, settings
    try:
        path, corpus = _load_inputs(settings)
        return format_table(load_fact_table(path, corpus), fmt), 0
    except (FactsError, CorpusError, ValueError) as exc:
        return f"error: {exc}", 1


def cli_facts_check(settings: object | None = None) -> tuple[str, int]:
    """`coopqa facts check`: every problem (exit 1) or a summary with the coverage figure (exit 0)."""
    from .corpus import CorpusError

    try:
        path, corpus = _load_inputs(settings)
    except CorpusError as exc:
        return f"error: {exc}", 1
    problems = check_facts(path, corpus)
    if problems:
        return "\n".join([f"{len(problems)} problem(s) in {path}:", *problems]), 1
    table = load_fact_table(path, corpus)
    covered, total, _ = coverage(table, corpus)
    return (
        f"OK: {len(table.stated)} stated facts (quotes verbatim, values stated), "
        f"{len(table.derived)} derived facts recompute, coverage {covered}/{total} number mentions.",
        0,
    )
