"""A question's slots, read from its parse, and a follow-up merged into the turn before it.

The slots are where the question names its period ("at the end of FY2012"), the names it is
limited to ("the other region"), and whether it has words of its own beyond them (a measure, a verb, a
question word). A follow-up that names only slots ("and in FY2011?") is the previous question
with those slots replaced: every other word ("total", "at the end") carries over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..ingest.nlp import COUNT_NOUNS, counted_noun, parse
from .asks import TIME_NOUNS

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A period named relative to the turn before: the same one, or one year before it.
YEAR_BEFORE = re.compile(
    r"\b(a|one) year (earlier|before)\b|\b(the )?(previous|prior|preceding) (fiscal )?year\b"
    r"|\bthe year before\b|\blast year\b",
    re.IGNORECASE,
)
SAME_PERIOD = re.compile(r"\b(that|the same|this) (fiscal )?year\b|\bthen\b", re.IGNORECASE)
# Named-entity kinds that limit what a figure is of (a place, a body, a people, a person).
_NAME_KINDS = frozenset(("GPE", "ORG", "LOC", "NORP", "PERSON", "FAC", "EVENT", "LAW", "PRODUCT"))
# Parts of speech that are words of the question's own (its measure, its verb, what it asks).
_CONTENT = frozenset(("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"))

_WH_TAGS = frozenset(("WP", "WDT", "WRB", "WP$"))  # "what", "which", "how": what is asked
Span = tuple[int, int]


@dataclass(frozen=True)
class Slots:
    """Where a question names its period and its names, and what else it says."""

    text: str
    period: Span | None  # the period phrase, "at the end of FY2012"
    years: tuple[Span, ...]  # each year it names, "2012" of "FY2012"
    shift: int | None  # a relative period: 0 for "that year", -1 for "a year earlier"
    names: tuple[tuple[Span, str], ...]  # each name phrase and its kind, "the OECD", ORG
    content: bool  # words of its own beyond period and names: a measure, a verb, "why"
    own_subject: bool  # a noun naming what it asks about (not a period, count or pronoun)
    has_verb: bool
    leads_on: bool  # opens with "and"/"or": it continues the turn before
    refers_back: bool  # a third-person or demonstrative pronoun ("it", "that")

    @property
    def names_only_slots(self) -> bool:
        """It says nothing but a period or a name: the rest is the previous question's."""
        return not self.content and bool(self.years or self.shift is not None or self.names)


def merges_into(previous: Slots, follow: Slots) -> bool:
    """The follow-up can be written as the previous question with slots replaced: it names
    only slots, and a relative period has a year to shift."""
    return follow.names_only_slots and (follow.shift is None or bool(previous.years))


@lru_cache(maxsize=256)  # a conversation's earlier turns are read again at every new turn
def read_slots(text: str) -> Slots:
    """The slots of one question, from its spaCy parse."""
    doc = parse(text)
    relative = _relative_period(text)
    period = _period_span(doc) or (relative[0] if relative else None)
    names = _names(doc, period)
    periods = [s for s in (period, relative[0] if relative else None) if s is not None]
    unnamed = [t for t in doc if not any(a <= t.idx < b for a, b in periods)]
    own = [t for t in unnamed if not any(_inside(t, span) for span, _ in names)]
    return Slots(
        text=text,
        period=period,
        years=tuple((m.start(), m.end()) for m in _YEAR.finditer(text)),
        shift=relative[1] if relative else None,
        names=names,
        content=any(_is_content(t) for t in own),
        own_subject=any(_names_a_subject(t) for t in unnamed),
        has_verb=any(t.pos_ in ("VERB", "AUX") for t in doc),
        leads_on=bool(len(doc)) and doc[0].dep_ == "cc",
        refers_back=any(_refers_back(t) for t in doc),
    )


def is_follow_up(slots: Slots) -> bool:
    """Leans on the turn before: a fragment with no verb ("and the other region?"), a question
    opening with "and", one with no subject of its own ("how did it change?") or one pointing
    back with a pronoun. "What is the audit committee?" names its own subject and stands alone."""
    return not slots.has_verb or slots.leads_on or not slots.own_subject or slots.refers_back


def merged_text(previous: Slots, follow: Slots) -> str:
    """The previous question with the slots the follow-up names replaced (its period shifted by
    a relative one); a slot the previous question lacks is added before its question mark."""
    edits: list[tuple[int, int, str]] = []
    added: list[str] = []
    period = _period_edits(previous, follow)
    if period is None:
        added.append(_span_text(follow, follow.period))
    else:
        edits += period
    for span, kind in follow.names:
        old = _matching_name(previous, kind)
        if old is None:
            added.append(_phrase_of(follow, span))
        else:
            edits.append((*old, follow.text[span[0] : span[1]]))
    text = _apply(previous.text, edits).rstrip().rstrip("?.!").rstrip()
    return " ".join([text, *[a for a in added if a]]) + "?"


def _period_edits(previous: Slots, follow: Slots) -> list[tuple[int, int, str]] | None:
    """Edits that put the follow-up's period in the previous question ([] when it names none;
    None when the previous question has no period to replace)."""
    if follow.shift is not None:
        return [(a, b, str(int(previous.text[a:b]) + follow.shift)) for a, b in previous.years]
    if not follow.years:
        return []
    if not previous.years:
        return None
    new = [follow.text[a:b] for a, b in follow.years]
    if len(new) == len(previous.years) and _bare_years(follow):  # keeps "FY", "at the end of"
        return [(a, b, y) for (a, b), y in zip(previous.years, new, strict=True)]
    if previous.period is None:
        return None
    return [(*previous.period, _span_text(follow, follow.period))]


def _bare_years(slots: Slots) -> bool:
    """Its period is years and prepositions only ("and in FY2011", not "in March 2020")."""
    if slots.period is None:
        return True
    a, b = slots.period
    words = [t for t in parse(slots.text) if a <= t.idx < b and not _YEAR.search(t.text)]
    return all(t.pos_ in ("ADP", "DET", "CCONJ", "PUNCT") for t in words)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _span_text(slots: Slots, span: Span | None) -> str:
    return slots.text[span[0] : span[1]].strip() if span else ""


def _matching_name(previous: Slots, kind: str) -> Span | None:
    """The previous question's name a new one replaces: one of the same kind, else its last."""
    same = [span for span, k in previous.names if k == kind]
    chosen = same or [span for span, _ in previous.names]
    return chosen[-1] if chosen else None


def _phrase_of(slots: Slots, span: Span) -> str:
    """A name with the preposition it is the object of ("from the UK"), to add to a question."""
    doc = parse(slots.text)
    token = next((t for t in doc if _inside(t, span)), None)
    while token is not None and token.head.i != token.i and _inside(token.head, span):
        token = token.head
    if token is not None and token.dep_ == "pobj" and token.head.pos_ == "ADP":
        return slots.text[token.head.idx : span[1]]
    return slots.text[span[0] : span[1]]


def _inside(token: Any, span: Span) -> bool:
    return span[0] <= token.idx < span[1]


def _relative_period(text: str) -> tuple[Span, int] | None:
    """ "a year earlier" (-1) or "that year" (0), with its span."""
    for pattern, shift in ((YEAR_BEFORE, -1), (SAME_PERIOD, 0)):
        m = pattern.search(text)
        if m:
            return (m.start(), m.end()), shift
    return None


def _period_span(doc: Any) -> Span | None:
    """The phrase around the question's first year: the year climbs through the prepositions and
    the nouns that only frame it ("at the end of FY2012"), not into a measure ("of staff in")."""
    year = next((t for t in doc if _YEAR.search(t.text)), None)
    if year is None:
        return None
    top = year
    while top.head.i != top.i and _frames_period(top, top.head):
        top = top.head
    skip = ("cc", "punct")  # not "and", "?"
    tokens = [t for t in top.subtree if t.dep_ not in skip and t.tag_ not in _WH_TAGS]
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _frames_period(token: Any, head: Any) -> bool:
    """The head frames the period its dependent is in: the preposition a period is the object
    of, a date's month ("September 2013"), or a noun with no words of its own that a preposition
    other than "of" governs ("the end" of "at the end of")."""
    if token.dep_ == "pobj":
        return head.pos_ == "ADP"
    if token.dep_ in ("nummod", "compound"):
        return head.ent_type_ == "DATE"
    if token.dep_ != "prep" or head.pos_ != "NOUN" or head.dep_ != "pobj":
        return False
    own = [c for c in head.children if c.dep_ not in ("det", "prep", "nummod", "amod")]
    return head.head.lower_ != "of" and not own


def _names(doc: Any, period: Span | None) -> tuple[tuple[Span, str], ...]:
    """Each named entity outside the period, widened to its noun phrase ("the European Commission")."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in _NAME_KINDS or (period and period[0] <= ent.start_char < period[1]):
            continue
        chunk = next((c for c in doc.noun_chunks if c.start <= ent.start < c.end), None)
        start = chunk.start if chunk is not None else ent.start
        tokens = [t for t in doc[start : ent.end] if t.dep_ not in ("cc", "punct")]
        tokens = [t for t in tokens if t.tag_ not in _WH_TAGS]  # "how many" is no part of a name
        if tokens:
            out.append(((tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)), ent.label_))
    return tuple(out)


def _is_content(token: Any) -> bool:
    """A word of the question's own: a measure, a verb, an adverb, or "how"/"why"."""
    if token.lemma_.lower() in COUNT_NOUNS and counted_noun(token) is None:
        return False  # "the number" alone: the previous question's measure
    if token.pos_ in _CONTENT and (not token.is_stop or token.morph.get("Degree") == ["Cmp"]):
        return True  # "more", "less" compare: they are words of its own
    return token.tag_ == "WRB"  # "why?", "how?": what is asked changes


def _names_a_subject(token: Any) -> bool:
    """A noun that says what the question is about ("the committee", "employees"): not a period, a time
    unit, or a bare count ("the number")."""
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in ("DATE", "TIME"):
        return False
    lemma = token.lemma_.lower()
    return lemma not in TIME_NOUNS and lemma not in COUNT_NOUNS and not _YEAR.search(token.text)


def _refers_back(token: Any) -> bool:
    """ "it", "they", "that" standing for something named before (not "what", "who")."""
    if token.pos_ != "PRON":
        return False
    kind = token.morph.get("PronType")
    return ("Prs" in kind and "3" in token.morph.get("Person")) or "Dem" in kind
