"""Facts extracted at ingest: every number a document states, from its prose and its tables.

Prose: each number mention (``numbers.find_numbers``) in a sentence parsed by spaCy gets the noun
it quantifies as its unit, the noun phrase it is about as its subject, the nearest period, its
qualifier and, for "a decrease of 4 persons from that in FY2011", a change relation to the level
stated beside it. Tables: one fact per cell, row label × column header, under the table's heading
and unit line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..ingest.corpus import last_heading
from ..ingest.nlp import counted_noun
from .model import Fact
from .numbers import PERCENT_AFTER, NumberMention, comparative_spans, find_numbers
from .table import Table, header_years, is_nil, parse_markdown_table, read_cell

if TYPE_CHECKING:
    from ..ingest.corpus import Document, Passage, Sentence

MAX_FACTS_PER_DOCUMENT = 50_000
_CHANGE_LEMMAS = frozenset(
    "increase decrease rise fall decline drop growth grow gain loss reduction reduce up down "
    "climb jump shrink".split()
)
_DOWN = frozenset("decrease fall decline drop loss reduction reduce down shrink".split())
_CURRENCY = re.compile(r"([$€£¥]|[A-Z]{2,3}\$|RMB|USD|EUR|GBP)\s*$")
_SCALE_AFTER = re.compile(r"^\s*(thousand|million|billion|trillion|bn|m)\b", re.IGNORECASE)
_CUMULATIVE = re.compile(r"\b(cumulative|in total|a total of|altogether|so far|to date)\b", re.I)
_BASE_BEFORE = re.compile(
    r"\b(?:from|compared (?:to|with)|over|versus|vs\.?|than)\b(?:\s+\w+){0,3}\s*$", re.I
)
_NEWLY = re.compile(r"\bnew(?:ly)?\b", re.I)
# "rose from $618.3 million … to $668.6 million": the numbers after from/to are levels.
_LEVEL_BEFORE = re.compile(r"\b(?:from|to)\s+(?:[A-Z]{0,3}[$€£¥]|RMB|USD|EUR|GBP)?\s?$")
# "increased by 8.1%, or $50.3 million": the same change in other units.
_CHANGE_ALTERNATE = re.compile(
    r"\b(\w+?)(?:s|d|ed)?\s+by\s+[^,;()]{1,25},?\s+or\s+(?:[A-Z]{0,3}[$€£¥]|RMB|USD|EUR|GBP)?\s?$"
)
# A period after the number ("… to $668.6 million during the year ended December 31, 2019")
# dates it when the one before belongs to the clause the number leaves ("2018 to $668.6").
_CLAUSE_BREAK = re.compile(r"\b(?:to|from|compared (?:with|to)|versus|against)\b", re.I)


@dataclass
class Extraction:
    """A document's facts and what could not be read (counted for the ingest summary)."""

    facts: list[Fact] = field(default_factory=list)
    skipped_cells: int = 0
    skipped_rows: int = 0


def extract_document(document: Document) -> Extraction:
    """Every fact of one document, prose and tables."""
    out = Extraction()
    prose: list[tuple[Passage, int, Sentence]] = []
    before: Passage | None = None
    for passage in document.passages:
        if passage.kind == "table":
            table = parse_markdown_table(document.text, passage.start, passage.end)
            if table is None:
                out.skipped_rows += len(passage.sentences)
                continue
            _table_facts(document.doc, passage, table, _caption(before, passage), out)
        else:
            prose += [(passage, i, s) for i, s in enumerate(passage.sentences)]
        before = passage
    _prose_facts(document.doc, prose, out)
    del out.facts[MAX_FACTS_PER_DOCUMENT:]
    return out


def _slug(doc: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", doc.lower()).strip("_") or "doc"


# ------------------------------------------------------------------------------------------ tables


def _caption(before: Passage | None, table: Passage) -> str:
    """The sentence that introduces a table ("Net sales by category were as follows:"): the
    last sentence of the prose just before it, under the same heading."""
    if before is None or before.kind == "table" or before.section != table.section:
        return ""
    last = before.sentences[-1].text if before.sentences else ""
    return last if last.rstrip().endswith(":") else ""


def _table_facts(doc: str, passage: Passage, table: Table, caption: str, out: Extraction) -> None:
    heading = last_heading(passage.section)
    out.skipped_rows += table.skipped
    notes = _footnote_columns(table)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if not cell.strip() or is_nil(cell) or c in notes:
                continue
            value = read_cell(cell)
            header = table.headers[c] if c < len(table.headers) else ""
            if value is None:
                out.skipped_cells += 1
                continue
            years = header_years(header) or header_years(row.group) or header_years(row.label)
            percent = value.percent or "%" in header or "%" in table.unit
            unit = "%" if percent else " ".join(p for p in (value.currency, table.unit) if p)
            subject = f"{row.label} ({row.group})" if row.group else row.label
            out.facts.append(
                Fact(
                    id=f"{_slug(doc)}.t{passage.paragraph}.r{r}.c{c}",
                    subject=subject or heading,
                    measure=header or heading,
                    value=value.value,
                    unit=(unit + (f" {value.scale}" if value.scale else "")).strip(),
                    period=" ".join(str(y) for y in years[:1]),
                    scope=caption or heading,
                    doc=doc,
                    page=passage.page,
                    section=passage.section,
                    quote=row.text,
                    kind="percentage" if percent else "amount" if unit else "count",
                    start=row.start,
                    end=row.end,
                    origin="table",
                )
            )


def _footnote_columns(table: Table) -> set[int]:
    """Columns holding only footnote marks ("(1)", "(2)") beside the figures they annotate."""
    columns: set[int] = set()
    for c in range(len(table.headers)):
        cells = [row.cells[c].strip() for row in table.rows if c < len(row.cells)]
        filled = [cell for cell in cells if cell]
        if filled and all(re.fullmatch(r"\(\d\)", cell) for cell in filled):
            columns.add(c)
    return columns


# ------------------------------------------------------------------------------------------- prose


def _prose_facts(doc: str, sentences: list[tuple[Passage, int, Sentence]], out: Extraction) -> None:
    from ..ingest.nlp import parse_many

    candidates = [(p, i, s, find_numbers(s.text)) for p, i, s in sentences]
    candidates = [c for c in candidates if any(m.kind != "label" for m in c[3])]
    parsed = parse_many([s.text for _, _, s, _ in candidates])
    context: dict[str, list[NumberMention]] = {}  # the last period named in each passage
    for (passage, i, sentence, mentions), parsed_sentence in zip(candidates, parsed, strict=True):
        times = [m for m in mentions if m.is_time]
        if times:
            context[passage.passage_id] = times
        else:  # "The symposium was attended by over 120 people": dated by the sentence before
            times = [_elsewhere(m) for m in context.get(passage.passage_id, [])]
        level_ids: dict[int, str] = {}
        facts = []
        paired = _respectively(sentence.text, mentions)
        for n, mention in enumerate(mentions):
            if mention.kind == "label":
                continue
            if mention.is_time:
                facts.append(_time_fact(doc, passage, i, n, sentence, mention, parsed_sentence))
                continue
            dated = [paired[n]] if n in paired else times
            fact = _prose_fact(doc, passage, i, n, sentence, mention, dated, parsed_sentence)
            facts.append(fact)
            if not fact.measure.startswith(("increase in", "decrease in")):
                level_ids[n] = fact.id
        levels = [f for f in facts if f.id in level_ids.values()]
        for fact in facts:  # a change links to the level stated in the same sentence
            if fact.measure.startswith(("increase in", "decrease in")) and levels:
                direction = fact.measure.split(" ", 1)[0]
                fact = replace(
                    fact, inputs=(levels[0].id,), measure=f"{direction} in {levels[0].measure}"
                )
            out.facts.append(fact)


_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


def _respectively(text: str, mentions: list[NumberMention]) -> dict[int, NumberMention]:
    """ "X and Y for 2019 and 2018, respectively": each figure with the period in its place, when
    the sentence lists as many periods as figures."""
    if not _RESPECTIVELY.search(text):
        return {}
    times = [m for m in mentions if m.is_time]
    figures = [n for n, m in enumerate(mentions) if not m.is_time and m.kind != "label"]
    if len(times) < 2 or len(times) != len(figures):
        return {}
    return dict(zip(figures, times, strict=True))


def _elsewhere(mention: NumberMention) -> NumberMention:
    """A period from an earlier sentence: it dates a number without standing next to it."""
    return replace(mention, start=10**9, end=10**9)


_TIME_UNITS = {"fiscal_year": "fiscal year", "year": "calendar year", "date": "date"}


def _time_fact(
    doc: str,
    passage: Passage,
    i: int,
    n: int,
    sentence: Sentence,
    mention: NumberMention,
    parsed: Any,
) -> Fact:
    """A year or date the text states ("started in FY1991", "signed in April 1994"), measured
    as the date of what happened then ("date started")."""
    label = f"end of {mention.text}" if mention.position == "end" else mention.text
    happened = _dated_verb(_token_at(parsed, mention.start))
    measure = "date" if happened is None else f"date {_verb_phrase(happened, particle=False)}"
    return _sentence_fact(
        doc,
        passage,
        (i, n),
        sentence,
        subject=last_heading(passage.section),
        measure=measure,
        value=mention.value,
        unit=_TIME_UNITS.get(mention.kind, "date"),
        period=label,
        kind=mention.kind,
    )


def _prose_fact(
    doc: str,
    passage: Passage,
    i: int,
    n: int,
    sentence: Sentence,
    mention: NumberMention,
    times: list[NumberMention],
    parsed: Any,
) -> Fact:
    text = sentence.text
    token = _token_at(parsed, mention.start)
    unit, kind = _unit_and_kind(text, mention, token)
    change = _change_in(text, mention, token)
    subject = _subject(token, mention) or last_heading(passage.section)
    measure = _measure(token, unit)
    if change:
        measure = f"{'decrease' if change in _DOWN else 'increase'} in {measure}".strip()
    period, scope = _period(text, mention, times, bool(change))
    qualifier = mention.qualifier
    if qualifier == "exact" and (scope and _CUMULATIVE.search(text)):
        qualifier = "cumulative"
    if _NEWLY.search(text) and "new" not in measure and not change:
        measure = f"newly {measure}".strip()
    return _sentence_fact(
        doc,
        passage,
        (i, n),
        sentence,
        subject=subject,
        measure=measure,
        value=mention.value,
        unit=unit,
        period=period,
        qualifier=qualifier,
        scope=scope,
        kind=kind,
    )


def _sentence_fact(
    doc: str, passage: Passage, at: tuple[int, int], sentence: Sentence, **fields: Any
) -> Fact:
    """A fact stated in a passage's sentence (``at``: the sentence's and the number's place):
    its id, source and span, with ``fields``."""
    i, n = at
    return Fact(
        id=f"{_slug(doc)}.p{passage.paragraph}.s{i}.n{n}",
        doc=doc,
        page=passage.page,
        section=passage.section,
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        origin="prose",
        **fields,
    )


def _token_at(parsed: Any, char: int) -> Any:
    for token in parsed:
        if token.idx <= char < token.idx + max(len(token.text), 1):
            return token
    return parsed[0]


def _unit_and_kind(text: str, mention: NumberMention, token: Any) -> tuple[str, str]:
    after = text[mention.end :]
    before = text[: mention.start]
    if mention.kind == "duration":
        return mention.unit or "years", "duration"
    if mention.kind == "ordinal":
        return "ordinal", "ordinal"
    if PERCENT_AFTER.match(after):
        return "%", "percentage"
    currency = _CURRENCY.search(before)
    scale = _SCALE_AFTER.match(after)
    if currency:
        return f"{currency.group(1)}{' ' + scale.group(1).lower() if scale else ''}", "amount"
    head = token.head if token.dep_ in ("nummod", "quantmod", "compound") else None
    if head is not None and head.pos_ in ("NOUN", "PROPN") and head.i != token.i:
        return head.text.lower(), "count"
    counted = _counted_by_copula(token)
    if counted is not None:
        return counted.text.lower(), "count"
    return mention.unit or "", "count"


def _copula_subject(token: Any) -> Any:
    """ "X was 424", "X was $5 million": the subject X of the copula the number completes."""
    if token.dep_ in ("compound", "quantmod") and token.head.pos_ == "NUM":
        token = token.head  # "5" of "5 million"
    if token.dep_ != "attr" or token.head.pos_ != "AUX":
        return None
    return next((c for c in token.head.children if c.dep_ == "nsubj"), None)


def _counted_by_copula(token: Any) -> Any:
    """ "The total number of deployed observers was 230": the noun counted (observers)."""
    subject = _copula_subject(token)
    return counted_noun(subject) if subject is not None else None


def _change_in(text: str, mention: NumberMention, token: Any) -> str:
    before = text[: mention.start]
    if _LEVEL_BEFORE.search(before):
        return ""
    alternate = _CHANGE_ALTERNATE.search(before)
    if alternate:
        verb = alternate.group(1).lower()
        lemma = next((w for w in _CHANGE_LEMMAS if verb.startswith(w[:4])), "")
        if lemma:
            return lemma
    return _change_word(token)


def _change_word(token: Any) -> str:
    """The change a number measures: "a decrease of 4", "rose by 14", "up 5%". A number after
    "from" or "to" ("rose from 618 to 668") is a level, not a change."""
    governor = token.head
    if token.dep_ == "pobj" and governor.lower_ in ("from", "to"):
        return ""
    for node in (token.head, token.head.head, token.head.head.head):
        lemma = node.lemma_.lower()
        if lemma in _CHANGE_LEMMAS and node.i != token.i:
            return lemma
    return ""


def _subject(token: Any, mention: NumberMention) -> str:
    """The noun phrase the number is about: its noun with the phrases attached to it."""
    noun = token.head if token.head.pos_ in ("NOUN", "PROPN") else None
    if noun is None:
        verb = token.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        subjects = [t for t in verb.children if t.dep_ in ("nsubj", "nsubjpass")]
        noun = subjects[0] if subjects else None
    if noun is None:
        return ""
    words = [
        t
        for t in noun.subtree
        if not (t.idx >= mention.start and t.idx < mention.end) and t.dep_ != "punct"
    ]
    words = [t for t in words if t.dep_ not in ("relcl", "acl") or t.i < noun.i]
    return " ".join(t.text for t in words[:12]).strip()


def _measure(token: Any, unit: str) -> str:
    """What is counted of the subject: the verb it hangs from ("returned", "newly dispatched")."""
    subject = _copula_subject(token)
    if subject is not None:  # "the total number of deployed observers was 230"
        return " ".join(t.text for t in subject.subtree if t.dep_ not in ("det", "punct")).lower()
    node = token.head
    for _ in range(3):
        if node.pos_ == "VERB":
            return _verb_phrase(node)
        node = node.head
    return unit


def _verb_phrase(verb: Any, particle: bool = True) -> str:
    """ "newly deployed to": the verb with the adverbs before it ("when" left out) and, unless
    the phrase dates something (its preposition then holds the date), its first particle."""
    adverbs = [
        c.text for c in verb.children if c.dep_ == "advmod" and c.i < verb.i and c.tag_ != "WRB"
    ]
    after = [c.text for c in verb.children if c.dep_ in ("prt", "prep")][:1] if particle else []
    return " ".join(adverbs + [verb.text] + after).lower()


def _dated_verb(token: Any) -> Any:
    """What a date dates: the clause it heads ("FY1995, when the course started"), else the
    verb it hangs from ("enacted in April 1994"); None when there is none near."""
    for node in (token, token.head):
        clause = next((c for c in node.children if c.dep_ == "relcl" and c.pos_ == "VERB"), None)
        if clause is not None:
            return clause
    node = token.head
    for _ in range(4):
        if node.pos_ == "VERB":
            return node
        if node.head.i == node.i:
            break
        node = node.head
    return None


def _dating(text: str, mention: NumberMention, times: list[NumberMention]) -> list[NumberMention]:
    """The periods that may date ``mention``: inside "(2018: €15 million)" only that year, outside
    it every other one (the comparative's year dates the figure beside it, not this one)."""
    spans = comparative_spans(text)
    for a, b in spans:
        if a <= mention.start < b:
            return [t for t in times if a <= t.start < b] or times
    return [t for t in times if not any(a <= t.start < b for a, b in spans)]


def _has_number(text: str) -> bool:
    return any(not m.is_time for m in find_numbers(text))


def _period(
    text: str, mention: NumberMention, times: list[NumberMention], change: bool
) -> tuple[str, str]:
    """The period nearest the number ("end of FY2012"), and a range when the sentence gives one.

    A change is dated by the later period; the one it is measured from ("from that in FY2011",
    "compared with 2018") makes its scope."""
    times = _dating(text, mention, times)
    if not times:
        return "", ""
    ranged = [t for t in times if t.note.startswith("range")]
    scope = ranged[0].note.removeprefix("range ").strip() if ranged else ""
    if change:
        bases = [t for t in times if _BASE_BEFORE.search(text[max(0, t.start - 40) : t.start])]
        others = [t for t in times if t not in bases]
        if bases and others:
            times = others
            scope = f"{bases[0].text}–{others[0].text}"
        elif len({t.value for t in times}) >= 2:  # "rose by 8.1%, from … 2018 to … 2019"
            first, last = min(times, key=lambda t: t.value), max(times, key=lambda t: t.value)
            times, scope = [last], scope or f"{first.text}–{last.text}"
    after = [t for t in times if t.start >= mention.end]
    before = [t for t in times if t.end <= mention.start]
    if after and before and not change:
        follows = min(after, key=lambda t: t.start)
        leaves = _CLAUSE_BREAK.search(text[max(t.end for t in before) : mention.start])
        if leaves and not _has_number(text[mention.end : follows.start]):
            times = [follows]
    nearest = min(times, key=lambda t: abs(t.start - mention.start) + (0 if t in after else 5))
    label = nearest.text
    if nearest.kind == "year" and not label.isdigit():
        label = str(int(nearest.value))
    if nearest.position == "end":
        label = f"end of {label}"
    return label, scope
