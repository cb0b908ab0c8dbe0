"""How a fact is phrased in an answer: a figure as a clause, what was asked as an indirect
question, and "does not say" sentences. Pure templates below the answer layer, so the fact table
(``facts.lookup``) words its answers without importing the answerers; ``wording`` builds on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A measure that names a quantity ("length of the seminar"): the value is put beside it.
_NOUN_MEASURE = re.compile(
    r"^(?:the\s+)?(?:length|duration|date|day|month|fiscal year|year|number|amount|share|rate|"
    r"percentage|proportion|period|term|size|total|value|level|count)\b",
    re.IGNORECASE,
)
# A measure that reads as a state or a passive, and needs "were": "newly dispatched",
# "on dispatch in total", "received by the agency".
_NEEDS_COPULA = re.compile(
    r"^(?:\w+ly\s+\w+|(?:on|in|at|under|abroad|away|from|with|still)\b|\w+ed\s+by\b)",
    re.IGNORECASE,
)
CHANGE = re.compile(r"^(increase|decrease|rise|fall|drop|growth|decline) in (.+)$", re.IGNORECASE)


def join_items(items: Sequence[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def figure(value_text: str, measure: str, when: str = "") -> str:
    """A figure as a clause, from the fact's value, measure and period, without its label:
    "12 vessels newly delivered in 2019", "a decrease of 4 vessels in newly delivered",
    "3 weeks, the length of the audit"."""
    measure = " ".join(measure.split())
    change = CHANGE.match(measure)
    if change:
        kind = change.group(1).lower()
        article = "an" if kind[0] in "aeiou" else "a"
        text = f"{article} {kind} of {value_text} ({change.group(2)})"
    elif _NOUN_MEASURE.match(measure):
        text = f"{value_text}, {_the(measure)}"
    else:
        text = f"{value_text} {measure}".strip()
    return f"{text} {when}".strip()


def how_many(unit: str, measure: str, kind: str = "count") -> str:
    """What a question asked, as an indirect question: "how many vessels were newly delivered",
    "the length of the audit"."""
    measure = " ".join(measure.split())
    change = CHANGE.match(measure)
    if kind != "count" or change or _NOUN_MEASURE.match(measure):
        return _the(measure)
    copula = " were" if _NEEDS_COPULA.match(measure) else ""
    return f"how many {unit}{copula} {measure}".strip()


def _the(measure: str) -> str:
    return measure if measure.lower().startswith(("the ", "a ", "an ")) else f"the {measure}"


DEFAULT_SOURCE = "chapter"  # what answers call the reviewed table's text


def does_not_say(name: str, what: str, when: str = "") -> str:
    """ "The chapter does not say how many persons were newly dispatched in FY2011."."""
    subject = f"The {name} {'do' if is_plural(name) else 'does'} not say"
    return f"{subject} {what} {when}".strip() + "."


def it_gives(figures: Sequence[str], name: str = "") -> str:
    """ "It gives 10 officials in FY2013 and 158 officials from FY1999 to FY2013 in total."."""
    if not figures:
        return ""
    return f"{'They give' if is_plural(name) else 'It gives'} {join_items(list(figures))}."


def is_plural(word: str) -> bool:
    word = word.lower().strip()
    return (word.endswith("s") and not word.endswith(("ss", "us", "is"))) or word in {
        "women",
        "men",
        "people",
        "children",
        "data",
    }
