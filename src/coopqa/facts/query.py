"""What a question asks of the fact table: periods, kind, unit, direction and operation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..ingest.glossary import active
from ..params import fitted
from .derive import _DIFFERENCE, _scope_fy
from .model import _CHANGE_RE, Fact
from .numbers import MONTHS, TIME_KINDS, NumberMention, find_numbers
from .units import unit_class

if TYPE_CHECKING:
    pass

_STOP = frozenset(
    """a an the of in on at to for and or by from with as is are was were be been being has have
    had do does did how many much what which who whom when where why that this these those there
    their its it they them he she his her per than then so such into about over any all
    number numbers chapter report say said tell me please fy end etc""".split()
)
# "Over the years" (cumulative totals) and "across programmes" (sums over subjects) are asked apart.
_OVER_TIME_RE = re.compile(
    r"\b(?:in total|cumulative\w*|in all|so far|ever|since|overall|to date|all years|altogether)\b"
    r"|\btotal of\b|\bfrom fy ?\d{4} to\b|\ball[- ]time\b|\b(?:whole|entire) history\b|\balumni\b",
    re.I,
)
# Words that ask for a total over the years even when a single year is named ("since", "all-time");
# "in total" / "altogether" next to one fiscal year ask for the total across programmes instead.
_STRONG_OVER_TIME_RE = re.compile(
    r"\b(?:cumulative\w*|so far|ever|since|to date|all years|all[- ]time|alumni|history)\b", re.I
)
_ACROSS_RE = re.compile(
    r"\b(?:together|combined|altogether|all (?:three|two|four)|both|sum|in total|in all"
    r"|between them|adding up|add up|counting (?:both|those))\b|\bthe (?:two|three|four) \w+s\b",
    re.I,
)
# Across subjects whatever else the question says ("in total" alone may mean over the years).
_EXPLICIT_ACROSS_RE = re.compile(
    r"\b(?:together|combined|both|sum|between them|adding up|add up|counting (?:both|those)"
    r"|all (?:two|three|four))\b|\bthe (?:two|three|four) \w+s\b",
    re.I,
)
_DURATION_Q = re.compile(
    r"\bhow long\b|\bduration\b|\blength\b|\bhow many (?:days|weeks|months|years)\b", re.I
)
_TIME_Q = re.compile(
    r"\bwhen\b|\bwhat (?:year|month|date|fiscal year)\b|\bwhich (?:year|fiscal year)\b"
    r"|\bsince when\b|\bin what year\b|\bin which (?:fiscal )?year\b",
    re.I,
)
_COUNT_Q = re.compile(
    r"\bhow many\b|\bnumber of\b|\bhow much\b|\bcount\b|\bhow (?:big|large)\b|\bwhat size\b", re.I
)
_ORDINAL_Q = re.compile(
    r"\bwhich (?:number|edition|round|cohort|intake)\b|\bwhat number\b|\bnumbered\b", re.I
)
_FIGURE_RE = re.compile(r"\bFigures?\s+\d+(?:\s*(?:,|and)\s*\d+)*")
_BREAKDOWN_RE = re.compile(
    r"\b(?:by|per|for each|each|broken down by|breakdown by|split by)\s+"
    r"(organi[sz]ations?|areas?|regions?|countr(?:y|ies)|ministr(?:y|ies)|agenc(?:y|ies)|gender|sex|"
    r"age|nationalit(?:y|ies)|destinations?|posts?|positions?|grades?)\b"
    r"|\bbreakdown\b|\bbroken down\b"
    r"|\bwhich (?:\d+ |\w+ )?(?:countries|organi[sz]ations|ministr(?:y|ies)|agencies)\b"
    r"|\b(?:women|men|female|male)\b",
    re.I,
)
# A breakdown is only "not stated" when a quantity's parts are asked for, not for "which countries
# does the NPA work with": a count question, a stated number ("the 9 participants"), or "come from".
_PART_OF_QUANTITY = re.compile(
    r"\bhow many\b|\bnumber of\b|\b(?!(?:19|20)\d\d\b)\d+\b|\b(?:came|come|comes|were|was) from\b",
    re.I,
)
# "How many of the 424 ..." asks for a part of a stated total.
_PART_OF_TOTAL = re.compile(r"\bhow many of (?:the|those|these|its|their|them)\b", re.I)
# "stationed in Asia", "working at the United Nations": a destination the text does not break down.
_PLACE_VERBS = (
    r"stationed|work|works|working|based|serve|serves|serving|employed|placed|assigned|posted"
)


def named_place() -> re.Pattern[str]:
    glossary = active()
    return _named_place(glossary.extra("named_place_verbs"), glossary.patterns.get("home", ""))


@lru_cache(maxsize=8)
def _named_place(extra: str, home: str) -> re.Pattern[str]:
    """ "stationed in Asia": a destination (not the home country, not a month) by name."""
    not_a_place = "|".join([*MONTHS, *([home] if home else [])])
    return re.compile(
        rf"\b(?:{_PLACE_VERBS}{extra}) "
        rf"(?:at|in|with|to|for) (?:the )?(?!{not_a_place})[A-Z][a-z][\w-]*"
        r"(?:\s+(?:of\s+)?[A-Z][\w-]*)*"
    )


# "Which figure shows ..." / "where can I find ..." ask where the text points, not for a figure.
_WHERE_Q = re.compile(
    r"\b(?:which|what) (?:figures?|tables?|charts?)\b|\bfigure number\b"
    r"|\bwhere (?:can|could|do|does|is|are|would)\b",
    re.I,
)
# Normalised spellings of periods, so that find_numbers and the rules below see one form.
_QUESTION_REWRITES = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\b(?:the )?(\d{4}) fiscal year\b", r"FY\1"),
        (r"\bfiscal (?:year )?(\d{4})\b", r"FY\1"),
        (r"\bFY\s+(\d{4})\b", r"FY\1"),
        (r"\b(?:when|as) (FY\d{4}) (?:closed|ended|came to an end|drew to a close)\b",
         r"at the end of \1"),
        (r"\b(?:the )?(?:close|closing|conclusion) of (?:the )?(FY\d{4})\b", r"the end of \1"),
        (r"\b(FY\d{4})[- ](?:year[- ])?end\b", r"the end of \1"),
        (r"\byear[- ]end (?:of )?(FY\d{4})\b", r"the end of \1"),
        (r"\bbetween (FY\d{4}) and (FY\d{4})\b", r"from \1 to \2"),
        (r"\bfortnight(?:-long|ly)?\b", "two-week"),
    )
)  # fmt: skip


def normalize_question(text: str) -> str:
    """One spelling for fiscal periods ("fiscal 2012", "the 2012 fiscal year" -> FY2012; "when
    fiscal 2012 closed" -> "at the end of FY2012"; "between FYa and FYb" -> "from FYa to FYb")."""
    for pattern, replacement in _QUESTION_REWRITES:
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str) -> list[str]:
    """Content words, canonicalised through the synonym table and a light stemmer."""
    glossary = active()
    text = text.lower().replace("’", "'")
    for pattern, replacement in glossary.phrase_patterns:
        text = pattern.sub(replacement, text)
    out = []
    for whole in re.findall(r"[a-z][a-z'-]*", text):
        whole = whole.strip("'-").removesuffix("'s")
        negated = whole.startswith("non-")  # "non-current" does not say "current"
        parts = whole.split("-") if "-" in whole and not negated else []
        for word in (whole, *parts):  # "two-week" is a word, and so are "two" and "week"
            if not word or word in _STOP or word in glossary.ignore or len(word) < 2:
                continue
            word = glossary.words.get(word, word)
            out.append(_stem(word))
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word.removesuffix("e") if len(word) > 4 else word


# Where a time mention sits in the question: what the question asks about, a comparison base
# ("compared with FY2011"), a period left out ("excluding FY2013"), or the bounds of a span.
_BASE_BEFORE = re.compile(
    r"(?:compared (?:with|to)|than(?: (?:in|at|for|that (?:in|at|of)))?|relative to|versus|vs\.?"
    r"|over|from(?: that (?:in|at|of))?)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_EXCLUDE_BEFORE = re.compile(
    r"(?:excluding|except(?: for)?|not counting|other than|without|leaving out|apart from|"
    r"setting aside|leaving aside|ignoring)\s+(?:the\s+)?$",
    re.I,
)
_BEFORE_BEFORE = re.compile(r"\b(?:before|prior to|until before|ahead of)\s+(?:the\s+)?$", re.I)
_UNTIL_BEFORE = re.compile(
    r"\b(?:up to|up until|through|until|till)\s+(?:and including\s+)?(?:the\s+)?"
    r"(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_SINCE_BEFORE = re.compile(
    r"\b(?:since|from|starting (?:in|from)|(?:start(?:ed)?|began|begun|launched|first held) in)"
    r"\s+(?:the\s+)?$",
    re.I,
)
_YEAR_EARLIER = re.compile(
    r"\b(?:(?:a|one) (?:fiscal )?year (?:earlier|before|previously|prior)|the (?:fiscal )?year "
    r"before|the (?:previous|prior|preceding) (?:fiscal )?year|the year prior)\b",
    re.I,
)
_EARLIER_THAN = re.compile(
    r"\b(?:a|one) (?:fiscal )?year (?:earlier|before|prior) (?:than|to)\s+(?:the\s+)?"
    r"(?:end\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_COMPARE_BEFORE = re.compile(
    r"(?:than|compared (?:with|to)|relative to|versus|vs\.?|from|over)\s+$", re.I
)


@dataclass(frozen=True)
class QuestionTimes:
    """The periods a question (or sentence) names, as (kind, year) with an "end of" flag, plus
    comparison bases, excluded periods and the bounds of an asked span (all as years)."""

    mentions: tuple[NumberMention, ...]
    base: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()
    start: int | None = None
    end: int | None = None
    shift: int = 0

    @property
    def asked(self) -> tuple[NumberMention, ...]:
        skip = self.base | self.excluded
        return tuple(m for m in self.mentions if int(m.value) not in skip)

    @property
    def years(self) -> frozenset[int]:
        return frozenset(int(m.value) + self.shift for m in self.asked)

    @property
    def months(self) -> frozenset[tuple[int, int]]:
        return frozenset((int(m.value), m.month) for m in self.asked if m.month)

    @property
    def end_of(self) -> bool:
        return any(m.position == "end" for m in self.asked)

    @property
    def is_range(self) -> bool:
        return any(m.note for m in self.mentions)

    @property
    def spans(self) -> bool:
        """Whether the question asks about a span of years (a range, "since", "before", "excluding")."""
        return self.is_range or self.start is not None or self.end is not None

    def describe(self) -> str:
        if self.is_range:
            return " to ".join(m.text for m in self.mentions if m.note)
        if self.shift:
            prefix = "the end of " if self.end_of else ""
            return ", ".join(f"{prefix}FY{y}" for y in sorted(self.years))
        return ", ".join(
            ("the end of " if m.position == "end" else "") + m.text for m in self.asked
        )


def question_times(text: str) -> QuestionTimes:
    """The question's periods, each sorted into asked / comparison base / excluded / span bound."""
    mentions = tuple(m for m in find_numbers(text) if m.is_time)
    base, excluded, start, end = set(), set(), None, None
    for m in mentions:
        before, year = text[max(0, m.start - 40) : m.start], int(m.value)
        if m.note:  # "from FY1999 to FY2013"
            if start is None:
                start = year
            else:
                end = year
        elif _EXCLUDE_BEFORE.search(before):
            excluded.add(year)
            end = year - 1 if end is None else end
        elif _BEFORE_BEFORE.search(before):
            excluded.add(year)
            end = year - 1
        elif _SINCE_BEFORE.search(before) and not _BASE_BEFORE.search(before):
            start = year
        elif _BASE_BEFORE.search(before):
            base.add(year)
        elif _UNTIL_BEFORE.search(before) and m.kind == "fiscal_year":
            end = year
    shift = 0
    for m in mentions:  # "a year earlier than FY2012" names FY2011, it compares with nothing
        before = text[max(0, m.start - 60) : m.start]
        if int(m.value) in base and _EARLIER_THAN.search(before):
            base.discard(int(m.value))
            shift = -1
    for rel in _YEAR_EARLIER.finditer(text if not shift else ""):
        asked = [int(m.value) for m in mentions if int(m.value) not in base | excluded]
        if _COMPARE_BEFORE.search(text[max(0, rel.start() - 20) : rel.start()]):
            base |= {y - 1 for y in asked}
        elif asked:
            shift = -1
    return QuestionTimes(mentions, frozenset(base), frozenset(excluded), start, end, shift)


_OUT_WORDS = r"send|sends|sending|went|go|goes|going|gone|travel+ed"
_IN_WORDS = (
    r"accept\w*|receiv\w*|came|come|comes|coming|visit\w*|host(?:ed|s)?|invit\w*|welcom\w*|arriv\w*"
)


@lru_cache(maxsize=16)
def _words_re(words: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{words})\b", re.I)


_REVERSE_RE = re.compile(
    r"\b(?:the other way|the opposite (?:way|direction)|in return|the reverse|conversely)\b", re.I
)
_HOMECOMING_RE = re.compile(r"\b(?:came|come|coming|went|go|going) (?:back|home)\b", re.I)


def _direction(text: str) -> str:
    """ "out" (Japan sends, dispatches), "in" (Japan accepts, receives) or "" for a text."""
    text = _HOMECOMING_RE.sub(" ", text)
    glossary = active()
    outs = len(_words_re(_OUT_WORDS + glossary.extra("moving_out")).findall(text))
    ins = len(_words_re(_IN_WORDS + glossary.extra("moving_in")).findall(text))
    return "out" if outs > ins else "in" if ins > outs else ""


def question_direction(question: str) -> str:
    """Which way people move in the question; "the other way" flips the rest of the question."""
    reverse = _REVERSE_RE.search(question)
    if not reverse:
        return _direction(question)
    clauses = re.split(r"[—–;?.!]+|\s-\s", question)
    rest = " ".join(c for c in clauses if not _REVERSE_RE.search(c))
    return {"out": "in", "in": "out"}.get(_direction(rest), "")


def fact_direction(fact: Fact) -> str:
    """Which way the counted people moved, from the measure ("dispatched to Korea" -> out)."""
    measure = fact.measure.lower()
    out = bool(_words_re("send|sends" + active().extra("fact_out")).search(measure))
    into = bool(re.search(r"\b(?:accepted|received|visited|invited)\b", measure))
    return "" if out == into else "out" if out else "in"


# A count the question itself states ("the 424 dispatched personnel") points at the fact holding it.
ANCHOR = fitted("anchor")
_COMPARE_Q = re.compile(r"\b(?:more|fewer|less|difference|gap|than|exceed\w*|outnumber\w*)\b", re.I)
_PERSON_Q = re.compile(
    r"\b(?:headcount|head count|attendance|audience|turnout|alumni|how (?:big|large))\b", re.I
)


@dataclass(frozen=True)
class _Query:
    """Everything lookup and not_stated read off one question, computed once."""

    text: str
    times: QuestionTimes
    wanted: str
    over_time: bool
    across: bool
    unit: str
    operation: bool
    direction: str
    compare: bool = False
    numbers: frozenset[float] = frozenset()


def _parse(question: str) -> _Query:
    text = normalize_question(question)
    times = question_times(text)
    strong = bool(_STRONG_OVER_TIME_RE.search(text))
    weak = bool(_OVER_TIME_RE.search(text))
    single_year = bool(times.years) and not times.spans
    over_time = strong or times.spans or (weak and not single_year)
    across = bool(_ACROSS_RE.search(text)) and not (strong and not _EXPLICIT_ACROSS_RE.search(text))
    numbers = frozenset(m.value for m in find_numbers(text) if m.kind == "count")
    return _Query(
        text=text,
        times=times,
        wanted=wanted_kind(text),
        over_time=over_time,
        across=across,
        unit=_asked_unit(text) or ("person" if _PERSON_Q.search(text) else ""),
        operation=bool(OPERATION_RE.search(text)),
        direction=question_direction(text),
        compare=bool(_COMPARE_Q.search(text)),
        numbers=numbers,
    )


# not_stated stays silent when a fact scoring this share of the best one has the asked period.
NEAR_BEST = fitted("near_best")
HAS_PERIOD = fitted(
    "has_period"
)  # a period factor this high means the fact is about the asked period


def wanted_kind(question: str) -> str:
    """What the question asks for first: a duration, a time, an ordinal or a count ("" = text)."""
    found = [
        (m.start(), kind)
        for kind, pattern in (
            ("duration", _DURATION_Q),
            ("time", _TIME_Q),
            ("ordinal", _ORDINAL_Q),
            ("count", _COUNT_Q),
        )  # fmt: skip
        for m in [pattern.search(question)]
        if m
    ]
    if not found:
        return ""
    first = min(found)[0]
    # "how many years" is a duration, not a count, though both patterns start there
    return min(found, key=lambda p: (p[0] != first, p[1] != "duration"))[1]


OPERATION_RE = re.compile(
    r"\b(?:minus|net|difference|more than|fewer than|less than|plus|combined|together|total|"
    r"in all|before|prior|excluding|increase|decrease|change|rise|fall|drop|grow|grew|previous|"
    r"year before|altogether|since|how many years|how long has|more or less|how many more|"
    r"how many fewer|between them|compared|expire|run out|runs out|after)\b",
    re.I,
)
_ASKED_UNIT_RE = re.compile(r"\b(?:how many|number of)((?:\s+[\w-]+){1,4})", re.I)


def _asked_unit(question: str) -> str:
    """The unit class a "how many X" question asks for ("person", "country", ...), or ""."""
    for m in _ASKED_UNIT_RE.finditer(question):
        for word in m.group(1).split():
            cls = unit_class(word.lower())
            if cls:
                return cls
    return ""


def _unit_factor(fact: Fact, unit: str) -> float:
    if not unit or fact.kind != "count":
        return 1.0
    return 1.0 if unit_class(fact.unit.lower()) == unit else 0.6


def _direction_factor(fact_dir: str, asked: str) -> float:
    """People sent from Japan do not answer a question about people Japan received, and back."""
    return 0.55 if fact_dir and asked and fact_dir != asked else 1.0


def _operation_factor(fact: Fact, operation: bool) -> float:
    """Changes and derived facts answer questions that ask for a change, a total or a difference."""
    if operation or not (fact.derived or _CHANGE_RE.match(fact.measure)):
        return 1.0
    return 0.85


def _kind_factor(fact: Fact, wanted: str) -> float:
    if not wanted:
        return 1.0
    kind = "time" if fact.kind in TIME_KINDS else fact.kind
    return 1.0 if kind == wanted else 0.5


def over_time_words(question: str) -> bool:
    return bool(_OVER_TIME_RE.search(question)) or question_times(question).is_range


def _compare_factor(fact: Fact, compare: bool) -> float:
    """A difference between two subjects answers only a question that compares ("how many more")."""
    return 1.0 if compare or not fact.measure.endswith(_DIFFERENCE) else 0.6


def _aggregate_factor(fact: Fact, over_time: bool, across: bool) -> float:
    """Cumulative totals answer "since / in total" questions; sums over subjects answer "together"."""
    summed = fact.derived and ("together" in fact.subject or " plus " in fact.measure)
    factor = 1.0
    if fact.cumulative != over_time:
        factor *= 0.75
    if summed != across:
        factor *= 0.7 if summed else 0.9
    return factor


def _period_factor(fact: Fact, times: QuestionTimes, over_time: bool = False) -> float:
    """How well the fact's period fits the periods a question names: 1.0 same, 0.35 none.

    A cumulative total "FY1999-FY2013" answers "in total / since / from ... to" questions, not
    "in FY2012"; a span's end picks the total ("before FY2013" -> the one up to FY2012); a change
    answers a question with a comparison base ("compared with FY2011") when its scope holds it.
    """
    years = times.years
    if not times.mentions:
        return 1.0
    if fact.kind in TIME_KINDS and (fact.value in years or years & fact.scope_years):
        return 1.0
    if times.base and _CHANGE_RE.match(fact.measure):
        if times.base & fact.scope_years:
            return 1.0 if not years or years & fact.period_years else 0.5
        return 0.5
    if times.base and not years:  # "how much did it grow compared with FY2011": not a level
        return 0.6 if fact.period_years & times.base else 0.75
    if fact.cumulative:
        span = _scope_fy(fact)
        if times.end is not None or times.start is not None:
            if span is None:
                return 0.35
            end_ok = times.end is None or span[1] == times.end
            start_ok = times.start is None or span[0] == times.start
            return 1.0 if end_ok and start_ok else 0.6 if end_ok else 0.35
        if years & (fact.period_years | fact.scope_years):
            return 1.0 if over_time else 0.5
        return 0.35 if years else 0.9
    if not years:
        return 0.5 if times.spans else 0.9
    if years & fact.period_years:
        if times.is_range or times.start is not None or times.excluded:
            return 0.7
        factor = 1.0 if times.end_of == fact.at_period_end else 0.75
        fact_months = {(int(m.value), m.month) for m in fact.period_mentions if m.month}
        if times.months and fact_months and not times.months & fact_months:
            factor *= 0.7
        return factor
    if years & fact.scope_years:
        return 0.6
    return 0.35


# ----------------------------------------------------------------------------- output
