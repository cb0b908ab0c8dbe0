"""Answers for any document from its extracted facts and sentences, by coverage, or an explicit
"the document does not say" naming what was not found, with the nearest facts it does state.

A table cell is answered with its value, its row and the header it sits under, never the whole
table; arithmetic shows its formula; a sentence answers only when it holds the question's terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .corpus import Passage, Sentence
from .facts import compute
from .facts.match import DocumentFacts, Scored, Series, fact_years, strip_years
from .facts.model import Fact
from .numbers import comparative_spans, find_numbers, format_value, is_day_of_month
from .question import Question, analyse
from .rows import rows_listed, rows_past
from .synthesize import Draft, Evidence, best_sentences, quote_with_antecedent
from .text import tokenize
from .vocabulary import document_terms, has_entity, new_names, unknown_specifics
from .wording import covers, does_not_say

# Share of the question's (idf-weighted) terms a fact or sentence must hold to answer it.
MIN_FACT_COVERAGE = 0.6
MIN_SENTENCE_COVERAGE = 0.55
# A sentence this close in meaning answers with less of the question's wording (a paraphrase).
CLOSE_MEANING = 0.55
CLOSE_COVERAGE = 0.25
SENTENCE_CANDIDATES = 6
# Candidates are held to coverage and fit below, so they may score further from the best.
CANDIDATE_MARGIN = 0.5
_CURRENCY = frozenset("$€£¥")
_ENTITY_ANSWERS = {
    "date": frozenset(("DATE", "TIME")),
    "place": frozenset(("GPE", "LOC", "FAC", "ORG")),
}
TEXT_FACT_COVERAGE = 0.8  # a question without "how much" is answered by a cell this well covered
_CAUSE = re.compile(
    r"\b(because|due to|as a result|result(?:ed|s|ing)? (?:from|in)|driven by|attributable|"
    r"owing to|reflect(?:s|ed|ing)?|caused by|primarily|mainly|largely|principally|since|"
    r"following|led to|in order to|so that|reason)\b|^\W*to \w+",  # "To understand …, they …"
    re.I,
)
_GREATER = re.compile(r"\b(greater|higher|larger|more|most|highest|largest|bigger|better)\b", re.I)


@dataclass
class _Cites:
    """Passages cited so far: a table passage is listed once per row it quotes."""

    evidence: Evidence

    def cite(self, passage: Passage, sentence: Sentence, quotes: dict[int, Sentence]) -> int:
        for n, quoted in quotes.items():
            if quoted == sentence:
                return n
        for n, candidate in enumerate(self.evidence.passages, 1):
            if candidate.passage_id == passage.passage_id and n not in quotes:
                quotes[n] = sentence
                return n
        self.evidence.passages.append(passage)
        n = len(self.evidence.passages)
        quotes[n] = sentence
        return n


def respond(evidence: Evidence, facts: DocumentFacts, corpus_name: str) -> Draft:
    """The draft answer for a question about documents without a reviewed fact table."""
    q = analyse(evidence.question)
    specific = unknown_specifics(q, facts)
    if specific:
        return _not_found(q, evidence, facts, corpus_name, specific)
    # Coverage is measured over the words the documents use: the rest are the asker's wording.
    q = replace(q, terms=document_terms(q.terms, facts))
    if q.operation and q.answer_type in ("quantity", "text"):
        draft = _arithmetic(q, evidence, facts, corpus_name)
        if draft is not None:
            return draft
    if q.answer_type == "year_choice":
        draft = _year_choice(q, evidence, facts)
        if draft is not None:
            return draft
    if q.answer_type == "quantity" and (counted := rows_past(q, facts)):
        return _counted(evidence, *counted)
    if q.answer_type in ("quantity", "text"):
        draft = _single_fact(q, evidence, facts, corpus_name)
        if draft is not None:
            return draft
    draft = _sentences(q, evidence, facts, corpus_name)
    if draft.abstained and q.answer_type == "quantity" and (counted := rows_listed(q, facts)):
        return _counted(evidence, *counted)  # no sentence gives the count: the table's rows do
    return draft


def _counted(evidence: Evidence, result: Fact, rows: list[Fact]) -> Draft:
    """ "2 regions, counted as 2 = rows more than $20,000: Europe (36,898), …", rows cited."""
    quotes: dict[int, Sentence] = {}
    sources = _sources(rows, evidence, quotes, _Cites(evidence))
    claim = f"{_value(result)}, counted as {result.formula}"
    return Draft(
        text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, [result, *rows])]
    )


# ------------------------------------------------------------------------------------------ facts


def _passage_of(fact: Fact, evidence: Evidence) -> tuple[Passage, Sentence] | None:
    for passage in evidence.passages + evidence.library:
        if passage.doc == fact.doc and passage.start <= fact.start and fact.end <= passage.end:
            for sentence in passage.sentences:
                if sentence.start == fact.start and sentence.end == fact.end:
                    return passage, sentence
    return None


def _header_of(passage: Passage) -> Sentence | None:
    return passage.sentences[0] if passage.kind == "table" and passage.sentences else None


def _source(fact: Fact, evidence: Evidence, quotes: dict[int, Sentence], cites: _Cites) -> str:
    """“row” [n] under “header” [m], or the sentence quoted and cited."""
    found = _passage_of(fact, evidence)
    if found is None:
        return ""
    passage, sentence = found
    n = cites.cite(passage, sentence, quotes)
    header = _header_of(passage)
    if header is None or header == sentence:
        return f"“{sentence.text}” [{n}]"
    m = cites.cite(passage, header, quotes)
    return f"“{sentence.text}” [{n}], under “{header.text}” [{m}]"


def _label(fact: Fact) -> str:
    parts = [fact.subject, fact.measure] if fact.origin == "table" else [fact.subject]
    return ", ".join(p for p in parts if p)


def _value(fact: Fact) -> str:
    text = format_value(round(abs(fact.value), 2) if fact.derived else abs(fact.value))
    if fact.value < 0:
        text = f"−{text}"
    if fact.unit == "%":
        return f"{text}%"
    symbol, _, rest = fact.unit.partition(" ")
    if symbol in _CURRENCY:  # "$3,227.8", "€42 million"
        return f"{symbol}{text} {rest}".strip()
    return f"{text} {fact.unit}".strip()


def _sources(
    facts: list[Fact], evidence: Evidence, quotes: dict[int, Sentence], cites: _Cites
) -> list[str]:
    """Each fact's source once: two cells of one row quote that row once."""
    return list(dict.fromkeys(s for s in (_source(f, evidence, quotes, cites) for f in facts) if s))


def _per_year(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """ "X in 2018 and 2019 (respectively)": the value for each year asked, from one series."""
    series = _series_for(q, facts)
    if series is None or not all(y in series.by_year for y in q.years):
        return None
    chosen = [series.by_year[y] for y in q.years]
    quotes: dict[int, Sentence] = {}
    sources = _sources(chosen, evidence, quotes, _Cites(evidence))
    label = strip_years(_label(chosen[0]))
    claim = f"{label}: " + "; ".join(
        f"{_value(f)} in {y}" for y, f in zip(q.years, chosen, strict=True)
    )
    return Draft(text=f"{claim}. " + " ".join(sources), quotes=quotes, grounded=[(claim, chosen)])


def _single_fact(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft | None:
    if len(q.years) == 1 and q.answer_type == "quantity":
        draft = _from_change(q, evidence, facts)
        if draft is not None:
            return draft
    if len(q.years) >= 2:
        draft = _per_year(q, evidence, facts)
        if draft is not None:
            return draft
    ranked = [s for s in facts.rank(q.terms, q.years) if _names_covered(q, s)]
    if not ranked or ranked[0].coverage < MIN_FACT_COVERAGE:
        if q.years and q.answer_type == "quantity":
            return _year_not_covered(q, evidence, facts, name)
        return None
    best = ranked[0]
    if best.fact.origin == "prose":
        return None  # a sentence answers: quoted whole below, with its number verified
    if q.answer_type == "text" and (
        best.coverage < TEXT_FACT_COVERAGE or not q.years and best.precision < 1
    ):
        return None  # "what were the operating expenses for X": a cell only when it fits closely
    quotes: dict[int, Sentence] = {}
    cites = _Cites(evidence)
    source = _source(best.fact, evidence, quotes, cites)
    if not source:
        return None
    claim = f"{_value(best.fact)} ({_label(best.fact)})"
    return Draft(text=f"{claim}: {source}", quotes=quotes, grounded=[(claim, [best.fact])])


def _from_change(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """The asked year's figure from a later level and the change the text states from that
    year ("143 …, a decrease of 4 persons from that in FY2011" gives 147 for FY2011)."""
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
        inputs = change.inputs.split() if isinstance(change.inputs, str) else change.inputs
        level = next((by_id[i] for i in inputs if i in by_id), None)
        if level is None or year in fact_years(level) or not _names_covered(q, scored):
            continue
        result = compute.previous(level, change, fell=direction == "decrease")
        quotes: dict[int, Sentence] = {}
        source = _source(level, evidence, quotes, _Cites(evidence))
        claim = f"{_value(result)} in {_as_asked(q, [year])}, computed as {result.formula}"
        return Draft(
            text=f"{claim}: {source}" if source else f"{claim}.",
            quotes=quotes,
            grounded=[(claim, [result, level, change])],
        )
    return None


def _names_covered(q: Question, scored: Scored) -> bool:
    from .text import tokenize

    named = {t for n in q.names for t in tokenize(n)}
    return not (named & set(scored.missing))


def _year_not_covered(
    q: Question, evidence: Evidence, facts: DocumentFacts, name: str
) -> Draft | None:
    """ "does not say for 2017": the measure is there, but not for the asked period."""
    anywhere = facts.rank(q.terms)
    if not anywhere or anywhere[0].coverage < MIN_FACT_COVERAGE:
        return None
    if all(facts.mentions_year(q.terms, y, MIN_FACT_COVERAGE) for y in q.years):
        return None  # the years are there, in words the facts did not pair: a sentence answers
    if any(not s.fact.period for s in anywhere if s.coverage >= MIN_FACT_COVERAGE):
        return None  # an undated statement ("during the period") may be the asked year's
    covering = [s.fact for s in anywhere if s.coverage >= MIN_FACT_COVERAGE][:6]
    best = covering[0]
    stated = sorted({y for f in covering for y in fact_years(f)} - set(q.years))
    asked = _as_asked(q, q.years)
    quotes: dict[int, Sentence] = {}
    source = _source(best, evidence, quotes, _Cites(evidence))
    years = ", ".join(map(str, stated)) or "other periods"
    claim = (
        does_not_say(name, "this", f"for {asked}")[:-1] + f"; it gives {_label(best)} for {years}"
    )
    text = f"{claim}{': ' + source if source else '.'}"
    return Draft(text=text, abstained=True, quotes=quotes, grounded=[(claim, covering)])


def _series_for(q: Question, facts: DocumentFacts) -> Series | None:
    """The best-covered series, preferring one that has every year the question asks for."""
    good = [s for s in facts.series(q.terms)[:8] if s.coverage >= MIN_FACT_COVERAGE]
    complete = [s for s in good if all(y in s.by_year for y in q.years)]
    return (complete or good or [None])[0]


def _arithmetic(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft | None:
    if q.operation in ("ratio", "difference", "sum") and len(q.years) < 2:
        draft = _two_things(q, evidence, facts)
        if draft is not None:
            return draft
    series = _series_for(q, facts)
    if series is None:
        return None
    years = [y for y in q.years if y in series.by_year]
    if len(years) < len(q.years):
        return _year_not_covered(q, evidence, facts, name)
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
    sources = _sources(chosen, evidence, quotes, _Cites(evidence))
    what = _what(result, chosen, span)
    claim = f"{_value(result)}{_direction(q, result, chosen)}: {what}, computed as {result.formula}"
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
    if len(set(names)) < len(names):  # the same thing in several periods
        return f"the {result.measure} of {strip_years(chosen[-1].subject)}, {span}"
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


def _year_choice(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    series = _series_for(q, facts)
    if series is None or len(series.by_year) < 2:
        return None
    items = [(y, f) for y, f in series.by_year.items() if not q.years or y in q.years]
    if len(items) < 2:
        return None
    magnitude = all(f.value <= 0 for _, f in items)  # "(5,580)" is the larger amortisation
    key = (lambda yf: abs(yf[1].value)) if magnitude else (lambda yf: yf[1].value)
    pick = max(items, key=key) if _GREATER.search(q.text) else min(items, key=key)
    quotes: dict[int, Sentence] = {}
    cites = _Cites(evidence)
    sources = _sources([f for _, f in items], evidence, quotes, cites)
    others = "; ".join(f"{y}: {_value(f)}" for y, f in items if y != pick[0])
    claim = f"{pick[0]} ({_value(pick[1])} against {others})"
    return Draft(
        text=f"{claim}. " + " ".join(sources),
        quotes=quotes,
        grounded=[(claim, [f for _, f in items])],
    )


# -------------------------------------------------------------------------------------- sentences


def _sentence_coverage(q: Question, words: set[str], facts: DocumentFacts) -> float:
    if not q.terms:
        return 0.0
    total = sum(facts.weight(t) for t in q.terms)
    return sum(facts.weight(t) for t in q.terms if t in words) / total


def _context_words(passage: Passage, sentence: Sentence) -> set[str]:
    """The words a sentence is read with: its own, its heading's, its paragraph's first
    sentence's and the one before it ("the plant" there is the one the paragraph names)."""
    i = passage.sentences.index(sentence)
    around = {passage.sentences[0].text, passage.sentences[max(i - 1, 0)].text, sentence.text}
    return set(tokenize(" ".join([passage.section, *around])))


def _sentences(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft:
    good = []
    for n, sentence, score in best_sentences(evidence, SENTENCE_CANDIDATES, CANDIDATE_MARGIN):
        passage = evidence.passages[n - 1]
        if passage.kind == "table":
            continue  # never paste a table: cells are answered from facts
        words = _context_words(passage, sentence)
        if not _fits(q, sentence, words, facts):
            continue
        if q.answer_type == "reason":
            if not _CAUSE.search(sentence.text):
                continue
            words = set(tokenize(f"{passage.section} {sentence.text}"))  # a cause of this thing
            if not _names_within(q, words, facts):
                continue
        if len(new_names(q, sentence)) < q.names_wanted:
            continue  # "which countries", "the names of": a count of them does not answer
        coverage = _sentence_coverage(q, words, facts)
        key = (passage.passage_id, passage.sentences.index(sentence))
        close = evidence.sentence_similarity.get(key, 0.0) >= CLOSE_MEANING
        if (
            coverage >= MIN_SENTENCE_COVERAGE
            or close
            and (coverage >= CLOSE_COVERAGE or not q.terms)
        ):
            good.append((coverage + score, n, sentence))
    if not good:
        return _not_found(q, evidence, facts, name)
    good.sort(key=lambda g: -g[0])
    quotes: dict[int, Sentence] = {}
    lines = []
    for _, n, sentence in good[: 1 if q.answer_type == "quantity" else 2]:
        if n in quotes:
            continue
        quotes[n] = sentence
        lines.append(quote_with_antecedent(evidence, n, quotes))  # "This plant …" with its referent
    return Draft(text=" ".join(lines), quotes=quotes)


def _as_asked(q: Question, years: Iterable[int]) -> str:
    """Years as the question wrote them ("FY2014", "2017/18"), so the answer repeats its words."""
    written = {}
    for m in find_numbers(q.text):
        if m.is_time:
            written.setdefault(int(m.value), m.text)
    return ", ".join(written.get(y, str(y)) for y in years)


def _fits(q: Question, sentence: Sentence, words: set[str], facts: DocumentFacts) -> bool:
    """A sentence answers only with what the question asks: a figure for "how many/much", one of
    the asked years (or none at all), and every name the question uses that the documents know."""
    mentions = find_numbers(sentence.text)
    if q.answer_type == "quantity" and not any(
        not m.is_time
        and m.kind not in ("label", "ordinal")
        and not is_day_of_month(sentence.text, m)
        for m in mentions
    ):
        return False
    if q.answer_type in _ENTITY_ANSWERS and not has_entity(
        sentence, _ENTITY_ANSWERS[q.answer_type]
    ):
        return False  # "when" needs a date, "where" a place
    aside = comparative_spans(sentence.text)  # "(2017/18: €1 million)" dates only its own figure
    said = {
        int(m.value) for m in mentions if m.is_time and not any(a <= m.start < b for a, b in aside)
    }
    if q.years and said and not said & set(q.years):
        return False
    return _names_within(q, words, facts)


def _names_within(q: Question, words: set[str], facts: DocumentFacts) -> bool:
    """Every name the question uses that the documents know is among ``words``."""
    for name in q.names:
        known = [t for t in tokenize(name) if facts.known(t)]
        if known and not set(known) <= words:
            return False
    return True


def _not_found(
    q: Question, evidence: Evidence, facts: DocumentFacts, name: str, unknown: list[str] = ()
) -> Draft:
    picks = [
        p for p in best_sentences(evidence, limit=1) if evidence.passages[p[0] - 1].kind != "table"
    ]
    nearest = set(tokenize(picks[0][1].text)) if picks else set()
    absent_years = [y for y in q.years if not facts.mentions_year(q.terms, y, MIN_FACT_COVERAGE)]
    words = [w for w in re.findall(r"[\w'&.-]+", q.text) if set(tokenize(w)) & set(unknown)]
    uncovered = [
        w
        for w in re.findall(r"[\w'&.-]+", q.text)
        if (found := set(tokenize(w)) & set(q.terms)) and not found & nearest
    ]
    if words:
        what = "anything about " + ", ".join(f"“{w}”" for w in dict.fromkeys(words))
    elif absent_years:
        what = "this for " + _as_asked(q, absent_years)
    elif q.answer_type == "reason":
        what = "why"
    elif uncovered:
        what = "this: nothing it states covers " + ", ".join(
            f"“{w}”" for w in dict.fromkeys(uncovered)
        )
    else:
        what = "this"
    text = does_not_say(name, what)
    picks = [
        p for p in best_sentences(evidence, limit=1) if evidence.passages[p[0] - 1].kind != "table"
    ]
    if not picks:
        return Draft(text=text, abstained=True, grounded=[(text, [])])
    n, sentence, _ = picks[0]
    return Draft(
        text=f"{text} The nearest it states: “{sentence.text}” [{n}]",
        abstained=True,
        quotes={n: sentence},
        grounded=[(text, [])],
    )


def out_of_scope(titles: list[str], name: str) -> Draft:
    """Nothing in the documents is close to the question: say what they do cover."""
    return Draft(text=covers(name, titles), abstained=True)
