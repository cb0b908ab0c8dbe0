"""Offline follow-up resolution: a follow-up's reading merged into the previous turn's.

"and in FY2011?" names only a slot (a period, a name), so it is the previous question with that
slot replaced: every other word ("total", "at the end") carries over. A follow-up with words of
its own ("And since it started?") keeps them, with the period it leans on made concrete, and the
previous question after it for retrieval; for the fact lookup, the earlier turn lends only its
subject and period so that the new question's own measure decides which fact is asked for. A
question that names its own subject ("What is the audit committee?") is no follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..ingest.text import tokenize
from . import slots as slot_reading
from .slots import SAME_PERIOD, YEAR_BEFORE, Slots, merged_text, merges_into, read_slots

_TIME = re.compile(
    r"\b(in |at the end of |by the end of |as of |the end of |end of )?"
    r"(FY\s?\d{4}|fiscal( year)? \d{4}|(19|20)\d\d)\b"
    r"|\b(since|started|start|began|total|cumulative|so far|ever|all time|history)\b",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b((?:the )?end of )?(FY\s?(?:19|20)\d\d|fiscal (?:year )?(?:19|20)\d\d)\b", re.IGNORECASE
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
    """Leans on an earlier turn (see ``answer.slots.is_follow_up``); never the first question."""
    if previous_question(history) is None:
        return False
    return slot_reading.is_follow_up(read_slots(question))


def previous_reading(history: list[dict[str, str]]) -> Slots | None:
    """The previous turn's slots as it was resolved: each earlier follow-up merged in turn (a
    turn already resolved with its context is taken as it is)."""
    reading: Slots | None = None
    for turn in (t["content"] for t in history if t["role"] == "user"):
        leans = reading is not None and CONTEXT_MARK not in turn
        if leans and slot_reading.is_follow_up(read_slots(turn)):
            turn = _against(reading, turn, lambda _q: None).search
        reading = read_slots(turn)
    return reading


def _merged(previous: Slots, follow: Slots) -> str | None:
    """The previous question with the follow-up's slots in it, when it names only slots."""
    return merged_text(previous, follow) if merges_into(previous, follow) else None


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
    previous = previous_reading(history)
    assert previous is not None  # a follow-up has an earlier turn
    return _against(previous, question, subject_of)


def _against(previous: Slots, question: str, subject_of: Callable[[str], str | None]) -> Resolved:
    """A follow-up resolved against the previous turn's reading."""
    merged = _merged(previous, read_slots(question))
    if merged is not None:  # "and in FY2011?": the previous question, its period replaced
        return Resolved(merged, merged)
    return _leaning(question, previous.text, subject_of)


def _own_and_period(question: str, previous: str) -> tuple[str, str]:
    """(own words with the borrowed period, the previous question less the periods the
    follow-up replaces)."""
    own_time = bool(_TIME.search(question))
    period_match = _PERIOD.search(previous)
    period = period_match.group(0) if period_match else ""
    if period and YEAR_BEFORE.search(question):
        period = shift_period(period, -1)
    context = _TIME.sub(" ", previous) if own_time or YEAR_BEFORE.search(question) else previous
    context = " ".join(context.split()).rstrip("?.! ")
    base = YEAR_BEFORE.sub(" ", SAME_PERIOD.sub(" ", question)).rstrip("?.! ")
    base = " ".join(base.split())
    when = ""
    if period and not own_time:
        bare = re.sub(r"^(the )?end of ", "", period, flags=re.IGNORECASE)
        when = f" at the end of {bare}" if bare != period else f" in {period}"
    return f"{base}{when}", context


def _leaning(question: str, previous: str, subject_of: Callable[[str], str | None]) -> Resolved:
    """A follow-up with words of its own: those words and the borrowed period, then the
    previous question for retrieval; with the previous subject for the fact lookup."""
    own, context = _own_and_period(question, previous)
    search = f"{own}{CONTEXT_MARK}{context}?"
    own_measure = [w for w in tokenize(question) if w not in _OWN_MEASURE_STOP]
    subject = subject_of(previous)
    facts = f"{own} ({subject})?" if own_measure and subject else search
    return Resolved(search, facts)
