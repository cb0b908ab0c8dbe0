"""The numbers of an answer checked: each verified by a quote, derived from facts, unverified or
contradicted (and corrected from the table when an LLM wrote it); a false premise corrected."""

from __future__ import annotations

import re
from typing import Any
from weakref import WeakKeyDictionary

from ..ingest.corpus import normalize_for_match
from ..params import fitted
from . import CheckedNumber
from .synthesize import phrase
from .wording import elided_segments

MARKER = re.compile(r"\[(\d+)\]")
# Level facts this close to the best match are all weighed when checking a rise or fall.
DIRECTION_MARGIN = fitted("direction_margin")


def mask_markers(text: str) -> tuple[str, list[str]]:
    """Citation markers hidden from the number checker: "[2]" is a reference, not a number."""
    markers = MARKER.findall(text)
    return MARKER.sub("\u27e6\u27e7", text), markers


def unmask_markers(text: str, markers: list[str]) -> str:
    it = iter(markers)
    return re.sub("\u27e6\u27e7", lambda _: f"[{next(it, '')}]", text)


QUOTED = re.compile(r"“([^”]+)”")
QUOTE_CACHE_SIZE = 4096
# table -> {(quote, glossary id): its checked numbers}; a table's entries go with the table.
_QUOTE_CACHE: WeakKeyDictionary[Any, dict[tuple[str, int], tuple[CheckedNumber, ...]]] = (
    WeakKeyDictionary()
)


def check_numbers(
    text: str,
    quotes: list[str],
    table: Any,
    *,
    correct: bool,
    grounded: list[tuple[str, list[Any]]] | None = None,
    question: str = "",
) -> tuple[str, list[Any], list[str]]:
    """Every number classified; contradicted ones replaced by the table's value when ``correct``.

    Numbers inside a verbatim quote are verified by that quote; numbers in a fragment built from
    known facts are checked against those facts; everything else goes through the verifier.
    """
    from .verify import verify_answer
    from .verify_report import correct_number

    masked, markers = mask_markers(text)
    checked: list[tuple[int, Any]] = []
    hidden: list[tuple[str, str]] = []

    def hide(at: int, fragment: str) -> None:
        nonlocal masked
        hidden.append((_token(len(hidden)), fragment))
        masked = masked[:at] + hidden[-1][0] + masked[at + len(fragment) :]

    for quote in sorted(set(quotes), key=len, reverse=True):  # whole quoted sentences first:
        while (at := masked.find(f"“{quote}”")) >= 0:  # they may hold quotation marks of their own
            checked += [(at, n) for n in _quoted_numbers(quote, table)]
            hide(at, f"“{quote}”")
    cited = [normalize_for_match(q) for q in quotes]
    for m in reversed(list(QUOTED.finditer(masked))):  # right to left: offsets stay valid
        pieces = [normalize_for_match(p) for p in elided_segments(m.group(1))]  # “A … B”
        if pieces and any(all(p in q for p in pieces) for q in cited):
            checked += [(m.start(), n) for n in _quoted_numbers(m.group(1), table)]
            hide(m.start(), m.group(0))
    asked = numbers_in(question)
    echoes = {n.text for n in asked} | {str(int(n.value)) for n in asked if n.is_time}
    for fragment, facts in sorted(grounded or [], key=lambda g: -len(g[0])):  # longest first
        at = masked.find(fragment)
        if at >= 0:
            checked += [
                (at, _fact_number(n, facts, table))
                for n in numbers_in(fragment)
                if not (n.text in echoes and (n.is_time or not facts))  # the question's own words
            ]
            hide(at, fragment)
    free = verify_answer(masked, quotes, table)
    notes = []
    if correct:
        for number in [n for n in free if n.status == "contradicted"]:
            masked = correct_number(masked, number)
            notes.append(
                f"{number.text} contradicted the fact table ({number.fact_id}); "
                f"corrected to {number.expected:g}"
            )
        if notes:
            free = verify_answer(masked, quotes, table)
    for token, fragment in hidden:
        masked = masked.replace(token, fragment, 1)
    ordered = [n for _, n in sorted(checked, key=lambda kv: kv[0])]
    return unmask_markers(masked, markers), ordered + free, notes


def numbers_in(text: str) -> list[Any]:
    from ..facts.numbers import find_numbers

    return [n for n in find_numbers(text) if n.kind != "label"]


def _token(i: int) -> str:
    """A placeholder without digits, so the verifier skips what it stands for."""
    return f"\u27ea{chr(ord('a') + i % 26) * (1 + i // 26)}\u27eb"


def _quoted_numbers(quote: str, table: Any) -> list[CheckedNumber]:
    """The numbers inside a verbatim quote: the quote says them; each names its fact when the
    table has one (the quote is checked once, its numbers matched in reading order)."""
    # Answers quote the same corpus sentences again and again, and the check depends only on the
    # quote, the table and the glossary in use: each quote is checked once per table and glossary.
    from ..ingest.glossary import active

    key = (quote, id(active()))
    cache = _QUOTE_CACHE.setdefault(table, {}) if table is not None else {}
    if key not in cache:
        if len(cache) >= QUOTE_CACHE_SIZE:
            cache.clear()
        cache[key] = tuple(_check_quote(quote, table))
    return list(cache[key])


def _check_quote(quote: str, table: Any) -> list[CheckedNumber]:
    from .verify import verify_answer

    named = list(verify_answer(quote, [quote], table)) if table is not None else []
    out = []
    for mention in numbers_in(quote):
        match = next((n for n in named if n.text == mention.text), None)
        if match is not None:
            named.remove(match)
        fact_id = match.fact_id if match and match.status in ("verified", "derived") else None
        out.append(CheckedNumber(mention.text, mention.value, "verified", fact_id))
    return out


def _in_formula(mention: Any, fact: Any) -> bool:
    """A number of a derived fact's own formula (an input, a rounded result, a count divided by)."""
    if not fact.derived:
        return False
    return any(abs(n.value - mention.value) < 1e-9 for n in numbers_in(fact.formula))


def _fact_number(mention: Any, facts: list[Any], table: Any) -> CheckedNumber:
    """A number in a phrase built from ``facts``: it must be one of theirs (value, input, year)."""
    pool = list(facts)
    for fact in facts:
        if fact.derived and table is not None:
            pool += [f for f in map(table.get, fact.inputs) if f is not None]
    # A fact's own value first (the result of "147 (derived: 143 + 4)" is derived, its stated
    # inputs verified), then a number that only the formula holds (a count divided by).
    # The reader gives digits without their sign: "(618)" reads 618.
    for fact in pool:
        if abs(abs(fact.value) - mention.value) < 1e-9:
            status = "derived" if fact.derived else "verified"
            return CheckedNumber(
                text=mention.text, value=mention.value, status=status, fact_id=fact.id
            )
    for fact in pool:
        if _in_formula(mention, fact):
            return CheckedNumber(
                text=mention.text, value=mention.value, status="derived", fact_id=fact.id
            )
    years = {
        int(y)
        for f in pool
        for y in re.findall(r"(?:19|20)\d\d", f"{f.period} {f.scope} {f.subject} {f.measure}")
    }
    if mention.is_time and int(mention.value) in years:
        return CheckedNumber(
            text=mention.text,
            value=mention.value,
            status="verified",
            fact_id=pool[0].id if pool else None,
        )
    for fact in pool:  # part of a programme's name or measure: "all three", "five-year"
        name = f"{fact.subject} {fact.measure} {fact.period}"
        if re.search(rf"(?<![\w.]){re.escape(mention.text)}(?![\w]|\.\d)", name, re.IGNORECASE):
            return CheckedNumber(
                text=mention.text, value=mention.value, status="verified", fact_id=fact.id
            )
    return CheckedNumber(text=mention.text, value=mention.value, status="unverified")


_DIRECTIONS = {
    "decrease": "decrease",
    "decreased": "decrease",
    "decline": "decrease",
    "declined": "decrease",
    "fall": "decrease",
    "fell": "decrease",
    "drop": "decrease",
    "dropped": "decrease",
    "shrink": "decrease",
    "shrank": "decrease",
    "reduced": "decrease",
    "lower": "decrease",
    "increase": "increase",
    "increased": "increase",
    "rise": "increase",
    "rose": "increase",
    "grow": "increase",
    "grew": "increase",
    "higher": "increase",
}
_DIRECTION_WORD = re.compile(r"\b(" + "|".join(_DIRECTIONS) + r")\b", re.IGNORECASE)


def premise_corrections(question: str, table: Any, rank: Any) -> list[tuple[str, list[Any]]]:
    """Sentences correcting a number or a direction the question takes for granted, each with the
    facts it states (the last one is what the answer should then give)."""
    from .verify import verify_answer

    notes: list[tuple[str, list[Any]]] = []
    for clause in re.split(r"[,;:?]|\b(?:and|but|so|then)\b", mask_markers(question)[0]):
        if _frames_only(clause):
            continue  # nothing in it could be noted below: no need to verify it (or parse it)
        for checked in verify_answer(clause, [], table):
            fact = table.get(checked.fact_id) if checked.fact_id else None
            if fact is None or checked.status != "contradicted":
                continue
            if not _is_year(checked.text) and any(f.value == checked.value for f in table.stated):
                continue  # "the 12 vessels delivered" names a real figure, not a wrong one
            if _is_year(checked.text) and not _claims_date(clause, checked.text):
                continue  # a year that frames the question claims nothing
            notes.append((f"The {table.name} gives a different figure: {phrase(fact)}.", [fact]))
    asked = _DIRECTION_WORD.search(question)
    if asked:
        direction = _DIRECTIONS[asked.group(1).lower()]
        ranked = rank(direction_query(question))
        close = [m.fact for m in ranked[:5] if m.score >= ranked[0].score - DIRECTION_MARGIN]
        changes = [(level, _change_fact(table, level)) for level in close]
        changes = [(level, change) for level, change in changes if change is not None]
        wrong = [(lv, ch) for lv, ch in changes if not ch.measure.startswith(direction)]
        right = [(lv, ch) for lv, ch in changes if ch.measure.startswith(direction)]
        for level, change in wrong[:1]:
            notes.append(
                (f"It did not {direction}: {_level_and_change(level, change)}.", [change, level])
            )
        for level, change in right[:1] if wrong else []:
            notes.append(
                (f"What did {direction}: {_level_and_change(level, change)}.", [change, level])
            )
    return notes


def asked_direction(question: str) -> str | None:
    """ "increase" or "decrease" when the question takes a rise or a fall for granted."""
    asked = _DIRECTION_WORD.search(question)
    return _DIRECTIONS[asked.group(1).lower()] if asked else None


def direction_query(question: str) -> str | None:
    """What the premise check ranks facts by when the question takes a rise or fall for granted
    (the question without its direction word); None when it takes none."""
    return _DIRECTION_WORD.sub(" ", question) if _DIRECTION_WORD.search(question) else None


def _frames_only(clause: str) -> bool:
    """Every number of the clause is a year that only frames it ("How many ... in FY2012"), so
    no premise in it can be wrong."""
    return all(_is_year(n.text) and not _claims_date(clause, n.text) for n in numbers_in(clause))


def _level_and_change(level: Any, change: Any) -> str:
    """ "424 persons on dispatch in total at the end of FY2012, an increase of 14 persons"."""
    kind = change.measure.split(" ", 1)[0]
    article = "an" if kind[0] in "aeiou" else "a"
    return (
        f"{level.value_text()} {level.measure} {level.when()}, "
        f"{article} {kind} of {change.value_text()}"
    )


def _claims_date(clause: str, year: str) -> bool:
    """ "started in FY1999", "set up in 2010": the year is asserted as when something happened."""
    event = r"(start|began|begin|first|launch|establish|set up|found|enact|sign|conclud|creat)\w*"
    return bool(re.search(event + r"\W+(\w+\W+){0,3}" + re.escape(year), clause, re.IGNORECASE))


def kind_of(fact: Any) -> str:
    from ..facts.numbers import TIME_KINDS

    return "time" if fact.kind in TIME_KINDS else fact.kind


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(FY\s?)?(19|20)\d\d", text.strip()))


def _change_fact(table: Any, level: Any) -> Any | None:
    """The stated increase/decrease of a level fact, if the table has one."""
    for fact in table.facts:
        if (
            fact.subject == level.subject
            and fact.period == level.period
            and fact.measure in (f"increase in {level.measure}", f"decrease in {level.measure}")
        ):
            return fact
    return None
