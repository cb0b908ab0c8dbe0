"""Citations: two-part questions joined, [n] markers renumbered and resolved to verbatim quotes,
and quotes an LLM invented taken out."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..ingest.corpus import Passage, Sentence, normalize_for_match
from ..ingest.text import tokenize
from . import Answer, Citation
from .number_checks import MARKER, QUOTED, numbers_in
from .synthesize import Draft
from .wording import quote_cited

_SECOND_QUESTION = re.compile(
    r"(?:,|\s[-—–]|;)?\s+and\s+(?=(?:how|what|which|when|who|where|why|in which|for how|from "
    r"which|did|does|was|were|is)\b)|\?\s+(?=\S)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The separate questions in "How many ..., and for how long?" (at most three)."""
    parts = [p.strip(" ,;—–-") for p in _SECOND_QUESTION.split(question)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or len(parts) > 3 or any(len(tokenize(p)) < 1 for p in parts):
        return [question]
    return [p if p.endswith("?") else f"{p}?" for p in parts]


def join_answers(question: str, answers: list[Answer]) -> Answer:
    """One Answer from the answers to a question's parts, citations renumbered in order."""
    texts, citations, numbers, corrections, resolved = [], [], [], [], []
    timings: dict[str, float] = {}
    for answer in answers:
        offset = len(citations)
        text = MARKER.sub(lambda m, o=offset: f"[{int(m.group(1)) + o}]", answer.answer)
        mine = [replace(c, n=c.n + offset) for c in answer.citations]
        text, mine, said = _cite_earlier_quotes(text, mine, citations, list(answer.numbers))
        texts.append(text)
        citations += mine
        numbers += said
        corrections += answer.corrections
        resolved.append(answer.resolved_question or answer.question)
        for step, ms in answer.timings_ms.items():
            timings[step] = round(timings.get(step, 0.0) + ms, 2)
    text, citations = _renumber(" ".join(texts), citations)
    return Answer(
        question=question,
        answer=text,
        abstained=all(a.abstained for a in answers),
        citations=citations,
        numbers=numbers,
        backend=answers[0].backend,
        timings_ms=timings,
        corrections=list(dict.fromkeys(corrections)),
        resolved_question=" | ".join(resolved),
        short=_joined_short(answers),
    )


def _joined_short(answers: list[Answer]) -> list[str] | None:
    """Each answered part's short answer, in order; None when every part abstained."""
    parts = [a.short for a in answers if not a.abstained and a.short is not None]
    flat = [s for part in parts for s in ([part] if isinstance(part, str) else part)]
    return flat or None


def _cite_earlier_quotes(
    text: str, mine: list[Citation], earlier: list[Citation], numbers: list[Any]
) -> tuple[str, list[Citation], list[Any]]:
    """A part that quotes a sentence an earlier part quoted cites that quote instead of
    repeating it (and its numbers): "3 weeks [1]"."""
    kept = []
    for cite in mine:
        first = next(
            (e for e in earlier if (e.doc, e.start, e.end) == (cite.doc, cite.start, cite.end)),
            None,
        )
        span = quote_cited(text, cite.n) if first is not None else None
        if span is None:
            kept.append(cite)
            continue
        for mention in numbers_in(text[span[0] : span[1]]):
            gone = next((n for n in numbers if n.text == mention.text), None)
            if gone is not None:
                numbers.remove(gone)
        text = f"{text[: span[0]]} [{first.n}]{text[span[1] :]}"
    return text, kept, numbers


def _renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Citations numbered 1..k in the order the text first cites them."""
    order: dict[int, int] = {}
    for m in MARKER.finditer(text):
        order.setdefault(int(m.group(1)), len(order) + 1)
    text = MARKER.sub(lambda m: f"[{order.get(int(m.group(1)), int(m.group(1)))}]", text)
    cited = sorted((c for c in citations if c.n in order), key=lambda c: order[c.n])
    return text, [replace(c, n=order[c.n]) for c in cited]


def unquote_invented(text: str, passages: Any) -> tuple[str, list[str]]:
    """Quotation marks only around words the chapter has: an invented "quote" becomes plain text."""
    corpus = [normalize_for_match(p.text) for p in passages]
    notes: list[str] = []

    def check(m: re.Match[str]) -> str:
        if any(normalize_for_match(m.group(1)) in passage for passage in corpus):
            return m.group(0)
        notes.append(f"“{m.group(1)[:60]}” is not in the chapter; shown without quotation marks")
        return m.group(1)

    return QUOTED.sub(check, text), notes


def resolve_citations(
    draft: Draft, passages: list[Passage]
) -> tuple[str, list[Citation], list[str]]:
    """Renumber [n] markers to citations in order of use; drop markers that point nowhere."""
    corrections: list[str] = []
    order: dict[int, int] = {}
    citations: list[Citation] = []

    def replace(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(passages):
            corrections.append(f"citation [{n}] pointed at no retrieved passage and was removed")
            return ""
        if n not in order:
            passage = passages[n - 1]
            sentence = draft.quotes.get(n) or _best_sentence_for(draft.text, m.start(), passage)
            order[n] = len(order) + 1
            citations.append(
                Citation(
                    n=order[n],
                    doc=passage.doc,
                    passage_id=passage.passage_id,
                    section=passage.section,
                    page=passage.page,
                    quote=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                )
            )
        return f"[{order[n]}]"

    text = MARKER.sub(replace, draft.text)
    return " ".join(text.split()), citations, corrections


def _best_sentence_for(text: str, position: int, passage: Passage) -> Sentence:
    """The passage sentence sharing most words with the answer sentence that cites it."""
    head = text[:position]
    sentence_start = max(head.rfind(". "), head.rfind("] "), 0)
    words = set(tokenize(text[sentence_start:position]))
    return max(passage.sentences, key=lambda s: len(words & set(tokenize(s.text))))
