"""Offline follow-up resolution: "And since it started?" borrows the topic of the previous turn.

Two rewrites: one for retrieval (the question plus the earlier question, whose time frame yields to
the new one), and one for the fact lookup, where the earlier turn lends only its subject and period
so that the new question's own measure ("came back", "countries") decides which fact is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .text import tokenize

_FOLLOW_UP_START = re.compile(r"^(and|also|what about|how about|then|so|but|or)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there|then)\b", re.I)
_TIME = re.compile(
    r"\b(in |at the end of |by the end of |as of |the end of |end of )?"
    r"(FY\s?\d{4}|fiscal( year)? \d{4}|(19|20)\d\d)\b"
    r"|\b(since|started|start|began|total|cumulative|so far|ever|all time|history)\b",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b((?:the )?end of )?(FY\s?(?:19|20)\d\d|fiscal (?:year )?(?:19|20)\d\d)\b", re.IGNORECASE
)
_SAME_PERIOD = re.compile(r"\b(that|the same|this) (fiscal )?year\b|\bthen\b", re.IGNORECASE)
_YEAR_BEFORE = re.compile(
    r"\b(a|one) year (earlier|before)\b|\b(the )?(previous|prior|preceding) (fiscal )?year\b"
    r"|\bthe year before\b|\blast year\b",
    re.IGNORECASE,
)
_OWN_MEASURE_STOP = frozenset(
    "and what about how many much long when it its they them their that this those these there "
    "then so also year earlier previous prior before same since start started began total "
    "cumulative far ever all time history".split()
)


@dataclass(frozen=True)
class Resolved:
    search: str  # for retrieval
    facts: str  # for the fact lookup


CONTEXT_MARK = " — "  # a resolved follow-up: its own words, the mark, the earlier question


def own_words(resolved: str) -> str:
    """The words of a (resolved) question before the earlier question it borrowed from: what a
    rule about the asker's own wording reads ("the other way" is not the earlier "to X")."""
    return resolved.split(CONTEXT_MARK, 1)[0]


def previous_question(history: list[dict[str, str]]) -> str | None:
    return next((t["content"] for t in reversed(history) if t["role"] == "user"), None)


def is_follow_up(question: str, history: list[dict[str, str]]) -> bool:
    if previous_question(history) is None:
        return False
    words = [w for w in tokenize(question) if not re.fullmatch(r"(fy)?\d+", w)]
    return (
        bool(_FOLLOW_UP_START.search(question))
        or len(words) <= 1
        or (len(words) <= 8 and bool(_PRONOUN.search(question)))
        or bool(_YEAR_BEFORE.search(question) or _SAME_PERIOD.search(question))
    )


def shift_period(period: str, years: int) -> str:
    """ "end of FY2012" shifted by -1 gives "end of FY2011"."""
    return re.sub(r"(?:19|20)\d\d", lambda m: str(int(m.group(0)) + years), period, count=1)


def resolve(
    question: str,
    history: list[dict[str, str]],
    subject_of: Callable[[str], str | None] = lambda _q: None,
) -> Resolved:
    """Self-contained rewrites of a follow-up; a question that stands alone comes back as is."""
    if not is_follow_up(question, history):
        return Resolved(question, question)
    previous = previous_question(history) or ""
    own_time = bool(_TIME.search(question))
    period_match = _PERIOD.search(previous)
    period = period_match.group(0) if period_match else ""
    if period and _YEAR_BEFORE.search(question):
        period = shift_period(period, -1)
    context = _TIME.sub(" ", previous) if own_time or _YEAR_BEFORE.search(question) else previous
    context = " ".join(context.split()).rstrip("?.! ")
    base = _YEAR_BEFORE.sub(" ", _SAME_PERIOD.sub(" ", question)).rstrip("?.! ")
    base = " ".join(base.split())
    when = ""
    if period and not own_time:
        bare = re.sub(r"^(the )?end of ", "", period, flags=re.IGNORECASE)
        when = f" at the end of {bare}" if bare != period else f" in {period}"
    search = f"{base}{when}{CONTEXT_MARK}{context}?"
    own_measure = [w for w in tokenize(question) if w not in _OWN_MEASURE_STOP]
    subject = subject_of(previous)
    if own_measure and subject:
        facts = f"{base}{when} ({subject})?"
    else:
        facts = search
    return Resolved(search, facts)
