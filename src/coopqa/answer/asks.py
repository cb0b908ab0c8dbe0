"""What a question asks: the answer type, the operation, the periods and the terms it must be
answered with. General English only (question words, spaCy's parse); nothing of one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..facts.numbers import find_numbers
from ..ingest.text import tokenize

ANSWER_TYPES = ("quantity", "date", "year_choice", "person", "place", "reason", "method", "text")
OPERATIONS = ("", "change", "percent_change", "average", "ratio", "sum", "difference")

_PERCENT_CHANGE = re.compile(
    r"\b(percent(?:age)?|%)\s*(?:change|increase|decrease|growth|decline|rise|fall)\b"
    r"|\bgrowth rate\b|\bby what (?:percent(?:age)?|%)",
    re.I,
)
_AVERAGE = re.compile(r"\b(average|mean)\b", re.I)
_RATIO = re.compile(
    r"\b(ratio|proportion)\b|\bas a (?:percent(?:age)?|share) of\b|\bwhat (?:percent(?:age)?|share|"
    r"portion|fraction) of\b|\bpercent(?:age)? of\b",
    re.I,
)
_CHANGE = re.compile(
    r"\b(change|changes|increase|decrease|increased|decreased|difference|grow|grew|growth|"
    r"decline|declined|rise|rose|fall|fell|drop|dropped|variance|movement)\b",
    re.I,
)
_SUM = re.compile(r"\b(sum|combined|altogether|in all|add(?:ed)? up|total of)\b", re.I)
_YEAR_CHOICE = re.compile(
    r"\b(which|what|in which)\s+(fiscal\s+)?(year|period|quarter)\b.*\b(greater|higher|larger|"
    r"more|most|less|lower|smaller|fewer|least|highest|lowest|largest|smallest|bigger|better|"
    r"worse)\b",
    re.I,
)
_MEASURE = (
    r"(?:amount|value|total|number|balance|cost|price|rate|revenue|sale|income|expense|"
    r"percentage|ratio|margin|figure|count|profit|loss|earning|asset|liabilit(?:y|ie)|salar(?:y|ie)|"
    r"pay|fee|dividend|tax|debt|cash|bonus|budget|spend(?:ing)?|population|area|length|height|"
    r"depth|width|size|distance|weight|capacity|volume|temperature|speed|elevation)s?"
)
# "How deep is X": the dimension a "how" adjective asks for, named as a table's header would.
DIMENSIONS = {
    "deep": "depth", "long": "length", "high": "height", "tall": "height", "wide": "width",
    "heavy": "weight", "far": "distance", "large": "area", "big": "size", "old": "age",
}  # fmt: skip
# ... and those its downward comparatives name ("shallower" compares depths).
DOWN_DIMENSIONS = {
    "small": "size", "short": "length", "low": "height", "shallow": "depth", "narrow": "width",
    "light": "weight", "young": "age",
}  # fmt: skip
_HOW_DIMENSION = re.compile(rf"\bhow ({'|'.join(DIMENSIONS)}) (?:is|are|was|were)\b", re.I)
_WHAT_OPENS = re.compile(r"^\W*what\b", re.I)
_QUANTITY = re.compile(
    rf"\b(how (many|much)|number of|what (?:is|was|were|are) the (?:\w+ ){{0,6}}?{_MEASURE}|"
    # without "the", the measure must end the phrase: "what were net sales of X in 2017"
    rf"what (?:is|was|were|are) (?:[\w'’.&-]+ ){{0,3}}?{_MEASURE}(?=\s+(?:of|for|in|at|from)\b|\s*\?)|"
    rf"how (?:{'|'.join(DIMENSIONS)}|low))\b",
    re.I,
)
_WHEN = re.compile(  # "when" opens the question: "what position did she hold when …" is no date
    r"^\W*(?:and |but |so )?when\b|\b(what (?:year|date|month|day)|which (?:fiscal )?(?:year|date|month))\b",
    re.I,
)
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_SHARE = re.compile(
    r"\b(?:percent\w*|proportions?|shares? of|rates?|margins?|ratios?|portions?|fractions?)\b|%",
    re.I,
)
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_HOW_MANY_TIMES = re.compile(r"\bhow many (?:years|months|weeks|days|hours)\b", re.I)


def counts_things(text: str) -> tuple[bool, bool]:
    """(it counts things, it counts time) for a "how many" question: "how many customers" is not
    answered by "69% of customers", "£20,000" or "for three years"; "how many years" is."""
    if not _HOW_MANY.search(text) or _SHARE.search(text):
        return False, False
    return True, bool(_HOW_MANY_TIMES.search(text))


_WHO = re.compile(r"^\s*(who|whom|whose)\b|\bname (?:the|of)\b|\bwho (?:is|was|were)\b", re.I)
_WHERE = re.compile(
    r"^\s*where\b|\bin (?:which|what) (?:country|city|place|region|location)\b", re.I
)
_WHY = re.compile(
    r"^\s*why\b|\b(what|which) (?:caused|led to|were the reasons?|was the reason|"
    r"drove|explains?)\b|\bdue to what\b|\breasons? for\b",
    re.I,
)
_HOW = re.compile(r"^\s*how\b(?!\s+(many|much|long|often|old|large|big|high|low))", re.I)
# Words that frame a question without naming what it is about.
_FRAME = frozenset(
    tokenize(
        "what which who whom whose when where why how many much long was were is are the a an "
        "of in on for to from by at and or between during did does do value amount figure "
        "number year years fiscal respectively respective change changes increase decrease "
        "difference percentage percent average mean ratio proportion sum combined altogether "
        "greater higher larger more most less lower smaller fewer least highest lowest largest "
        "smallest bigger compared compare period reported report state stated give given "
        "according document company company's group its their there this that these those it"
    )
)


@dataclass(frozen=True)
class Question:
    text: str
    answer_type: str
    operation: str
    years: tuple[int, ...]
    terms: tuple[str, ...]  # stemmed words that name what is asked about
    names: tuple[str, ...]  # capitalised names the question uses ("Frozen Kefir", "Red Hat")
    names_wanted: int = 0  # names the answer must give: "which countries" 2, "the name of" 1


def analyse(text: str) -> Question:
    years = tuple(dict.fromkeys(_years(text)))
    names = tuple(_names(text))
    terms = tuple(t for t in dict.fromkeys(tokenize(_without_years(text))) if t not in _FRAME)
    if dimension := _HOW_DIMENSION.search(text):  # "how deep" asks for a depth
        terms = (*terms, *tokenize(DIMENSIONS[dimension.group(1).lower()]))
    summed = not operation(text, years) and _total_of_names(text, names)
    return Question(
        text=text,
        answer_type=answer_type(text),
        operation=operation(text, years) or summed,
        years=years,
        terms=tuple(t for t in terms if t != "total") if summed else terms,  # the operation word
        names=names,
        names_wanted=names_wanted(text),
    )


TIME_NOUNS = frozenset(("year", "period", "quarter", "month", "week", "day", "time"))
_NAMES_OF = re.compile(r"\bnames? of\b|\bwho (?:is|was|were|are) the\b", re.I)


def names_wanted(text: str) -> int:
    """How many names an answer must give: "which countries" asks for several, "what is the
    name of" for one, "the names of the ten captains" for ten; other questions may be answered
    by a description."""
    from ..ingest.nlp import parse

    tokens = list(parse(text))
    if _NAMES_OF.search(text):
        named = next((t for t in tokens if t.lemma_.lower() == "name"), None)
        of = [c for c in named.children if c.lower_ == "of"] if named is not None else []
        nouns = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        return max(1, _counted(nouns[0]) if nouns else 0)
    which = next((i for i, t in enumerate(tokens[:3]) if t.lower_ == "which"), None)
    if which is not None:
        noun = next((t for t in tokens[which + 1 : which + 4] if t.pos_ in ("NOUN", "PROPN")), None)
        if noun is not None and noun.tag_ in ("NNS", "NNPS") and noun.lemma_ not in TIME_NOUNS:
            return max(2, _counted(noun))
    return 0


MAX_NAMES = 50


def _counted(noun: Any) -> int:
    """The number the question counts its named things by ("the ten captains", "which nine
    ports"), or 0: the names of ten captains are ten names, not the sentence that counts them."""
    count = count_of(noun)
    return count if 2 <= count <= MAX_NAMES else 0


def count_of(noun: Any) -> float:
    """The count a number word gives a parsed noun ("the ten captains" -> 10), or 0."""
    for child in noun.children:
        if child.dep_ == "nummod":
            found = [m for m in find_numbers(child.text) if m.kind == "count"]
            if found:
                return found[0].value
    return 0


def _asks_object_of_preposition(text: str) -> bool:
    """ "What is X subject to?", "What are the costs dependent upon?": "what" is the object of
    the preposition the question ends with, a thing, not the measure it names."""
    if not _WHAT_OPENS.match(text) or _HOW_MANY.search(text):
        return False
    from ..ingest.nlp import parse

    words = [t for t in parse(text) if not t.is_punct]
    return bool(words) and words[-1].tag_ == "IN"  # a preposition with nothing after it


def answer_type(text: str) -> str:
    if _YEAR_CHOICE.search(text):
        return "year_choice"
    if _WHY.search(text):
        return "reason"
    if _WHO.search(text):
        return "person"
    if _WHERE.search(text):
        return "place"
    if _HOW_LONG.search(text):
        return "quantity"
    if _WHEN.search(text):
        return "date"
    if _QUANTITY.search(text) or _PERCENT_CHANGE.search(text) or _AVERAGE.search(text):
        return "text" if _asks_object_of_preposition(text) else "quantity"
    if _HOW.search(text):
        return "method"
    return "text"


def operation(text: str, years: tuple[int, ...] = ()) -> str:
    """The computation asked for; when several words could name one ("the change in average
    daily hire rate"), the first in the question is the operation, the rest name the measure."""
    if _PERCENT_CHANGE.search(text):
        return "percent_change"
    found = []
    if m := _AVERAGE.search(text):
        found.append((m.start(), "average"))
    if m := _RATIO.search(text):
        found.append((m.start(), "ratio"))
    m = _CHANGE.search(text)
    if m and (len(years) >= 2 or re.search(r"\bbetween\b|\bfrom\b", text, re.I)):
        word = "difference" if re.search(r"\bdifference\b", text, re.I) else "change"
        found.append((m.start(), word))
    if m := _SUM.search(text):
        found.append((m.start(), "sum"))
    return min(found)[1] if found else ""


_SPLIT_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*[/-]\s*((?:19|20)?\d\d)\b")


def _total_of_names(text: str, names: tuple[str, ...]) -> str:
    """ "the total number of shares issued under ESP and DSP": a sum of the named things."""
    return "sum" if len(names) >= 2 and re.search(r"\btotal\b", text, re.I) else ""


def _years(text: str) -> list[int]:
    """The years a question names; a split year ("2017/18", "2018-2019") by the year it ends in."""
    text = _SPLIT_YEAR.sub(
        lambda m: m.group(2) if len(m.group(2)) == 4 else m.group(1)[:2] + m.group(2), text
    )
    return [
        int(m.value)
        for m in find_numbers(text)
        if m.kind in ("year", "fiscal_year", "date") and 1900 <= m.value <= 2100
    ]


def _without_years(text: str) -> str:
    text = _SPLIT_YEAR.sub(" ", text)
    return re.sub(r"\b(?:FY\s?)?(?:19|20)\d\d\b", " ", text)


def _names(text: str) -> list[str]:
    """Runs of capitalised words after the first word: the names a question is specific about."""
    words = re.findall(r"[A-Za-z][\w&'.-]*", text)
    runs, run = [], []
    for i, word in enumerate(words):
        if i > 0 and word[:1].isupper() and not re.fullmatch(r"(?:FY)?\d+", word):
            run.append(word)
        else:
            if run:
                runs.append(" ".join(run))
            run = []
    if run:
        runs.append(" ".join(run))
    return runs
