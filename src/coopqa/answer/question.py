"""Reading a question once into the value every later step reads.

General English only (question words, year ranges, comparatives); nothing of one document.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from ..ingest.text import tokenize
from .asks import analyse

_RANGE = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|through|until)\s*((?:19|20)\d\d)\b(?!\s*/)", re.I
)
# A year written as the two it spans ("2017/18", "2018/2019", "2018-19"): the year it ends in.
_SPLIT = re.compile(r"\b((?:19|20)\d\d)\s*(?:/\s*((?:19|20)?\d\d)|-(\d\d))\b(?![-/]?\d)")
_ENDPOINTS = re.compile(
    r"\b(?:between|from)\s+(?:fiscal\s+|fy\s?)?((?:19|20)\d\d)\s+(?:and|to)\s+(?:fiscal\s+|fy\s?)?"
    r"((?:19|20)\d\d)\b",
    re.I,
)
_SHORT_FISCAL = re.compile(r"\bFY\s?'?(\d\d)\b", re.I)
# "exceed", "more than", "below": a threshold's side, for counting years or rows past it
_BEYOND = (
    r"\b(?:exceed(?:ed|s)?|above|over|more than|greater than|higher than|less than|below|under|"
    r"lower than)\b"
)
_COUNT_PAST = re.compile(r"\bhow many (?:fiscal )?years?\b.*" + _BEYOND, re.I)
_COUNT_ROWS = re.compile(r"\bhow many (?!(?:fiscal )?years?\b)[\w ,&'-]*?" + _BEYOND, re.I)
_PAST = re.compile(
    r"\b(?:greater|more|higher|larger|less|lower|smaller|fewer) than\b|\bexceed", re.I
)
# "How much did X decrease by in 2019?", "What was the increase in X in 2018?": one year's change.
_CHANGED_IN = re.compile(
    r"^\W*(?:what (?:is|was) the (?:[\w$-]+ )?(?:increase|decrease|change)\b|(?:by )?how much\b"
    r".*\b(?:increas|decreas|grow|grew|rise|rose|fall|fell|declin|chang)\w*\b)",
    re.I,
)
_HOW_MUCH_MORE = re.compile(
    r"\bhow (?:much|many) (?:more|less|fewer|higher|lower|greater|bigger|smaller)\b", re.I
)
# "X as a percentage of Y", "the proportion of X in Y": one figure over another of the same year.
_SHARE = (
    re.compile(
        r"\b(?:percentage|proportion|ratio|share|portion|fraction|percent)"
        r"(?: (?P<how>(?!of\b)\w+))? of (?P<part>.+?) "  # "the percentage composition of X in Y"
        r"(?:in|over|to|of|against|among|within|compared to|relative to) (?:the )?"
        r"(?P<whole>.+?)(?=\s+(?:in|for|as of|at|during)\s+(?:fiscal\s+)?(?:year\s+)?\d{4}|\s*\??$)",
        re.I,
    ),
    re.compile(
        r"(?:what is|what was|what were|what are)?\s*(?:the )?(?P<part>.+?) as an? "
        r"(?:percentage|proportion|share|ratio|portion|fraction) of (?:the )?(?:\d{4} )?"
        r"(?P<whole>.+?)(?=\s+(?:in|for|as of|at|during)\s+(?:fiscal\s+)?(?:year\s+)?\d{4}|\s*\??$)",
        re.I,
    ),
)
_UNTIL_PERIOD = (
    r"(?=\s+(?:in|for|as of|at|during|between)\s+(?:the\s+)?(?:fiscal\s+)?(?:years?\s+)?\d{4}"
    r"|\s*\??$)"
)
# Two rows named side by side: their difference, how much more one is, or their total.
_TWO_ROWS = (
    ("difference", re.compile(
        r"\bdifference\b.*?\bbetween (?:the )?(?P<a>.+?) and (?:the )?(?P<b>.+?)" + _UNTIL_PERIOD,
        re.I)),
    ("difference", re.compile(
        r"\bdifference in (?:the )?.+? (?:of|from|for) (?:the )?(?P<a>.+?) and (?:the )?(?P<b>.+?)"
        + _UNTIL_PERIOD, re.I)),
    ("difference", re.compile(
        r"\bhow much (?:more|less|higher|lower)\b.*?\b(?:from|for|of|in|did|was|were) (?:the )?"
        r"(?P<a>.+?) (?:as )?(?:compared (?:to|with)|than) (?:the )?(?P<b>.+?)" + _UNTIL_PERIOD,
        re.I)),
    ("both", re.compile(
        r"\btotal .+? (?:from|of|for) (?:the )?(?P<a>.+?) and (?:the )?(?P<b>.+?)" + _UNTIL_PERIOD,
        re.I)),
    ("each", re.compile(  # "the respective values of A and B", "… of A and B, respectively"
        # each side at most 80 characters: a long question is read in linear time
        r"\brespective\b.{0,80}? (?:of|for|from) (?:the )?(?P<a>.{1,80}?) and (?:the )?"
        r"(?P<b>.{1,80}?)" + _UNTIL_PERIOD + r"|\b(?:of|for|from) (?:the )?(?P<a2>[^,]{1,80}?) and "
        r"(?:the )?(?P<b2>[^,]{1,80}?)(?: (?:in|for|at|as of|during) [^,]{0,40}\d{4})?,? "
        r"respectively\W*$", re.I)),
)  # fmt: skip
# "What does the table show?", "What data does the table contain?": the table's subject
_WHAT_TABLE_SHOWS = re.compile(
    r"^\W*what (?:data |information )?(?:does|do) (?:the|this) table (?:show|represent|present|"
    r"contain|illustrate|depict|summari[sz]e|detail|provide (?:data|information)(?: for)?)\W*$",
    re.I,
)
# "total" over the years named, unless each year's figure is asked for ("respectively")
_TOTAL_OVER_YEARS = re.compile(r"^(?!.*\brespectively\b).*\btotal\b", re.I)
_WHICH_YEARS = re.compile(r"\b(?:which|what)(?: are the)? (?:fiscal |financial )?years?\b", re.I)
# "the components of", "types of", "what makes up": the rows a total is made of
_KINDS = re.compile(
    r"\b(?:components?|types|categories|kinds|items|elements|segments)\b(?! of (?:the )?(?:change|increase|decrease))",
    re.I,
)
_PARTS = re.compile(
    rf"{_KINDS.pattern}|\bmak(?:e|es|ing) up\b|\bcompris(?:e|es|ing)\b|\bconsists? of\b", re.I
)
_PERCENT_CHANGE = re.compile(r"%\s*(?:change|increase|decrease|growth)\b", re.I)
_CHANGE_ASKED = re.compile(
    r"^\W*what (?:is|was|were) the (?:[\w$-]+ ){0,2}?(?:change|increase|decrease)\s+(?:in|of)\b",
    re.I,
)
_PERCENT_WORD = re.compile(r"\bpercent(?:age)?\b|%", re.I)
_BELOW = re.compile(r"\b(?:less than|below|under|lower than)\b", re.I)
_LESSER = re.compile(r"\b(less|lower|smaller|fewer|least|lowest|smallest|worse|worst)\b", re.I)
_NUMBER = re.compile(r"[$€£¥]?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d|[.,]\d)")  # "2019", "FY2019"
# Words that ask how to combine or frame figures, not which figure: they are no constraint.
_OPERATION_WORDS = frozenset(
    tokenize(
        "average mean change changes increase increased decrease decreased difference differ "
        "percentage percent ratio proportion sum total combined altogether respectively "
        "respective value amount figure number years year fiscal between from to greater higher "
        "larger more most less lower smaller fewer least highest lowest largest smallest bigger "
        "exceed exceeded above below over under than which what how many much did does was were "
        "is are the company company's companies group its their this that in of for and as "
        "compared compare growth rate rise fall drop decline balance period periods "
        "components component types categories kinds items elements segments make making up "
        "comprise comprising consist consists table "
        "both two three each all annual yearly end ended ending as at thousand thousands million "
        "long often millions billion billions"
    )
)


# The operations one stated cell may answer ("What was the percentage of X in 2017?" reads a cell);
# any other asks for a figure worked out, never a cell in its place.
CELL_OPERATIONS = ("", "ratio")
# A stem that names a period, not a thing ("2019", "fy19"): the gate on years judges it.
PERIOD_TERM = re.compile(
    r"\d+|fy\d*|"  # and the months a date names ("June 30, 2019"), from the calendar module
    + "|".join(
        sorted({t for m in (*calendar.month_name, *calendar.month_abbr) for t in tokenize(m)})
    )
)
# "What does X refer to?", "What do X include?", "What constitutes X?": what X means.
_MEANING = re.compile(
    r"^\W*(?:what (?:does|do) .+? (?:refer|represent|mean|include|cover|relate|consist|comprise)s?\b|"
    r"what (?:constitutes|is meant by|is included in|are included in)\b)",
    re.I,
)
# "What was the …", "In 2019, what is our …": a measure asked by name.
_WHAT_IS_THE = re.compile(
    r"^\W*(?:in [^,]+, )?(?:what|how much) (?:is|was|were|are) (?:the|our|its) ", re.I
)


@dataclass(frozen=True)
class Question:
    """What a question asks, read once: its answer type and operation, the periods it names and
    the words that must be covered by the operands that answer it."""

    text: str
    answer_type: str
    # "", change, percent_change, average, sum, difference, ratio, count_past, extreme
    operation: str
    years: tuple[int, ...]  # in the order the question names them; a range is every year in it
    terms: tuple[str, ...]  # stems naming the measure and its constraints
    naming: tuple[str, ...] = ()  # stems of the words that name things: nouns, names, modifiers
    # stems of a place or a part of a year it names ("in Canada", "the second quarter"): a
    # breakdown the answer must give, never covered by the document's figure as a whole
    breakdown: tuple[str, ...] = ()
    threshold: float | None = None  # "exceed $1,000 million"
    greater: bool = True  # for extreme and count_past: the larger side
    part: tuple[str, ...] = ()  # for a share: the stems naming the part ...
    whole: tuple[str, ...] = ()  # ... and the whole it is a share of
    in_percent: bool = False  # a share asked as a percentage, not a plain ratio
    asks_years: bool = False  # "which years does the table give X for": the years themselves
    asks_parts: bool = False  # "what are the components of X": the rows that make X up
    asks_kinds: bool = False  # "what are the types of X": rows that may be a whole table's
    asks_table: bool = False  # "what does the table show?": what the table is about
    # two rows side by side: ("difference" | "both" | "each", stems of one, stems of the other)
    two_rows: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None

    @property
    def asks_percent(self) -> bool:
        """The figure asked is itself a percentage (not a percentage worked out of amounts)."""
        return (
            self.in_percent
            and self.operation not in ("percent_change", "ratio")
            and not (self.part and self.whole)
        )

    @property
    def asks_meaning(self) -> bool:
        """ "What does X refer to / represent / include?", "What constitutes X?": what X is,
        which no figure of X answers."""
        return not self.years and bool(_MEANING.search(self.text))

    @property
    def wants_figure(self) -> bool:
        """A figure answers it: a quantity, or "What was the X in 2018?" (a measure in a period)."""
        return self.answer_type == "quantity" or bool(self.years and _WHAT_IS_THE.match(self.text))

    @property
    def constraint_terms(self) -> tuple[str, ...]:
        return tuple(
            t for t in self.terms if t not in _OPERATION_WORDS and not PERIOD_TERM.fullmatch(t)
        )


def years_named(text: str, operation: str) -> tuple[int, ...]:
    """Years in the order named. A range ("2017-2019", "from 2017 to 2019") is every year in it
    for an average, a sum or a count; its two ends for a change or a ratio. "2017-2019" with no
    operation is every year in it too (a list)."""
    spread = operation in ("average", "sum", "count_past")
    out: list[int] = []
    consumed: list[tuple[int, int]] = []
    for m in _SPLIT.finditer(text):
        end = m.group(2) or m.group(3)
        out.append(int(end) if len(end) == 4 else int(m.group(1)[:2] + end))
        consumed.append(m.span())
    for pattern, spreads in ((_ENDPOINTS, spread), (_RANGE, spread or not operation)):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in consumed):
                continue
            a, b = int(m.group(1)), int(m.group(2))
            low, high = min(a, b), max(a, b)
            out += list(range(low, high + 1)) if spreads and high - low <= 10 else [a, b]
            consumed.append(m.span())
    for m in _YEAR.finditer(text):
        if not any(s <= m.start() < e for s, e in consumed):
            out.append(int(m.group()))
    out += [2000 + int(m.group(1)) for m in _SHORT_FISCAL.finditer(text)]  # "FY19"
    return tuple(dict.fromkeys(out))


def _threshold(text: str, years: tuple[int, ...]) -> float | None:
    """The first figure the question names that is not one of its years ("exceed $1,000")."""
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if not (value.is_integer() and int(value) in years):
            return value
    return None


@lru_cache(maxsize=4096)
def read(text: str) -> Question:
    """The Question a text asks (kept: the engine and the short answer both read it)."""
    base = analyse(text)
    operation = base.operation
    if _PERCENT_CHANGE.search(text):
        operation = "percent_change"
    elif not operation and _CHANGE_ASKED.search(text) and not _YEAR.search(text):
        operation = "change"  # "What was the change in X?": between the row's two years
    part, whole, share_word = _share_sides(text)
    if _HOW_MUCH_MORE.search(text) and not operation:
        operation = "change"
    if _COUNT_PAST.search(text):
        operation = "count_past"
    elif _COUNT_ROWS.search(text):
        operation = "count_rows"
    elif base.answer_type == "year_choice":
        operation = "extreme"
    years = years_named(text, operation)
    if not operation and len(years) >= 2 and _TOTAL_OVER_YEARS.search(text):
        operation, years = "sum", years_named(text, "sum")  # "the total X in 2018 and 2019"
    if not operation and len(years) == 1 and _CHANGED_IN.search(text):
        operation, years = "change", (years[0] - 1, years[0])  # from the year before
    counted = operation in ("count_past", "count_rows") or (
        operation == "extreme" and _PAST.search(text)
    )
    threshold = _threshold(text, years) if counted else None
    greater = not (_BELOW.search(text) if threshold is not None else _LESSER.search(text))
    return Question(
        text=text,
        answer_type=base.answer_type,
        operation=operation,
        years=years,
        terms=tuple(
            t
            for t in tokenize(_YEAR.sub(" ", text))
            if not t.isdigit()
            and t not in share_word
            and not (operation == "count_rows" and t in _counted(text))
        ),
        naming=_naming(text),
        breakdown=_breakdown(text),
        threshold=threshold,
        greater=greater,
        part=part,
        whole=whole,
        in_percent=bool(_PERCENT_WORD.search(text)),
        asks_years=bool(_WHICH_YEARS.search(text)) and base.answer_type != "year_choice",
        asks_parts=bool(_PARTS.search(text)),
        asks_kinds=bool(_KINDS.search(text)),
        asks_table=bool(_WHAT_TABLE_SHOWS.match(text)),
        two_rows=_two_rows(text),
    )


def _naming(text: str) -> tuple[str, ...]:
    """The stems of the words that name what a figure is of: nouns, proper nouns and their
    modifiers ("deferred revenue"), not verbs or adverbs ("earned", "well")."""
    from ..ingest.nlp import parse

    return tuple(
        t
        for tok in parse(text)
        if tok.pos_ in ("NOUN", "PROPN", "ADJ") or tok.dep_ in ("amod", "compound")
        for t in tokenize(tok.text)
    )


def _counted(text: str) -> frozenset[str]:
    """The stems of what "how many" counts ("how many geographic regions"): the kind of row the
    answer counts, not a word the rows must hold."""
    from ..ingest.nlp import parse

    for token in parse(text):
        if token.lower_ == "many" and token.head.pos_ in ("NOUN", "PROPN"):
            noun = token.head
            words = [noun, *(c for c in noun.children if c.dep_ in ("amod", "compound"))]
            return frozenset(t for w in words for t in tokenize(w.text))
    return frozenset()


_PLACES = ("GPE", "LOC", "NORP")


def _breakdown(text: str) -> tuple[str, ...]:
    """The stems of the places a question names and of the part of a year it names (an ordinal
    and the noun it counts inside a date: "the second quarter of 2019")."""
    from ..ingest.nlp import parse

    words = []
    for ent in parse(text).ents:
        if ent.label_ in _PLACES:
            words += [w for w in ent if w.pos_ == "PROPN" or ent.label_ == "NORP"]
        elif ent.label_ == "DATE":
            words += [w for w in ent if w.tag_ == "JJ" and w.head.pos_ == "NOUN" and w.head in ent]
            words += [
                w.head for w in ent if w.tag_ == "JJ" and w.head.pos_ == "NOUN" and w.head in ent
            ]
    return tuple(dict.fromkeys(t for w in words for t in tokenize(w.text) if not t.isdigit()))


def _two_rows(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """How and which two rows a question compares or adds ("the difference between A and B in
    2019", "how much more from A than B"); None when its two sides are years, not rows."""
    for how, pattern in _TWO_ROWS:
        m = pattern.search(text)
        if m is None:
            continue
        side_a, side_b = (
            m.group("a") or m.groupdict().get("a2"),
            m.group("b") or m.groupdict().get("b2"),
        )
        if _YEAR.search(side_a) or _YEAR.search(side_b):
            continue
        a = tuple(t for t in tokenize(side_a) if t not in _OPERATION_WORDS)
        b = tuple(t for t in tokenize(side_b) if t not in _OPERATION_WORDS)
        if a and b and set(a) != set(b):
            return how, a, b
    return None


def _share_sides(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The stems of the part and the whole a share question names, and of the word that only
    names the share ("composition"); three empty tuples when it names no share."""
    for pattern in _SHARE:
        m = pattern.search(text)
        if m:
            part = tuple(t for t in tokenize(m.group("part")) if t not in _OPERATION_WORDS)
            whole = tuple(  # "total Y" names the whole; a bare "Total" row may be it
                t for t in tokenize(m.group("whole")) if t not in _OPERATION_WORDS or t == "total"
            )
            if part and whole:
                how = m.groupdict().get("how") or ""
                return part, whole, tuple(t for t in tokenize(how) if t not in part + whole)
    return (), (), ()
