"""Questions answered over a table's rows rather than one cell: "how many product categories are
there" (the rows a table lists) and "how many regions have revenues of more than $20,000"
(the rows past a threshold). A row that only totals the others is the whole, not one of them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ...facts import compute
from ...facts.match import DocumentFacts, fact_years, strip_years
from ...facts.model import Fact
from ...ingest.text import tokenize
from ..asks import DIMENSIONS, DOWN_DIMENSIONS, Question

_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w-]+\s+){0,3}?[\w-]+?s)\b", re.I)
_PAST = re.compile(
    r"\b(more than|over|above|greater than|exceeding|in excess of|less than|fewer than|under|"
    r"below|[a-z]+er than)\s+[$€£¥]?\s?(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion)?",
    re.I,
)
_BELOW = ("less than", "fewer than", "under", "below")
# Comparatives and superlatives that point down ("shallower", "smallest"); the rest point up.
_DOWNWARD = (*DOWN_DIMENSIONS, "few", "less", "least")
_EXTREME = re.compile(
    r"\bwhich (\w+(?: \w+)?) (?:is|was|has|had|are|were|have)(?: the)? "
    r"(most \w+|least \w+|\w+est)\b",
    re.I,
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_TOTAL_ROW = re.compile(r"^\s*(?:total|net total|grand total)\b", re.I)


@dataclass(frozen=True)
class Threshold:
    above: bool
    value: float
    scale: float
    text: str


def counted_noun(q: Question) -> str:
    """The plural noun a "how many" question counts ("product categories" -> "categori")."""
    m = _HOW_MANY.search(q.text)
    return tokenize(m.group(1))[-1] if m else ""


def counted_words(q: Question) -> set[str]:
    """All the words of what a "how many" question counts ("product categories")."""
    m = _HOW_MANY.search(q.text)
    return set(tokenize(m.group(1))) if m else set()


def threshold(q: Question) -> Threshold | None:
    m = _PAST.search(q.text)
    if not m:
        return None
    value = float(m.group(2).replace(",", ""))
    scale = _SCALE.get((m.group(3) or "").lower(), 1.0)
    word = m.group(1).lower()
    above = word not in _BELOW and not word.startswith(_DOWNWARD)
    return Threshold(above, value, scale, m.group(0).strip())


def _dimension(word: str) -> str:
    """The header word a comparative or superlative compares by: "deeper"/"deepest" -> depth."""
    base = re.sub(r"(?:i?er|i?est)$", "", word.lower().split()[-1])
    for adjective, noun in (DIMENSIONS | DOWN_DIMENSIONS).items():
        if base in (adjective, adjective.rstrip("e"), adjective + adjective[-1]):
            return noun
    return word.split()[-1]


def column_for(words: list[str], facts: DocumentFacts) -> list[list[Fact]]:
    """The columns (cells in row order, totals left out) whose header holds all ``words``."""
    out = []
    for cells in _tables(facts, ()).values():
        header = set(tokenize(strip_years(cells[0].measure)))
        if words and set(words) <= header:
            out.append(_parts(list({f.subject: f for f in cells}.values())))
    return [c for c in out if len(c) >= 2]


def _scaled(fact: Fact, limit: Threshold) -> tuple[float, float]:
    """Value and limit on one scale: a unit without a scale word is read as the question's."""
    unit = fact.unit.lower()
    scale = next((v for w, v in _SCALE.items() if w in unit), None)
    if scale is None:
        return fact.value, limit.value
    return fact.value * scale, limit.value * limit.scale


def _tables(facts: DocumentFacts, years: tuple[int, ...]) -> dict[tuple, list[Fact]]:
    """Table cells grouped by table and column, for the asked years only."""
    out: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in facts.facts:
        if fact.origin != "table" or years and not fact_years(fact) & set(years):
            continue
        table = fact.id.rsplit(".r", 1)[0]
        out[(fact.doc, table, fact.measure)].append(fact)
    return out


def rows_past(q: Question, facts: DocumentFacts) -> tuple[Fact, list[Fact]] | None:
    """The rows whose label names the asked measure and whose value passes the threshold, with
    the rows that pass (or, when none does, all the rows looked at)."""
    limit, noun = threshold(q), counted_noun(q)
    if limit is None or not noun:
        return None
    comparative = re.match(r"([a-z]+er) than", limit.text, re.I)
    if comparative:  # "lakes deeper than 60 metres": the rows of the depth column
        columns = column_for(tokenize(_dimension(comparative.group(1))), facts)
        if columns:
            rows = columns[0]
            passing = [f for f in rows if _passes(f, limit)]
            return compute.count(passing, rows, noun_unit(q), limit.text), passing or rows
    asked = q.text[: q.text.lower().find(limit.text.lower())]
    measure = [t for t in tokenize(asked.split(" have ")[-1].split(" with ")[-1]) if t in q.terms]
    measure = [t for t in measure if t != noun and facts.known(t)]
    if not measure:
        return None
    best: list[Fact] = []
    for cells in _tables(facts, q.years).values():
        parts = []
        for fact in cells:
            label = set(tokenize(strip_years(compute.row_name(fact))))
            if set(measure) <= label and label - set(measure):  # a part, not the whole
                parts.append(fact)
        if len(parts) >= 2 and len(parts) > len(best):
            best = parts
    if not best:
        return None
    passing = [f for f in best if _passes(f, limit)]
    return compute.count(passing, best, noun_unit(q), limit.text), passing or best


def _passes(fact: Fact, limit: Threshold) -> bool:
    value, bound = _scaled(fact, limit)
    return value > bound if limit.above else value < bound


def _parts(rows: list[Fact]) -> list[Fact]:
    """The rows without those that total the others ("Total", or a row equal to their sum)."""
    whole = sum(f.value for f in rows)
    return [
        f
        for f in rows
        if not _TOTAL_ROW.match(f.subject)
        and not (f.value and abs(2 * f.value - whole) <= 0.005 * abs(f.value))
    ]


def noun_unit(q: Question) -> str:
    m = _HOW_MANY.search(q.text)
    return m.group(1).split()[-1].lower() if m else ""


def rows_listed(q: Question, facts: DocumentFacts) -> tuple[Fact, list[Fact]] | None:
    """The rows of the table whose caption or section names the counted noun, totals left out,
    with those rows."""
    noun, counted = counted_noun(q), counted_words(q)
    if not noun or threshold(q) is not None:
        return None
    for cells in _tables(facts, q.years).values():
        head = cells[0]
        if not counted <= set(tokenize(f"{head.scope} {head.section}")):
            continue  # the caption names what the rows are ("sales of products by category")
        if noun in tokenize(head.measure):
            continue  # "number of shares": a cell counts them, not the rows
        rows = _parts(list({f.subject: f for f in cells}.values()))
        if len(rows) >= 2:
            return compute.count(rows, rows, noun_unit(q)), rows
    return None


_PARTS = re.compile(
    r"\b(components?|comprised?|composed|compris\w+|make up|makes up|made up|consists? of|"
    r"break\s?down|broken down|constituents?)\b",
    re.I,
)


def _position(fact: Fact) -> tuple[str, int, int]:
    """(table, row, column) from a cell's id ("doc.t1.r3.c0")."""
    table, _, cell = fact.id.rpartition(".r")
    row, _, column = cell.partition(".c")
    return table, int(row), int(column or 0)


def components(
    q: Question, facts: DocumentFacts
) -> tuple[Fact, list[tuple[Fact, Fact | None]]] | None:
    """ "What are the components of net inventories": the rows just above the asked row whose
    values add up to it, in its column. Returns the total and, per part, a cell of its row and
    its cell in that column (None where the column shows a dash)."""
    if not _PARTS.search(q.text):
        return None
    ranked = [s for s in facts.rank(q.terms, q.years) if s.fact.origin == "table"]
    if not ranked or ranked[0].coverage < 0.6:
        return None
    whole = ranked[0].fact
    table, row, column = _position(whole)
    cells = {}
    labels = {}
    for fact in facts.facts:
        if fact.origin == "table" and fact.doc == whole.doc and ".r" in fact.id:
            t, r, c = _position(fact)
            if t == table:
                labels.setdefault(r, fact)
                if c == column:
                    cells[r] = fact
    above = [r for r in sorted(labels) if r < row]
    for start in range(len(above) - 2, -1, -1):  # the shortest run of at least two rows
        run = above[start:]
        total = sum(cells[r].value if r in cells else 0.0 for r in run)
        if abs(total - whole.value) <= max(0.005 * abs(whole.value), 0.5):
            return whole, [(labels[r], cells.get(r)) for r in run]
    return None


def extreme(q: Question, facts: DocumentFacts) -> tuple[Fact, list[Fact], str] | None:
    """ "Which lake is the longest?": the row with the largest (or smallest) value in the column
    the superlative names, with the column's rows."""
    m = _EXTREME.search(q.text)
    if not m or tokenize(m.group(1))[-1:] == ["year"]:
        return None
    word = m.group(2).lower()
    down = word.startswith("least") or word.split()[-1].startswith(_DOWNWARD)
    measure = tokenize(_dimension(word))
    columns = column_for(measure, facts) or column_for(
        [t for t in q.terms if t in measure or facts.known(t)][-1:], facts
    )
    if not columns:
        return None
    rows = columns[0]
    pick = min(rows, key=lambda f: f.value) if down else max(rows, key=lambda f: f.value)
    return pick, rows, word


def column_average(q: Question, facts: DocumentFacts) -> tuple[Fact, list[Fact]] | None:
    """ "The average maximum depth of the lakes": the mean of the column the question names,
    over its rows (totals left out). Only without years: a year's average is a row's series."""
    if q.operation != "average" or q.years:
        return None
    best: tuple[int, list[Fact]] = (0, [])
    for cells in _tables(facts, ()).values():
        header = set(tokenize(strip_years(cells[0].measure)))
        hits = len(header & set(q.terms))
        rows = _parts(list({f.subject: f for f in cells}.values()))
        if hits > best[0] and len(rows) >= 2:
            best = (hits, rows)
    if not best[1]:
        return None
    return compute.average(best[1]), best[1]
