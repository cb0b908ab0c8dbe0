"""Synthesizers turn retrieved evidence into a draft answer with [n] markers.

The extractive synthesizer needs no LLM: numbers come from the fact table with their quotes, other
answers are the best-supporting sentences quoted verbatim. The LLM synthesizer asks any LangChain
chat model for the same kind of draft. Either draft is then checked by the chain (citations,
numbers) before anyone sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from .corpus import Passage, Sentence, normalize_for_match

NUMERIC_QUESTION = re.compile(
    r"\b(how (many|much|long|often)|number of|what (year|date|month)|when|"
    r"which (fiscal )?(year|month)|numbers|figures|"
    r"total|combined|altogether|in all|sum|difference|more than|fewer|less than|count|"
    r"how old|what was the (size|figure))\b",
    re.IGNORECASE,
)


# A second supporting sentence is quoted when it scores within this of the best one.
SECOND_SENTENCE_MARGIN = 0.25
# Sentences of higher-ranked passages win ties: this, divided by the passage's rank.
PASSAGE_RANK_BONUS = 0.04


@dataclass
class Evidence:
    """Everything a synthesizer may use; passages are cited as [1]..[n] in this order."""

    question: str
    passages: list[Passage]
    sentence_scores: dict[tuple[str, int], float] = field(default_factory=dict)
    sentence_similarity: dict[tuple[str, int], float] = field(default_factory=dict)  # cosine only
    facts: list[Any] = field(default_factory=list)  # FactMatch, best first
    not_stated: Any | None = None  # NotStated from the fact table
    premise_notes: list[str] = field(default_factory=list)
    premise_facts: list[list[Any]] = field(default_factory=list)  # the facts each note states
    in_scope: bool = True
    table: Any | None = None  # FactTable, to resolve a derived fact's inputs
    numeric: bool = False  # the question asks for a number, date or duration
    library: list[Passage] = field(default_factory=list)  # every passage, to cite a fact's source
    unreported: str | None = None  # why the chapter cannot answer, as a sentence


@dataclass
class Draft:
    text: str
    abstained: bool = False
    quotes: dict[int, Sentence] = field(default_factory=dict)  # [n] -> the sentence it quotes
    grounded: list[tuple[str, list[Any]]] = field(default_factory=list)  # fragment, its facts
    backend: str = "extractive"


class Synthesizer(Protocol):
    name: str

    def synthesize(self, evidence: Evidence) -> Draft: ...


def is_numeric_question(question: str) -> bool:
    return bool(NUMERIC_QUESTION.search(question))


def best_sentences(evidence: Evidence, limit: int = 2) -> list[tuple[int, Sentence, float]]:
    """(passage number, sentence, score), best first, from the passages in evidence."""
    ranked = []
    for n, passage in enumerate(evidence.passages, 1):
        for i, sentence in enumerate(passage.sentences):
            score = evidence.sentence_scores.get((passage.passage_id, i), 0.0)
            ranked.append((n, sentence, score + PASSAGE_RANK_BONUS / n))
    ranked.sort(key=lambda r: -r[2])
    if not ranked:
        return []
    top = ranked[0][2]
    return [r for r in ranked[:limit] if r[2] >= top - SECOND_SENTENCE_MARGIN]


def locate_quote(quote: str, passages: list[Passage]) -> tuple[int, Sentence] | None:
    """The passage number and sentence that hold ``quote`` (or overlap it most)."""
    wanted = normalize_for_match(quote)
    best: tuple[float, int, Sentence] | None = None
    for n, passage in enumerate(passages, 1):
        for sentence in passage.sentences:
            have = normalize_for_match(sentence.text)
            if wanted in have or have in wanted:
                overlap = min(len(have), len(wanted)) / max(len(have), len(wanted), 1)
                if best is None or overlap > best[0]:
                    best = (overlap, n, sentence)
    return (best[1], best[2]) if best else None


def locate_fact(fact: Any, evidence: Evidence) -> tuple[int, Sentence] | None:
    """Where a fact's quote is: in a retrieved passage, or else in one added to the evidence."""
    found = locate_quote(fact.quote, evidence.passages)
    if found is not None:
        return found
    for passage in evidence.library:
        if locate_quote(fact.quote, [passage]):
            evidence.passages.append(passage)
            return locate_quote(fact.quote, evidence.passages)
    return None


_LIST_WORDS = re.compile(
    r"\b(each|list|respectively|every one|all three|both|summari[sz]e)\b", re.I
)


class ExtractiveSynthesizer:
    """Answers from the fact table and verbatim sentences only: offline, never paraphrasing."""

    name = "extractive"

    def synthesize(self, evidence: Evidence) -> Draft:
        if not evidence.in_scope or not evidence.passages:
            return _abstain_out_of_scope(evidence)
        if evidence.unreported:
            return self._unreported(evidence)
        if evidence.not_stated is not None:
            return self._not_stated(evidence)
        if evidence.numeric and evidence.facts:
            draft = self._from_facts(evidence)
            if draft is not None:
                return draft
        return self._from_sentences(evidence)

    def _from_facts(self, evidence: Evidence) -> Draft | None:
        chosen = _chosen_facts(evidence)
        quotes: dict[int, Sentence] = {}
        lines = premise_lines(evidence, quotes)
        grounded: list[tuple[str, list[Any]]] = []
        for fact in chosen:
            sources = [fact]
            if fact.derived and evidence.table is not None:
                sources = [f for f in map(evidence.table.get, fact.inputs) if f is not None]
            cited = []
            for source in sources:
                found = locate_fact(source, evidence)
                if found is None:
                    continue
                quotes.setdefault(found[0], found[1])
                cited.append(found[0])
            if not cited:
                if fact is chosen[0]:
                    return None
                continue
            marks = "".join(f"[{n}]" for n in dict.fromkeys(cited))
            if fact.derived:
                claim = _capitalize(phrase(fact))
                lines.append(f"{claim}. {marks}")
                lines += [f"“{quotes[n].text}” [{n}]" for n in dict.fromkeys(cited)]
            else:
                claim = _capitalize(fact.value_text())
                lines.append(f"{claim}: “{quotes[cited[0]].text}” {marks}")
            grounded.append((claim, [fact]))
        return Draft(text=" ".join(_unique(lines)), quotes=quotes, grounded=grounded)

    def _from_sentences(self, evidence: Evidence) -> Draft:
        picks = best_sentences(evidence)
        quotes: dict[int, Sentence] = {}
        lines = premise_lines(evidence, quotes)
        for n, sentence, _ in picks:
            if n in quotes:
                continue
            quotes[n] = sentence
            lines.append(f"“{sentence.text}” [{n}]")
        return Draft(text=" ".join(lines), quotes=quotes)

    def _unreported(self, evidence: Evidence) -> Draft:
        picks = best_sentences(evidence, limit=1)
        text = evidence.unreported
        echo = [(text, [])]  # repeats the question's own words: no claim to check
        if not picks:
            return Draft(text=text, abstained=True, grounded=echo)
        n, sentence, _ = picks[0]
        return Draft(
            text=f"{text} The nearest it reports: “{sentence.text}” [{n}]",
            abstained=True,
            quotes={n: sentence},
            grounded=echo,
        )

    def _not_stated(self, evidence: Evidence) -> Draft:
        ns = evidence.not_stated
        quotes: dict[int, Sentence] = {}
        marks = []
        for fact in list(getattr(ns, "related", []))[:2]:
            found = locate_fact(fact, evidence)
            if found:
                quotes[found[0]] = found[1]
                marks.append(f"[{found[0]}]")
        text = (
            ns.message
            if ns.message.startswith("The chapter does not say")
            else (f"The chapter does not say. {ns.message}")
        )
        related = list(getattr(ns, "related", []))
        return Draft(
            text=f"{text} {''.join(dict.fromkeys(marks))}".strip(),
            abstained=True,
            quotes=quotes,
            grounded=[(text, related)],
        )


def premise_lines(evidence: Evidence, quotes: dict[int, Sentence]) -> list[str]:
    """Premise corrections, each cited to the sentences that state its facts."""
    lines = []
    for i, note in enumerate(evidence.premise_notes):
        facts = evidence.premise_facts[i] if i < len(evidence.premise_facts) else []
        marks = []
        for fact in facts:
            found = locate_fact(fact, evidence)
            if found is not None:
                quotes.setdefault(found[0], found[1])
                marks.append(f"[{found[0]}]")
        lines.append(f"{note} {''.join(dict.fromkeys(marks))}".rstrip())
    return lines


def _chosen_facts(evidence: Evidence) -> list[Any]:
    """The best fact; for "each"/"list" questions also its siblings: the same measure for other
    programmes, or other measures of the same programme and period."""
    best = evidence.facts[0].fact
    if not _LIST_WORDS.search(evidence.question):
        return [best]
    siblings = [
        m.fact
        for m in evidence.facts[1:8]
        if not m.fact.derived
        and m.fact.period == best.period
        and (m.fact.measure == best.measure) != (m.fact.subject == best.subject)
    ]
    return [best, *siblings[:3]]


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _abstain_out_of_scope(evidence: Evidence) -> Draft:
    """Nothing is close to the question: say what the documents do cover, from their headings."""
    titles: dict[str, str] = {}
    for passage in evidence.library:
        heading = passage.section.split(" > ")[0]
        if heading and passage.doc not in titles:
            titles[passage.doc] = heading
    covered = "; ".join(list(titles.values())[:5]) or "other subjects"
    text = f"The chapter does not say anything about this: it covers {covered}."
    return Draft(text=text, abstained=True)


def phrase(fact: Any) -> str:
    """A fact as an answer clause; a derived one says how it was computed."""
    text = re.sub(r"\s*\[derived: [^\]]*\]$", "", fact.describe())
    return f"{text} (derived: {fact.formula})" if fact.derived else text


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
