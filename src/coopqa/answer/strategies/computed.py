"""Answers computed from a document's facts, each with its formula and cited inputs: a change or
percentage change over a series, a sum, difference or share of two cells, the earlier period from
a stated change, the year a measure was greater, counts of a table's rows."""

from __future__ import annotations

import re
from dataclasses import replace

from ...facts import compute
from ...facts.match import DocumentFacts, Series, fact_years, strip_years
from ...facts.model import Fact
from ...ingest.corpus import Sentence
from ...ingest.text import tokenize
from ..asks import Question
from ..fact_sources import (
    MIN_FACT_COVERAGE,
    Cites,
    as_asked,
    cite_source,
    cite_sources,
    fact_label,
    names_covered,
    value_text,
    year_not_covered,
)
from ..synthesize import Draft, Evidence

_GREATER = re.compile(r"\b(greater|higher|larger|more|most|highest|largest|bigger|better)\b", re.I)


def counted(evidence: Evidence, result: Fact, rows: list[Fact]) -> Draft:
    """ "2 regions, counted as 2 = rows more than $20,000: Europe (36,898), …" (or a column's
    average), its rows cited."""
    quotes: dict[int, Sentence] = {}
    sources = cite_sources(rows, evidence, quotes, Cites(evidence))
    if result.measure == "count":
        claim = f"{value_text(result)}, counted as {result.formula}"
    else:  # "the average of Maximum depth (m), computed as 66 = (66 + 63) / 2"
        of = strip_years(rows[0].measure)
        claim = (
            f"{value_text(result)}: the {result.measure} of “{of}”, computed as {result.formula}"
        )
    return Draft(
        text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, [result, *rows])]
    )


def per_year(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "X in 2018 and 2019 (respectively)": the value for each year asked, from one series."""
    series = series_for(q, facts)
    if series is None or not all(y in series.by_year for y in q.years):
        return None
    chosen = [series.by_year[y] for y in q.years]
    quotes: dict[int, Sentence] = {}
    sources = cite_sources(chosen, evidence, quotes, Cites(evidence))
    label = strip_years(fact_label(chosen[0]))
    claim = f"{label}: " + "; ".join(
        f"{value_text(f)} in {y}" for y, f in zip(q.years, chosen, strict=True)
    )
    return Draft(text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, chosen)])


def from_change(
    q: Question, evidence: Evidence, facts: DocumentFacts, later: int | None = None
) -> Draft | None:
    """The asked year's figure from a later level and the change the text states from that
    year ("12 dredgers in 2019, an increase of 3 from 2018" gives 9 for 2018); with
    ``later``, only from a change that runs to that year ("in 2018, given the 2019 figures")."""
    year = q.years[0]
    by_id = {f.id: f for f in facts.facts}
    for scored in facts.rank(q.terms):
        if scored.coverage < MIN_FACT_COVERAGE:
            break
        change = scored.fact
        direction = change.measure.split(" ", 1)[0]
        span = [int(y) for y in re.findall(r"(?:19|20)\d\d", change.scope)]
        if direction not in ("increase", "decrease") or not span or min(span) != year:
            continue
        if later is not None and max(span) != later:
            continue
        inputs = change.inputs.split() if isinstance(change.inputs, str) else change.inputs
        level = next((by_id[i] for i in inputs if i in by_id), None)
        if level is None or year in fact_years(level) or not names_covered(q, scored):
            continue
        result = compute.previous(level, change, fell=direction == "decrease")
        quotes: dict[int, Sentence] = {}
        source = cite_source(level, evidence, quotes, Cites(evidence))
        claim = f"{value_text(result)} in {as_asked(q, [year])}, computed as {result.formula}"
        return Draft(
            text=f"{claim}: {source}" if source else f"{claim}.",
            quotes=quotes,
            grounded=[(claim, [result, level, change])],
        )
    return None


def series_for(q: Question, facts: DocumentFacts) -> Series | None:
    """The best-covered series, preferring one that has every year the question asks for."""
    good = [s for s in facts.series(q.terms)[:8] if s.coverage >= MIN_FACT_COVERAGE]
    complete = [s for s in good if all(y in s.by_year for y in q.years)]
    return (complete or good or [None])[0]


def arithmetic(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft | None:
    if q.operation in ("ratio", "difference", "sum") and len(q.years) < 2:
        draft = _two_things(q, evidence, facts)
        if draft is not None:
            return draft
    series = series_for(q, facts)
    if series is None:
        return None
    years = [y for y in q.years if y in series.by_year]
    if len(years) < len(q.years):
        return year_not_covered(q, evidence, facts, name)
    if not years:
        years = list(series.by_year)
    chosen = [series.by_year[y] for y in sorted(years)]
    result = _compute(q.operation, chosen)
    if result is None:
        return None
    return _computed_draft(q, evidence, result, chosen, f"{min(years)}–{max(years)}")


def _compute(operation: str, chosen: list[Fact]) -> Fact | None:
    # Amounts shown in parentheses throughout (outflows, costs) are compared by size.
    if len(chosen) >= 2 and all(f.value < 0 for f in chosen):
        chosen = [replace(f, value=-f.value) for f in chosen]
    if operation == "average" and len(chosen) >= 2:
        return compute.average(chosen)
    if operation == "sum" and len(chosen) >= 2:
        return compute.total(chosen)
    if operation in ("change", "difference") and len(chosen) >= 2:
        return compute.change(chosen[0], chosen[-1])
    if operation == "percent_change" and len(chosen) >= 2:
        return compute.percent_change(chosen[0], chosen[-1])
    return None


def _computed_draft(
    q: Question, evidence: Evidence, result: Fact, chosen: list[Fact], span: str
) -> Draft:
    quotes: dict[int, Sentence] = {}
    sources = cite_sources(chosen, evidence, quotes, Cites(evidence))
    what = _what(result, chosen, span)
    claim = (
        f"{value_text(result)}{_direction(q, result, chosen)}: {what}, computed as {result.formula}"
    )
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [result, *chosen])],
    )


def _direction(q: Question, result: Fact, chosen: list[Fact]) -> str:
    """ "(an increase)" only for a change over time, never for two things compared."""
    over_time = len({min(fact_years(f), default=0) for f in chosen}) > 1
    if q.operation in ("change", "difference", "percent_change") and over_time and result.value:
        return " (a decrease)" if result.value < 0 else " (an increase)"
    return ""


def _what(result: Fact, chosen: list[Fact], span: str) -> str:
    """What was computed, named by what tells its inputs apart: their years, or their labels."""
    names = _names_apart(chosen)
    one_sentence = all(f.origin == "prose" for f in chosen) and len({f.start for f in chosen}) == 1
    if len(set(names)) < len(names) or one_sentence:  # the same thing in several periods
        return f"the {result.measure} of {strip_years(chosen[0].subject)}, {span}"
    subjects = {f.subject for f in chosen}
    row = f" in {strip_years(chosen[0].subject)}" if len(subjects) == 1 else ""
    between = "between" if len(names) == 2 and result.measure != "sum" else "of"
    return f"the {result.measure}{row} {between} " + " and ".join(names)


def _names_apart(facts: list[Fact]) -> list[str]:
    """Each cell's name without the words all of them share ("Year ended December 31,")."""
    if len({f.subject for f in facts}) == 1:
        labels = [strip_years(f.measure) for f in facts]  # cells of one row: their columns
    else:
        labels = [strip_years(f.subject) for f in facts]
    shared = set.intersection(*(set(label.split()) for label in labels)) if labels else set()
    apart = [" ".join(w for w in label.split() if w not in shared).strip(" ,") for label in labels]
    return [a or label for a, label in zip(apart, labels, strict=True)]


def _two_things(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "the difference between Total Assets and Total Goodwill" (two rows of one column), "the
    EBITDA of Software Solutions and of Data and Analytics" (two columns of one row), "what
    percentage of revenue was Platforms": the best cell, and the best cell for the words its own
    labels leave out, in the same column or the same row."""
    ranked = [s for s in facts.rank(q.terms, q.years, one_column=False) if s.fact.origin == "table"]
    if not ranked or ranked[0].coverage < 0.4:
        return None
    first = ranked[0].fact
    second = _other_cell(q, facts, first, by_row=True) or _other_cell(q, facts, first, by_row=False)
    if second is None:
        return None
    a, b = first, second
    if q.operation == "ratio":
        part, whole = sorted((a, b), key=lambda f: abs(f.value))
        result, chosen = compute.share(part, whole), [part, whole]
        if result is None:
            return None
    elif q.operation == "sum":
        result, chosen = compute.total([a, b]), [a, b]
    else:
        result, chosen = compute.difference(a, b), [a, b]
    span = ", ".join(str(y) for y in q.years) or (a.period or "as stated")
    return _computed_draft(q, evidence, result, chosen, span)


def _other_cell(q: Question, facts: DocumentFacts, first: Fact, by_row: bool) -> Fact | None:
    """The cell named by the question's words that ``first``'s row label (or column header)
    leaves out, in the same column (or row) of the same table."""
    own = first.subject if by_row else first.measure
    words = set(tokenize(strip_years(own)))
    rest = tuple(t for t in q.terms if t not in words)
    if not rest or len(rest) == len(q.terms):
        return None
    for scored in facts.rank(rest, q.years, one_column=by_row):
        fact = scored.fact
        if scored.coverage < MIN_FACT_COVERAGE:
            break
        same = fact.measure == first.measure if by_row else fact.subject == first.subject
        if fact.origin == "table" and same and fact.id != first.id and fact.doc == first.doc:
            if set(tokenize(strip_years(fact.subject if by_row else fact.measure))) != words:
                return fact
    return None


def year_choice(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    series = series_for(q, facts)
    if series is None or len(series.by_year) < 2:
        return None
    items = [(y, f) for y, f in series.by_year.items() if not q.years or y in q.years]
    if len(items) < 2:
        return None
    magnitude = all(f.value <= 0 for _, f in items)  # "(5,580)" is the larger amortisation
    key = (lambda yf: abs(yf[1].value)) if magnitude else (lambda yf: yf[1].value)
    pick = max(items, key=key) if _GREATER.search(q.text) else min(items, key=key)
    quotes: dict[int, Sentence] = {}
    cites = Cites(evidence)
    sources = cite_sources([f for _, f in items], evidence, quotes, cites)
    others = "; ".join(f"{y}: {value_text(f)}" for y, f in items if y != pick[0])
    claim = f"{pick[0]} ({value_text(pick[1])} against {others})"
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [f for _, f in items])],
    )


def made_up_of(evidence: Evidence, whole: Fact, parts: list[tuple[Fact, Fact | None]]) -> Draft:
    """ "Net inventories ($106,794) is made up of Finished products ($10,905), …", with the sum."""
    cells = [cell for _, cell in parts if cell is not None]
    result = compute.total(cells)
    quotes: dict[int, Sentence] = {}
    sources = cite_sources([row for row, _ in parts] + [whole], evidence, quotes, Cites(evidence))
    named = [
        f"{compute.row_name(row)} ({value_text(cell) if cell else '—'})" for row, cell in parts
    ]
    listed = ", ".join(named[:-1]) + f" and {named[-1]}"
    claim = (
        f"{compute.row_name(whole)} ({value_text(whole)}) is made up of {listed}, "
        f"computed as {result.formula}"
    )
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [result, whole, *cells])],
    )


def extreme_row(evidence: Evidence, pick: Fact, rows: list[Fact], word: str) -> Draft:
    """ "Windermere (14.8), the longest of the 4 rows of Length (km)", the others listed."""
    quotes: dict[int, Sentence] = {}
    sources = cite_sources([pick], evidence, quotes, Cites(evidence))
    others = "; ".join(f"{compute.row_name(f)} {value_text(f)}" for f in rows if f is not pick)
    claim = (
        f"{compute.row_name(pick)} ({value_text(pick)}), the {word} of the {len(rows)} rows of "
        f"“{strip_years(pick.measure)}” (the others: {others})"
    )
    return Draft(text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, rows)])
