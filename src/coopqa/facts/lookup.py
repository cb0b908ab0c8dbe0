"""The fact table: stated and derived facts with a word-overlap lookup and not-stated answers."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..ingest.glossary import active
from .model import Fact, FactMatch, NotStated
from .phrasing import DEFAULT_SOURCE, does_not_say, figure, how_many, it_gives, join_items
from .query import (
    _BREAKDOWN_RE,
    _FIGURE_RE,
    _PART_OF_QUANTITY,
    _PART_OF_TOTAL,
    _WHERE_Q,
    ANCHOR,
    HAS_PERIOD,
    NEAR_BEST,
    _aggregate_factor,
    _compare_factor,
    _direction_factor,
    _kind_factor,
    _operation_factor,
    _parse,
    _period_factor,
    _Query,
    _unit_factor,
    fact_direction,
    named_place,
    tokens,
)
from .units import counts_people

if TYPE_CHECKING:
    pass


class FactTable:
    """Stated and derived facts with a fast word-overlap lookup (synonyms, periods, question type).

    ``context`` maps a section heading path to its text; its words count a little for the facts of
    that section, so a question may name a programme by words the facts' own columns lack.
    ``name`` is what answers call the text the facts come from ("the chapter does not say").
    """

    def __init__(
        self,
        facts: Iterable[Fact],
        context: dict[str, str] | None = None,
        name: str = DEFAULT_SOURCE,
    ) -> None:
        self.name = name
        self.facts: list[Fact] = list(facts)
        self._by_id = {f.id: f for f in self.facts}
        self._context = dict(context or {})
        # Plain weights score answer sentences for the verifier (a claim names its own subject);
        # with the section's words, they score questions, which may name it in other words.
        read: dict[str, list[str]] = {}  # a section's text or a sentence, tokenised once

        def once(text: str) -> list[str]:
            if text not in read:
                read[text] = tokens(text)
            return read[text]

        self._weights = [self._fact_weights(f, words=once) for f in self.facts]
        self._idf = _idf(self._weights)
        self._question_weights = [
            self._fact_weights(f, self._context_of(f), once) for f in self.facts
        ]
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
    def _fact_weights(
        fact: Fact, context: str = "", words: Callable[[str], list[str]] = tokens
    ) -> dict[str, float]:
        weights: dict[str, float] = {}
        section = " ".join(fact.section.split(" > ")[-2:])
        quotes = fact.quote
        if fact.derived:
            quotes = ""
        for text, w in ((context, 0.25), (quotes, 0.4), (section, 0.6), (fact.unit, 0.8),
                        (fact.subject, 1.0), (fact.measure, 1.0)):  # fmt: skip
            for token in words(text):
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
        said = [f for f in related if not f.derived] or related
        return NotStated(
            f"{does_not_say(self.name, _what(best), _during(times.describe()))} "
            f"{it_gives([_when(f) for f in said])}",
            related,
        )

    def _breakdown(self, q: _Query) -> NotStated | None:
        """A part of a quantity the text gives only whole: by organisation, gender, destination,
        nationality. The subject is judged on the question without the part it asks about."""
        asked = [m for m in _BREAKDOWN_RE.finditer(q.text)]
        quantity = q.wanted in ("count", "") and _PART_OF_QUANTITY.search(q.text)
        place = named_place().search(q.text) if q.wanted == "count" else None
        part = _PART_OF_TOTAL.search(q.text) if q.wanted == "count" else None
        asks_nation = active().nationality_question
        nation = asks_nation.search(q.text) if asks_nation and q.wanted == "count" else None
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
        nationality = active().nationality
        asks_nation = active().nationality_question
        m = asks_nation.search(text) if asks_nation else None
        if not m:
            return ""
        asked = nationality[m.group(1).lower()]
        named = set()
        for f in self.facts:
            if f.subject == best.subject and not f.derived and counts_people(f.unit):
                words = re.findall(r"[a-z.]+", f"{f.measure} {f.quote}".lower())
                named |= {nationality[w] for w in words if w in nationality}
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
        if lowered.startswith("which"):
            what = f"{lowered} they were"
        elif lowered.startswith(("by", "per", "each", "for each")):
            what = "a breakdown " + (
                lowered if lowered.startswith(("by", "per")) else f"for {lowered}"
            )
        elif lowered in ("women", "men", "female", "male"):
            what = "a breakdown by gender"
        else:
            what = "a breakdown"
        gives = join_items([_report(f) for f in [f for f in shown if not f.derived] or shown])
        said = (
            f"does not say in its text {what}"
            if lowered.startswith("which")
            else f"does not give {what} in its text"
        )
        return NotStated(
            f"The {self.name} {said}{where}. It gives only {gives}.",
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


def _during(period: str) -> str:
    """ "in FY2012", "at the end of FY2012"."""
    return f"{'at' if period.startswith('the end') else 'in'} {period}"


def _what(fact: Fact) -> str:
    """What was asked, as an indirect question: "how many persons were newly dispatched"."""
    return how_many(fact.unit, fact.measure, fact.kind)


def _when(fact: Fact) -> str:
    """A figure of the asked measure for another period: "158 officials from FY1999 to FY2013 in
    total"."""
    text = f"{fact.value_text()} {fact.when()}".strip()
    return f"{text} (derived: {fact.formula})" if fact.derived else text


def _report(fact: Fact) -> str:
    """A stated figure in plain words: "158 officials from FY1999 to FY2013 in total"."""
    text = figure(fact.value_text(), fact.measure, fact.when())
    return f"{text} (derived: {fact.formula})" if fact.derived else text
