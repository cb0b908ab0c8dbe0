"""Find the numbers in a text: counts, number words, durations, ordinals, dates and (fiscal) years.

Every mention keeps its exact span, its kind and its qualifier ("over 120", "about two months"),
so the verifier can compare like with like: a fiscal year is never compared with a head count, and
structural labels ("Chapter 8", "Figure 27", "(1)") are found but marked ``kind="label"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

KINDS = ("count", "fiscal_year", "year", "date", "duration", "ordinal", "label")
TIME_KINDS = frozenset({"fiscal_year", "year", "date"})

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD_VALUES = {w: i for i, w in enumerate(_ONES)} | {
    w: 10 * i for i, w in enumerate(_TENS) if w != "_"
}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_INDEX = {m.lower(): i + 1 for i, m in enumerate(MONTHS)} | {
    m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)
}
SEASONS = ("spring", "summer", "autumn", "fall", "winter")

# Nouns that name what a count counts; the first of these after a number is its unit.
UNIT_NOUNS = frozenset(
    """persons person people personnel staff officials official employees employee countries
    country regions nations agencies agency organizations organisations fellows fellow visitors
    participants trainees delegates members parts part consultations consultation sessions
    times cases
    ministries executives attendees panelists candidates students groups""".split()
)
_DURATION_UNITS = ("day", "week", "month", "year", "hour")

_WORD = r"(?:" + "|".join(sorted(list(_WORD_VALUES) + list(_SCALES), key=len, reverse=True)) + r")"
_NUMBER_WORDS_RE = re.compile(
    rf"\b{_WORD}(?:(?:-|\s+|\s+and\s+){_WORD})*\b(?!-(?!(?:{'|'.join(_DURATION_UNITS)})))",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|,\d)")
_FY_RE = re.compile(r"\b(?:FY|[Ff]iscal\s+(?:[Yy]ear\s+)?)\s?(\d{4})\b")
# A year split across two calendars ("2018/19", "2018/2019", "FY2017-18"), named by its end.
SPLIT_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*/\s*((?:19|20)?\d\d)\b")
_SPLIT_YEAR_RE = re.compile(
    r"\b(?:FY\s?|[Ff]iscal\s+(?:[Yy]ear\s+)?)?((?:19|20)\d\d)(?:\s*/\s*((?:19|20)?\d\d)|-(\d\d))\b(?!-)"
)
_MONTH_NAMES = "|".join(MONTHS + [m[:3] + r"\." for m in MONTHS] + [m[:3] for m in MONTHS])
_DATE_RE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+)?({_MONTH_NAMES})\s+(?:(\d{{1,2}}),\s*)?(?:of\s+)?(\d{{4}})\b"
)
_SEASON_RE = re.compile(rf"\b({'|'.join(SEASONS)})\s+(?:of\s+)?(\d{{4}})\b", re.IGNORECASE)
_ORDINAL_DIGITS_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ORDINAL_WORDS_RE = re.compile(
    rf"\b(?:the|its|their|a)\s+((?:{'|'.join(t for t in _TENS if t != '_')})-)?"
    rf"({'|'.join(_ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)
# Every mention needs a digit or one of these words: a text with neither holds no number, nor
# does any part of it (a cheap test that spares splitting such a text into sentences).
_NUMBER_HINT_RE = re.compile(
    r"\d|" + "|".join(sorted([*_WORD_VALUES, *_SCALES, *_ORDINAL_WORDS], key=len, reverse=True)),
    re.IGNORECASE,
)
_LABEL_RE = re.compile(
    r"\b(?:Chapter|Section|Article|Paragraph|Part|Annex|Appendix|Table|Figure|Fig\.|Chart|Box|"
    r"No\.|Item|Page|pp?\.)s?\s*\d+(?:\s*(?:,|and|&|or|to|–|-)\s*\d+)*",
    re.IGNORECASE,
)
_LIST_MARKER_RE = re.compile(r"\(\d{1,2}\)|(?m:^[ \t]*\d{1,2}\.(?=[ \t]+\S))")
_QUALIFIERS = (
    ("over", r"(?:over|more\s+than|above|exceeding|in\s+excess\s+of)"),
    ("about", r"(?:about|approximately|around|roughly|some|nearly|almost|approx\.)"),
    ("under", r"(?:under|less\s+than|fewer\s+than|below)"),
    ("at_least", r"(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than)"),
    ("at_most", r"(?:at\s+most|up\s+to|no\s+more\s+than)"),
)
_QUALIFIER_RES = tuple(
    (name, re.compile(rf"\b{pattern}\s+(?:a\s+total\s+of\s+)?$", re.IGNORECASE))
    for name, pattern in _QUALIFIERS
)
_DURATION_AFTER = re.compile(
    rf"^(?:-|\s+)(?:calendar\s+|fiscal\s+)?({'|'.join(_DURATION_UNITS)})s?\b", re.IGNORECASE
)
# "2017 year-on-year", "2019 year-end": a calendar year before a phrase built on "year".
_YEAR_PHRASE = re.compile(r"\s+year(?:-on-year|-over-year|-end|\s+end(?:ed)?\b)", re.IGNORECASE)
_PRONOUN_ONE_NEXT = re.compile(r"^(?:\s+(?:of|is|was|another|who|which|that)\b|\s*[^\w\s-]|\s*$)")
_PRONOUN_ONE_PREV = re.compile(r"\b(?:the|this|that|no|any|each|every|which|no)\s+$", re.I)
_RANGE_BETWEEN = re.compile(
    r"^(?:\s*(?:to|through|until|till|–|—|-)|,[^.;]{0,60},\s*to)\s*(?:the\s+end\s+of\s+)?$"
)


@dataclass(frozen=True)
class NumberMention:
    """One number in a text, with its exact span ``text == source[start:end]``."""

    text: str
    value: float
    kind: str
    start: int
    end: int
    qualifier: str = "exact"
    unit: str = ""
    month: int | None = None
    season: str | None = None
    position: str = ""  # "end" for "the end of FY2012"
    note: str = ""  # "range FY1999–FY2013" on both ends of a range

    @property
    def is_time(self) -> bool:
        return self.kind in TIME_KINDS


def parse_number_word(text: str) -> int | None:
    """``"twenty-one"`` -> 21, ``"one hundred and five"`` -> 105; None when it is not a number."""
    words = [w for w in re.split(r"[\s-]+", text.strip().lower()) if w]
    if not words or words[0] == "and" or words[-1] == "and":
        return None
    total = current = 0
    last_scale = 10**12
    last = ""  # what the previous word was: "", "ones", "tens", "hundred", "scale"
    for word in words:
        if word == "and":
            if last not in ("hundred", "scale"):
                return None
            continue
        if word in _WORD_VALUES:
            small = _WORD_VALUES[word]
            kind = "tens" if small >= 20 else "ones"
            if last == "ones" or (last == "tens" and (kind == "tens" or small >= 10)):
                return None
            current += small
            last = kind
        elif word == "hundred":
            if last not in ("ones",) or current >= 100:
                return None
            current *= 100
            last = "hundred"
        elif word in _SCALES:
            if last in ("", "scale") or _SCALES[word] >= last_scale:
                return None
            last_scale = _SCALES[word]
            total += current * last_scale
            current = 0
            last = "scale"
        else:
            return None
    return total + current


def number_words(n: int) -> str:
    """21 -> ``"twenty-one"``, 120 -> ``"one hundred and twenty"`` (non-negative integers)."""
    if n < 0 or int(n) != n:
        raise ValueError(f"number_words needs a non-negative integer, not {n!r}")
    n = int(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")
    for name, scale in (("billion", 10**9), ("million", 10**6), ("thousand", 1000)):
        if n >= scale:
            head, rest = divmod(n, scale)
            tail = ""
            if rest:
                tail = f" and {number_words(rest)}" if rest < 100 else f" {number_words(rest)}"
            return f"{number_words(head)} {name}{tail}"
    raise AssertionError("unreachable")


def format_value(value: float) -> str:
    """A value as the report would print it: 424, 1,234, 2.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def may_hold_number(text: str) -> bool:
    """False only when neither ``text`` nor any part of it has a number (labels included)."""
    return _NUMBER_HINT_RE.search(text) is not None


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in ``text`` in reading order, labels included (``kind="label"``)."""
    return list(_find_numbers(text))


@lru_cache(maxsize=50_000)  # the same sentences are read for question after question
def _find_numbers(text: str) -> tuple[NumberMention, ...]:
    found: list[NumberMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(mention: NumberMention, span: tuple[int, int] | None = None) -> None:
        found.append(mention)
        taken.append(span or (mention.start, mention.end))

    for m in _LABEL_RE.finditer(text):
        for d in re.finditer(r"\d+", m.group()):
            s, e = m.start() + d.start(), m.start() + d.end()
            add(NumberMention(d.group(), float(d.group()), "label", s, e))
        taken.append(m.span())
    for m in _LIST_MARKER_RE.finditer(text):
        if free(*m.span()):
            d = re.search(r"\d+", m.group())
            s = m.start() + d.start()  # type: ignore[union-attr]
            add(
                NumberMention(d.group(), float(d.group()), "label", s, s + len(d.group())), m.span()
            )  # type: ignore[union-attr]
    for m in _SPLIT_YEAR_RE.finditer(text):
        end = split_year_end(m.group(1), m.group(2) or m.group(3))
        if end is not None and free(*m.span()):
            add(_time(text, m.group(), float(end), "fiscal_year", m.start(), m.end()))
    for m in _FY_RE.finditer(text):
        if free(*m.span()):
            add(_time(text, m.group(), float(m.group(1)), "fiscal_year", m.start(), m.end()))
    for m in _DATE_RE.finditer(text):
        if free(*m.span()):
            month = _MONTH_INDEX[m.group(2).rstrip(".").lower()[:3]]
            value = float(m.group(4))
            add(_time(text, m.group(), value, "date", m.start(), m.end(), month=month))
    for m in _SEASON_RE.finditer(text):
        if free(*m.span()):
            season = m.group(1).lower()
            add(_time(text, m.group(), float(m.group(2)), "date", *m.span(), season=season))
    for m in _ORDINAL_DIGITS_RE.finditer(text):
        if free(*m.span()):
            add(NumberMention(m.group(), float(m.group(1)), "ordinal", m.start(), m.end()))
    for m in _ORDINAL_WORDS_RE.finditer(text):
        s = m.start(1) if m.group(1) else m.start(2)
        if free(s, m.end()):
            tens = _WORD_VALUES[m.group(1)[:-1].lower()] if m.group(1) else 0
            value = tens + _ORDINAL_WORDS[m.group(2).lower()]
            if value > 1 or tens:
                add(NumberMention(text[s : m.end()], float(value), "ordinal", s, m.end()))
    for m in _DIGITS_RE.finditer(text):
        if free(*m.span()):
            value = float(m.group().replace(",", ""))
            add(_quantity(text, m.start(), m.end(), value, digits=m.group()))
    for m in _NUMBER_WORDS_RE.finditer(text):
        if not free(*m.span()):
            continue
        for s, e in _number_word_spans(m):
            value = parse_number_word(text[s:e])
            if value is not None and not _is_pronoun_one(text, s, e):
                add(_quantity(text, s, e, float(value), digits=None))
    found.sort(key=lambda n: n.start)
    return tuple(_mark_ranges(text, found))


_COMPARATIVE_RE = re.compile(
    r"\(\s*(?:FY\s?)?(?:19|20)\d\d(?:\s*/\s*(?:19|20)?\d\d)?(?:\s+and\s+[^:()]+)?\s*:[^()]*\)"
)


def comparative_spans(text: str) -> list[tuple[int, int]]:
    """Spans of "(2017/18: €1 million)": an earlier period's figure given beside this period's.
    The year inside dates only the numbers inside; the figure before it is the current period's."""
    return [m.span() for m in _COMPARATIVE_RE.finditer(text)]


PERCENT_AFTER = re.compile(r"^\s*(%|percent\b|per cent\b|percentage points?\b)", re.I)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH_NAMES})\s+$")


def is_day_of_month(text: str, mention: NumberMention) -> bool:
    """ "December 31" without a year: a day, not a quantity."""
    return mention.kind == "count" and bool(_MONTH_BEFORE.search(text[: mention.start]))


def split_year_end(first: str, second: str) -> int | None:
    """The year "2018/19" ends in (2019), or None when the two parts are not consecutive years."""
    end = int(second) if len(second) == 4 else int(first[:2] + second)
    return end if end == int(first) + 1 else None


def _time(
    text: str, matched: str, value: float, kind: str, start: int, end: int, **kw
) -> NumberMention:
    position = (
        "end"
        if re.search(r"\bend\s+of\s+(?:the\s+)?$", text[max(0, start - 16) : start], re.I)
        else ""
    )
    return NumberMention(matched, value, kind, start, end, position=position, **kw)


def _number_word_spans(m: re.Match[str]) -> list[tuple[int, int]]:
    """The whole run when it reads as one number, else each word ("two and three")."""
    if parse_number_word(m.group()) is not None:
        return [m.span()]
    return [
        (m.start() + w.start(), m.start() + w.end()) for w in re.finditer(_WORD, m.group(), re.I)
    ]


def _is_pronoun_one(text: str, start: int, end: int) -> bool:
    if text[start:end].lower() != "one":
        return False
    after, before = text[end : end + 12], text[max(0, start - 8) : start]
    return bool(_PRONOUN_ONE_NEXT.match(after) or _PRONOUN_ONE_PREV.search(before))


def _qualifier(text: str, start: int) -> str:
    before = text[max(0, start - 40) : start]
    for name, pattern in _QUALIFIER_RES:
        if pattern.search(before):
            return name
    return "exact"


def _quantity(text: str, start: int, end: int, value: float, digits: str | None) -> NumberMention:
    """A count, a duration ("two-week", "about ten months") or a calendar year."""
    qualifier = _qualifier(text, start)
    duration = _DURATION_AFTER.match(text[end : end + 24])
    a_year = bool(digits and re.fullmatch(r"\d{4}", digits) and 1800 <= value <= 2100)
    if duration and not (a_year and _YEAR_PHRASE.match(text, end)):
        stop = end + duration.end()
        return NumberMention(
            text[start:stop], value, "duration", start, stop, qualifier, duration.group(1).lower()
        )
    unit = _unit_after(text, end)
    if a_year and not unit:
        return _time(text, digits, value, "year", start, end)
    return NumberMention(text[start:end], value, "count", start, end, qualifier, unit)


def _unit_after(text: str, end: int) -> str:
    from ..ingest.glossary import active  # the counted nouns the corpus's glossary names, if any

    words = re.findall(r"[A-Za-z][\w-]*", text[end : end + 40])[:3]
    for word in words:
        if word.lower() in UNIT_NOUNS or word.lower() in active().unit_classes:
            return word.lower()
    return ""


def _mark_ranges(text: str, found: list[NumberMention]) -> list[NumberMention]:
    """Give both ends of "FY1999 to FY2013" (or "from FY1991, when ..., to FY2013") a range note."""
    times = [i for i, n in enumerate(found) if n.is_time]
    out = list(found)
    for a, b in zip(times, times[1:], strict=False):
        first, second = found[a], found[b]
        if first.kind == second.kind and _RANGE_BETWEEN.match(text[first.end : second.start]):
            note = f"range {first.text}–{second.text}"
            out[a] = replace(out[a], note=note)
            out[b] = replace(out[b], note=note)
    return out
