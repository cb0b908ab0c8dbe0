"""Scoring one answer against one eval item: numbers stated, evidence, citations, retrieval rank."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .items import CATEGORIES, EvalItem

MRR_DEPTH = 10

# ---------------------------------------------------------------------------------------------
# Numbers stated in an answer

_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[0-9,.]*[0-9])?")
_PLAIN_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_WORD = re.compile(r"[a-z]+")
_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("zero ten twenty thirty forty fifty sixty seventy eighty ninety".split())
    if i > 1
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}


def numbers_stated(text: str) -> list[float]:
    """Every number an answer states, as digits or English number words.

    A number is a whole token: "1424", "4.24" and "1,424" never state 424, while "FY2012",
    "18th" and "3-week" state 2012, 18 and 3 (a year or count glued to letters is still stated).
    Citation markers such as "[2]" are not numbers.
    """
    text = _CITATION_MARK.sub(" ", text)
    values = [v for m in _DIGIT_RUN.finditer(text) for v in _digit_values(m.group())]
    return values + _word_numbers(text.lower())


def _digit_values(run: str) -> list[float]:
    """ "1,424" and "4.24" are one number each; "2012,143" or "1.2.3" are several."""
    if _PLAIN_NUMBER.fullmatch(run):
        return [float(run.replace(",", ""))]
    return [float(part) for part in re.split(r"[,.]", run) if part]


def _word_numbers(text: str) -> list[float]:
    """Values of runs of number words ("twenty-one", "one hundred and twenty", "ten")."""
    values: list[float] = []
    run: list[str] = []
    last_end = 0
    for m in _WORD.finditer(text):
        word, gap = m.group(), text[last_end : m.start()]
        adjacent = bool(run) and gap.strip() in ("", "-")
        if word in _SMALL or word in _TENS or word in _SCALES:
            if not (adjacent and _joins(run[-1], word)):
                values.extend(_run_value(run))
                run = []
            run.append(word)
        elif word == "and" and adjacent and run[-1] in _SCALES:
            run.append(word)
        else:
            values.extend(_run_value(run))
            run = []
        last_end = m.end()
    values.extend(_run_value(run))
    return values


def _joins(previous: str, word: str) -> bool:
    """Whether ``word`` continues a number ("twenty" + "one") rather than starting a new one."""
    if word in _SCALES:
        return True
    if previous in _TENS:
        return 0 < _SMALL.get(word, 0) < 10
    return previous in _SCALES or previous == "and"


def _run_value(run: list[str]) -> list[float]:
    words = [w for w in run if w != "and"]
    if not words:
        return []
    total = current = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return [float(total + current)]


def states_number(
    text: str,
    value: float,
    stated: Sequence[float] | None = None,
    tolerance: tuple[float | None, int | None] = (None, None),
) -> bool:
    """Whether ``text`` states ``value`` (see numbers_stated), within the item's tolerance."""
    stated = numbers_stated(text) if stated is None else stated
    rel, decimals = tolerance
    for v in stated:
        if math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9):
            return True
        if rel is not None and abs(v - value) <= rel * abs(value):
            return True
        if decimals is not None and round(v, decimals) == round(value, decimals):
            return True
    return False


def contains_evidence(text: str, evidence: str) -> bool:
    """Evidence matching: folded whitespace, case, line-break hyphens and quote styles ignored."""
    from ..ingest.corpus import normalize_for_match

    return normalize_for_match(evidence) in normalize_for_match(text)


# ---------------------------------------------------------------------------------------------
# Scoring one answer


@dataclass
class ItemResult:
    """How one item fared under one configuration; ``reasons`` says why it is wrong."""

    id: str
    category: str
    question: str
    answerable: bool
    correct: bool
    abstained: bool
    answer: str
    reasons: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    expected: str = ""
    evidence: str | None = None
    numeric_correct: bool | None = None
    forbidden_stated: list[float] = field(default_factory=list)
    flagged_numbers: list[str] = field(default_factory=list)
    wrong_number: bool = False
    citation_correct: bool | None = None
    cited: list[str] = field(default_factory=list)
    hit_rank: int | None = None
    retrieved: list[str] = field(default_factory=list)
    latency_ms: float | None = None
    error: str | None = None

    @property
    def known_category(self) -> bool:
        return self.category in CATEGORIES


def describe_expected(item: EvalItem) -> str:
    """What an item expects, in words, for failure listings."""
    if not item.answerable:
        return "an abstention (the chapter does not say)"
    parts = []
    if item.expected_numbers:
        parts.append("numbers " + ", ".join(_fmt(v) for v in item.expected_numbers))
    for group in item.expected_any:
        parts.append(" or ".join(repr(alt) for alt in group))
    if item.forbidden_numbers:
        parts.append("none of " + ", ".join(_fmt(v) for v in item.forbidden_numbers))
    return "; ".join(parts) or "any non-abstaining answer"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def score_item(
    item: EvalItem,
    answer: Any,
    retrieved: Sequence[Any],
    passages: Mapping[str, str] | None = None,
) -> ItemResult:
    """Score one Answer (and the passages retrieved for its question) against one item.

    ``passages`` maps passage ids to full passage text so a citation is judged by its whole
    passage; a citation whose passage is unknown is judged by its quote.
    """
    text = answer.answer or ""
    stated = numbers_stated(text)
    reasons: list[str] = []
    missing = [
        v for v in item.expected_numbers if not states_number(text, v, stated, item.tolerance)
    ]
    forbidden = [v for v in item.forbidden_numbers if states_number(text, v, stated)]
    if item.answerable:
        if answer.abstained:
            reasons.append("abstained on an answerable question")
        reasons += [f"does not state {_fmt(v)}" for v in missing]
        lowered = text.lower()
        for group in item.expected_any:
            if not any(alt.lower() in lowered for alt in group):
                reasons.append("mentions none of " + " / ".join(repr(a) for a in group))
        reasons += [f"states forbidden number {_fmt(v)}" for v in forbidden]
    elif not answer.abstained:
        reasons.append("answered a question the chapter cannot answer (expected an abstention)")
    flagged = [
        f"{n.text} ({n.status})"
        for n in answer.numbers
        if n.status in ("contradicted", "unverified") and _shown_as_fact(n, text)
    ]
    numeric = None
    if item.expected_numbers:
        numeric = not answer.abstained and not missing
    citation, cited = _citation_check(item, answer, passages or {}, retrieved)
    return ItemResult(
        id=item.id,
        category=item.category,
        question=item.question,
        answerable=item.answerable,
        correct=not reasons,
        abstained=bool(answer.abstained),
        answer=text,
        reasons=reasons,
        history=list(item.history),
        expected=describe_expected(item),
        evidence=item.evidence,
        numeric_correct=numeric,
        forbidden_stated=forbidden,
        flagged_numbers=flagged,
        wrong_number=bool(forbidden or flagged),
        citation_correct=citation,
        cited=cited,
        hit_rank=_hit_rank(item, retrieved),
        retrieved=[_passage(r).passage_id for r in retrieved],
        latency_ms=(answer.timings_ms or {}).get("total"),
    )


def _shown_as_fact(number: Any, text: str) -> bool:
    """A contradicted/unverified number counts as wrong unless the answer flags it beside it."""
    for m in re.finditer(re.escape(number.text), text):
        window = text[m.end() : m.end() + 40].lower()
        if not re.match(r"\s*[\[(]?\s*(unverified|not verified|contradicted|\?)", window):
            return True
    return False


def _passage(result: Any) -> Any:
    """A SearchResult's passage, or the passage itself."""
    return getattr(result, "passage", result)


def _hit_rank(item: EvalItem, retrieved: Sequence[Any]) -> int | None:
    if not item.evidence:
        return None
    for rank, result in enumerate(retrieved[:MRR_DEPTH], start=1):
        if contains_evidence(_passage(result).text, item.evidence):
            return rank
    return None


def _citation_check(
    item: EvalItem, answer: Any, passages: Mapping[str, str], retrieved: Sequence[Any]
) -> tuple[bool | None, list[str]]:
    cited = [c.passage_id for c in answer.citations]
    if not item.answerable or not item.evidence or answer.abstained or not answer.citations:
        return None, cited
    known = dict(passages)
    known.update({_passage(r).passage_id: _passage(r).text for r in retrieved})
    ok = any(
        contains_evidence(known.get(c.passage_id, c.quote), item.evidence) for c in answer.citations
    )
    return ok, cited
