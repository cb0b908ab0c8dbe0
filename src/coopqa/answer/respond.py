"""Answers for any document from its extracted facts and sentences, by coverage, or an explicit
"the document does not say" naming what was not found, with the nearest facts it does state.

A table cell is answered with its value, its row and the header it sits under, never the whole
table; arithmetic shows its formula; a sentence answers only when it holds the question's terms.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ..facts.match import DocumentFacts
from ..facts.numbers import (
    PERCENT_AFTER,
    NumberMention,
    comparative_spans,
    find_numbers,
    is_day_of_month,
)
from ..ingest.corpus import Passage, Sentence
from ..ingest.text import tokenize
from ..params import fitted
from .asks import Question, analyse, counts_things
from .counted import counts_another
from .fact_sources import (
    MIN_FACT_COVERAGE,
    Cites,
    as_asked,
    cite_source,
    fact_label,
    names_covered,
    value_text,
    year_not_covered,
)
from .followup import own_words
from .question import CELL_OPERATIONS, read, years_named
from .strategies.added import added_up
from .strategies.computed import (
    arithmetic,
    counted,
    extreme_row,
    from_change,
    made_up_of,
    per_year,
    year_choice,
)
from .strategies.cumulative import since_start, without_last_year
from .strategies.more_than import more_than
from .strategies.parts import across_parts
from .strategies.premise import direction_premise, stop_premise
from .strategies.rows import column_average, components, extreme, rows_listed, rows_past
from .strategies.running import over_spans, running_words
from .synthesize import Draft, Evidence, best_sentences, quote_with_antecedent
from .vocabulary import document_terms, has_entity, new_names, other_direction, unknown_specifics
from .wording import covers, does_not_say, leans_on_earlier

_MONEY_BEFORE = re.compile(r"[$€£¥]\s?$")
MIN_SENTENCE_COVERAGE = fitted("min_sentence_coverage")
# A sentence this close in meaning answers with less of the question's wording (a paraphrase).
CLOSE_MEANING = fitted("close_meaning")
CLOSE_COVERAGE = fitted("close_coverage")
SENTENCE_CANDIDATES = fitted("sentence_candidates")
# Candidates are held to coverage and fit below, so they may score further from the best.
CANDIDATE_MARGIN = fitted("candidate_margin")
# Coverage leads: a sentence holding all the question's words beats a closer-sounding partial one.
SCORE_WEIGHT = fitted("score_weight")
MIN_ADDED_WORDS = 2  # what a restating sentence must add to answer without the asked entity
_ENTITY_ANSWERS = {
    "date": frozenset(("DATE", "TIME")),
    "place": frozenset(("GPE", "LOC", "FAC", "ORG")),
}
TEXT_FACT_COVERAGE = fitted(
    "text_fact_coverage"
)  # a question without "how much" is answered by a cell this well covered
_CAUSE = re.compile(
    r"\b(because|due to|as a result|result(?:ed|s|ing)? (?:from|in|of)|driven by|attributable|"
    r"owing to|reflect(?:s|ed|ing)?|caused by|primarily|mainly|largely|principally|since|"
    r"following|led to|in order to|so that|reason|so as to|in an? (?:effort|attempt|bid) to|"
    r"with the (?:aim|goal|intention|purpose|object) of|for the purpose of|aimed at|intended to)\b"
    r"|^\W*to \w+",  # "To understand …, they …"
    re.I,
)


def respond(evidence: Evidence, facts: DocumentFacts, corpus_name: str) -> Draft:
    """The draft answer for a question about documents without a reviewed fact table."""
    q, specific, spanned = _read(evidence, facts)
    if spanned:
        return spanned
    if specific:
        return _not_found(q, evidence, facts, corpus_name, specific)
    if unheard := [y for y in q.years if y not in _years_written(evidence)]:  # nowhere in it
        nearest = year_not_covered(q, evidence, facts, corpus_name)  # with the years it gives
        return nearest or _not_found(q, evidence, facts, corpus_name, absent=unheard)
    if draft := _worked_out(q, evidence, facts):
        return draft
    if averaged := column_average(q, facts):
        return counted(evidence, *averaged)
    if q.operation and q.answer_type in ("quantity", "text"):
        draft = arithmetic(q, evidence, facts, corpus_name)
        if draft is not None:
            return draft
    if q.answer_type == "year_choice":
        draft = year_choice(q, evidence, facts)
        if draft is not None:
            return draft
    if parts := components(q, facts):
        return made_up_of(evidence, *parts)
    if q.answer_type in ("text", "quantity") and (found := extreme(q, facts)):
        return extreme_row(evidence, *found)
    if q.answer_type == "quantity" and (rows := rows_past(q, facts)):
        return counted(evidence, *rows)
    if q.answer_type in ("quantity", "text") and q.operation in CELL_OPERATIONS:
        draft = _single_fact(q, evidence, facts, corpus_name)
        if draft is not None:
            return draft
    draft = _sentences(q, evidence, facts, corpus_name)
    if draft.abstained and q.answer_type == "quantity" and (rows := rows_listed(q, facts)):
        return counted(evidence, *rows)  # no sentence gives the count: the table's rows do
    return draft


def worked_out(evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    """A figure the question asks to be worked out from stated ones (a sum over parts, a
    difference, the year before a stated change, a running total less a year), or a premise the
    document contradicts; None when no such rule applies. Words the documents never use leave it
    to the lookup."""
    q, specific, spanned = _read(evidence, facts)
    if spanned or specific:
        return spanned
    return _worked_out(q, evidence, facts) or _from_stated_change(q, evidence, facts)


def _read(evidence: Evidence, facts: DocumentFacts) -> tuple[Question, list[str], Draft | None]:
    """The question with its terms cut to the words the documents use (the rest are the asker's
    wording, for coverage), the specific words they never use, and the answer over a span when
    those are only "cumulative", "all-time" (words a document need not use)."""
    q = analyse(evidence.question)
    specific = unknown_specifics(q, facts)
    q = replace(q, terms=document_terms(q.terms, facts))
    if specific and set(specific) <= running_words(q.text):
        return q, specific, over_spans(q, evidence, facts)
    return q, specific, None


def _from_stated_change(
    q: Question, evidence: Evidence, facts: DocumentFacts, both_stated: bool | None = None
) -> Draft | None:
    """A year's figure from a later level and the change stated since: for one asked year, or
    for the earlier of two ("in 2018, given the 2019 figures") unless both are stated
    (``both_stated``, found out here when not known)."""
    if q.answer_type != "quantity" or len(q.years) not in (1, 2):
        return None
    if len(q.years) == 1:
        return from_change(q, evidence, facts)
    if both_stated is None:
        both_stated = per_year(q, evidence, facts) is not None
    if both_stated:
        return None
    earlier, later = sorted(q.years)
    return from_change(replace(q, years=(earlier,)), evidence, facts, later)


def _worked_out(q: Question, evidence: Evidence, facts: DocumentFacts) -> Draft | None:
    return (
        across_parts(q, evidence, facts)
        or added_up(q, evidence, facts)
        or direction_premise(q, evidence, facts)
        or without_last_year(q, evidence, facts)
        or more_than(q, evidence, facts)
        or since_start(q, evidence, facts)
        or stop_premise(q, evidence, facts)
    )


# ------------------------------------------------------------------------------------------ facts


def _single_fact(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft | None:
    if len(q.years) >= 2 and (draft := per_year(q, evidence, facts)):
        return draft
    if draft := _from_stated_change(q, evidence, facts, both_stated=False):
        return draft
    ranked = [s for s in facts.rank(q.terms, q.years) if names_covered(q, s)]
    if not ranked or ranked[0].coverage < MIN_FACT_COVERAGE:
        if q.years and q.answer_type == "quantity":
            return year_not_covered(q, evidence, facts, name)
        return None
    best = ranked[0]
    if best.fact.origin == "prose" or read(q.text).asks_meaning:
        return None  # a sentence answers: quoted whole below, with its number verified
    if q.answer_type == "text" and (
        best.coverage < TEXT_FACT_COVERAGE or not q.years and best.precision < 1
    ):
        return None  # "what were the operating expenses for X": a cell only when it fits closely
    quotes: dict[int, Sentence] = {}
    cites = Cites(evidence)
    source = cite_source(best.fact, evidence, quotes, cites)
    if not source:
        return None
    claim = f"{value_text(best.fact)} ({fact_label(best.fact)})"
    return Draft(text=f"{claim}: {source}", quotes=quotes, grounded=[(claim, [best.fact])])


# -------------------------------------------------------------------------------------- sentences


def _sentence_coverage(q: Question, words: set[str], facts: DocumentFacts) -> float:
    if not q.terms:
        return 0.0
    total = sum(facts.weight(t) for t in q.terms)
    return sum(facts.weight(t) for t in q.terms if t in words) / total


def _context_words(passage: Passage, sentence: Sentence) -> set[str]:
    """The words a sentence is read with: its own, its heading's, its paragraph's first
    sentence's and the one before it ("the plant" there is the one the paragraph names)."""
    around = {passage.sentences[0].text, _previous(passage, sentence), sentence.text}
    return set(tokenize(" ".join([passage.section, *around])))


def _sentences(q: Question, evidence: Evidence, facts: DocumentFacts, name: str) -> Draft:
    good = _good_sentences(q, evidence, facts, restating=False)
    if not good and q.answer_type in _ENTITY_ANSWERS:  # no place or date: a sentence that
        good = _good_sentences(q, evidence, facts, restating=True)  # restates and adds
    if not good:
        return _not_found(q, evidence, facts, name)
    good.sort(key=lambda g: -g[0])
    quotes: dict[int, Sentence] = {}
    if q.answer_type == "quantity" and len(q.years) >= 2:
        draft = _one_per_year(q, evidence, good, quotes)
        if draft is not None:
            return draft
    lines = []
    for _, n, sentence in good[: 1 if q.answer_type == "quantity" else 2]:
        if n in quotes:
            continue
        quotes[n] = sentence
        lines.append(quote_with_antecedent(evidence, n, quotes))  # "This plant …" with its referent
    return Draft(text=" ".join(lines), quotes=quotes)


def _good_sentences(
    q: Question, evidence: Evidence, facts: DocumentFacts, restating: bool
) -> list[tuple[float, int, Sentence]]:
    """The sentences that answer, scored; with ``restating``, a "where" or "when" is answered
    by a sentence that restates the question and says more, though it names no place or date."""
    good = []
    for n, sentence, score in best_sentences(evidence, SENTENCE_CANDIDATES, CANDIDATE_MARGIN):
        passage = evidence.passages[n - 1]
        if passage.kind == "table":
            continue  # never paste a table: cells are answered from facts
        words = _context_words(passage, sentence)
        if not _fits(q, sentence, words, facts, restating):
            continue
        if q.answer_type == "reason":
            if not (_CAUSE.search(sentence.text) or _cause_clause(sentence.text)):
                continue
            words = set(tokenize(f"{passage.section} {sentence.text}"))  # a cause of this thing
            if _follows_on(sentence.text):  # "The increase was driven by …": the one just named
                words |= set(tokenize(_previous(passage, sentence)))
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
            good.append((coverage + SCORE_WEIGHT * score, n, sentence))
    return good


# "The increase was driven by …": a sentence about the thing just named ("This …", "These …"
# are leans_on_earlier's)
_FOLLOWS_ON = re.compile(r"^The\s+\w+\s+(?:was|were|is|are|reflect\w*)\b")


def _follows_on(text: str) -> bool:
    return bool(_FOLLOWS_ON.match(text.strip())) or leans_on_earlier(text)


def _previous(passage: Passage, sentence: Sentence) -> str:
    """The sentence before ``sentence`` in its passage (itself when it opens the passage)."""
    return passage.sentences[max(passage.sentences.index(sentence) - 1, 0)].text


def _cause_clause(text: str) -> bool:
    """A clause with its own subject opened by "as" ("… fell as we closed two depots"), not
    "as reported" or "as expected"."""
    from ..ingest.nlp import parse

    return any(
        t.dep_ == "mark" and t.lower_ == "as" and t.head.dep_ == "advcl"
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.head.children)
        for t in parse(text)
    )  # fmt: skip


def _one_per_year(
    q: Question, evidence: Evidence, good: list, quotes: dict[int, Sentence]
) -> Draft | None:
    """ "X in 2019 and 2018 respectively", stated in one sentence per year: the best of each."""
    picks = []
    for year in q.years:
        pick = next(
            ((n, s) for _, n, s in good if year in _years_said(s) and (n, s) not in picks), None
        )
        if pick is None:
            return None
        picks.append(pick)
    cites = Cites(evidence)
    lines = []
    for n, sentence in dict.fromkeys(picks):
        m = cites.cite(evidence.passages[n - 1], sentence, quotes)
        lines.append(f"“{sentence.text}” [{m}]")
    return Draft(text=" ".join(lines), quotes=quotes)


def _answers_quantity(q: Question, text: str, mention: NumberMention) -> bool:
    """A figure of the asked kind: not a year, label, ordinal or day; for "how many" things not a
    percentage, an amount of money or a duration."""
    if mention.is_time or mention.kind in ("label", "ordinal") or is_day_of_month(text, mention):
        return False
    things, time = counts_things(q.text)
    if not things:
        return True
    if PERCENT_AFTER.match(text[mention.end :]) or _MONEY_BEFORE.search(text[: mention.start]):
        return False
    if _measured(q, text, mention):
        return False  # "55 kilometres across" counts no hotels
    if not time and counts_another(set(q.terms), text, mention.start, mention.end):
        return False  # "0.2 million shares" is no count of employees
    return time or mention.kind != "duration"


def _measured(q: Question, text: str, mention: NumberMention) -> bool:
    """The number is a measurement (spaCy's QUANTITY: "55 kilometres") of a unit not asked."""
    from ..ingest.nlp import entities

    asked = set(tokenize(q.text))
    return any(
        label == "QUANTITY" and mention.text in span and not set(tokenize(span)) & asked - {""}
        for span, label in entities(text)
    )


def _years_said(sentence: Sentence) -> set[int]:
    """The years a sentence dates its own figures by ("(2017/18: €1 million)" left out)."""
    aside = comparative_spans(sentence.text)
    return {
        int(m.value)
        for m in find_numbers(sentence.text)
        if m.is_time and not any(a <= m.start < b for a, b in aside)
    }


_DATE_KINDS = ("year", "fiscal_year", "date")


def years_beyond(question: str, text: str) -> bool:
    """The text gives a year the question does not ("in FY1998", which spaCy does not always
    tag as a date)."""
    asked = {m.value for m in find_numbers(question) if m.kind in _DATE_KINDS}
    return any(m.kind in _DATE_KINDS and m.value not in asked for m in find_numbers(text))


def _fits(
    q: Question, sentence: Sentence, words: set[str], facts: DocumentFacts, restating: bool = False
) -> bool:
    """A sentence answers only with what the question asks: a figure for "how many/much", one of
    the asked years (or none at all), and every name the question uses that the documents know."""
    mentions = find_numbers(sentence.text)
    if q.answer_type == "quantity" and not any(
        _answers_quantity(q, sentence.text, m) for m in mentions
    ):
        return False
    if q.answer_type in _ENTITY_ANSWERS and not has_entity(
        sentence, _ENTITY_ANSWERS[q.answer_type], besides=q.text
    ):
        if not (q.answer_type == "date" and years_beyond(q.text, sentence.text)):
            if not (restating and _restates_and_adds(q, sentence)):
                return False  # "when" needs a date, "where" a place the question does not name
    said = _years_said(sentence)
    if q.years and said and not said & set(q.years):
        return False
    if len(said) >= 2 and len(q.years) >= 2 and not set(q.years) <= said:
        return False  # "in 2019, 2018 and 2017" lists its years: one asked that it leaves out
    if other_direction(own_words(q.text), sentence):
        return False  # "sent to X" is not answered by those X sent
    return _names_within(q, words, facts)


def _restates_and_adds(q: Question, sentence: Sentence) -> bool:
    """The sentence restates every word of the question and says more: "Deposits are held in
    other assets" answers "Where are deposits held?" with no place named."""
    from .short import answer_span

    said = set(tokenize(sentence.text))
    if not q.terms or not set(q.terms) <= said:
        return False
    rest = answer_span(sentence.text, q.text)
    return rest != sentence.text.strip() and len(tokenize(rest)) >= MIN_ADDED_WORDS


def _names_within(q: Question, words: set[str], facts: DocumentFacts) -> bool:
    """Every name the question uses that the documents know is among ``words``."""
    for name in q.names:
        known = [t for t in tokenize(name) if facts.known(t)]
        if known and not set(known) <= words:
            return False
    return True


def _years_written(evidence: Evidence) -> frozenset[int]:
    """Every year the documents in scope write anywhere, read as a question's years are read
    ("2019", "2018/19", "FY19", each year of "from 2010 to 2019")."""
    docs = {p.doc for p in evidence.passages}
    passages = evidence.library or evidence.passages
    return frozenset().union(*(_years_in(p.text) for p in passages if p.doc in docs))


@lru_cache(maxsize=50_000)  # a report's passages are read again for every question
def _years_in(text: str) -> frozenset[int]:
    return frozenset(years_named(text, "sum"))  # "sum": a range names every year in it


def _not_found(
    q: Question,
    evidence: Evidence,
    facts: DocumentFacts,
    name: str,
    unknown: list[str] = (),
    absent: list[int] = (),
) -> Draft:
    picks = [
        p for p in best_sentences(evidence, limit=1) if evidence.passages[p[0] - 1].kind != "table"
    ]
    nearest = set(tokenize(picks[0][1].text)) if picks else set()
    absent_years = absent or [
        y for y in q.years if not facts.mentions_year(q.terms, y, MIN_FACT_COVERAGE)
    ]
    words = [w for w in re.findall(r"[\w'&.-]+", q.text) if set(tokenize(w)) & set(unknown)]
    uncovered = [
        w
        for w in re.findall(r"[\w'&.-]+", q.text)
        if (found := set(tokenize(w)) & set(q.terms)) and not found & nearest and not w.isdigit()
    ]
    if words:
        what = "anything about " + ", ".join(f"“{w}”" for w in dict.fromkeys(words))
    elif absent_years:
        what = "this for " + as_asked(q, absent_years)
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
