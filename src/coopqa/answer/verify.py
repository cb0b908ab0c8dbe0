"""Check every number in an answer against the fact table and the cited quotes.

Each number is compared with the facts its sentence is about (subject words, unit, period), not
with every fact that happens to share its value: "410 at the end of FY2011" is derived, "410 at the
end of FY2012" contradicts 424, and "424 at the end of FY2013" is never verified.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..facts.lookup import FactTable
from ..facts.model import Fact, same_unit_kind
from ..facts.numbers import NumberMention, find_numbers, may_hold_number
from ..facts.overlay import mention_matches
from ..facts.query import OPERATION_RE, over_time_words
from ..facts.units import unit_class
from ..params import fitted
from . import CheckedNumber

# A change ("rose by 14", "a decrease of 4", "4 fewer than") as opposed to a level ("rose to 424").
_CHANGE_WORDS = re.compile(
    r"\b(?:increase[sd]?|decrease[sd]?|ris[ei]n?|rises|rose|f[ae]ll(?:en|s)?|drop(?:ped|s)?|"
    r"declin\w*|gr[eo]wn?|grows|went up|went down|up|down|change[sd]?)\s+(?:by|of)\b"
    r"|\b(?:an?\s+)?(?:increase|decrease|rise|fall|drop|decline|change)\s+of\b"
    r"|\b(?:more|fewer|less)\s+than\b|\b\d[\d,]*\s+(?:\w+\s+)?(?:more|fewer|less)\b",
    re.I,
)
_CLAIM_BREAK = re.compile(r";\s+|,\s+(?:and|while|whereas|but|so)\s+|\s+while\s+|\s+whereas\s+")
_BY_YEAR = re.compile(r"\b(?:by|as of|up to|through|until|till)\s+(?:the\s+end\s+of\s+)?FY", re.I)
_CHANGE_MEASURE = re.compile(r"^(?:increase|decrease) in ")
_CLAUSE_BREAK = re.compile(r"[,;:]\s*|\s+(?:and|while|whereas|but)\s+|\s+[–—-]\s+")
TIE = fitted("verify_tie")  # candidates this close in context score are indistinguishable
SUBJECT_MARGIN = fitted("subject_margin")
EXPLAIN_BONUS = fitted("explain_bonus")


@dataclass(frozen=True)
class _Window:
    scores: dict[Fact, float]
    change: bool
    over_time: bool
    operation: bool


@dataclass(frozen=True)
class _Sentence:
    """One claim: a sentence, or one of its coordinated clauses, with the dates it can lean on."""

    text: str
    mentions: list[NumberMention]
    times: list[NumberMention]
    over_time: bool
    context_text: str = ""
    context_times: tuple[NumberMention, ...] = ()

    @property
    def period_times(self) -> list[NumberMention]:
        return self.times or list(self.context_times)


def verify_answer(
    text: str, cited_quotes: list[str] | None, table: FactTable | None
) -> list[CheckedNumber]:
    """Classify every number in ``text``: verified, derived, contradicted or unverified."""
    from ..ingest.corpus import split_sentences

    if not may_hold_number(text):
        return []  # no number anywhere in it: nothing to check, and no sentences to split
    quotes = [q for q in (cited_quotes or []) if q]
    out: list[CheckedNumber] = []
    for sentence in split_sentences(text, 0, len(text)):
        previous: _Sentence | None = None
        for claim in _claims(sentence.text):
            sent = _sentence(claim, previous)
            if sent.mentions:
                out += _check_sentence(sent, quotes, table)
                previous = sent
    return out


def _claims(text: str) -> list[str]:
    """Split "9 officials attended A, and 10 attended B" where both sides state a number."""
    parts, start = [], 0
    for m in _CLAIM_BREAK.finditer(text):
        left, right = text[start : m.start()], text[m.end() :]
        if _quantities(left) and _quantities(right):
            parts.append(left)
            start = m.end()
    return [*parts, text[start:]]


def _quantities(text: str) -> bool:
    return any(m.kind != "label" and not m.is_time for m in find_numbers(text))


def _sentence(text: str, previous: _Sentence | None) -> _Sentence:
    mentions = [m for m in find_numbers(text) if m.kind != "label"]
    times = [m for m in mentions if m.is_time]
    over_time = over_time_words(text) or bool(_BY_YEAR.search(text))
    if previous is None:
        return _Sentence(text, mentions, times, over_time)
    inherited = tuple(previous.period_times)
    return _Sentence(text, mentions, times, over_time, previous.text, inherited)


def _check_sentence(
    sent: _Sentence, quotes: list[str], table: FactTable | None
) -> list[CheckedNumber]:
    if table is None or not table.facts:
        return [_from_quotes(m, sent, quotes) for m in sent.mentions]
    return _Checker(table, sent, quotes).run()


class _Checker:
    """The per-sentence state: which subjects the sentence is about and which facts were used."""

    def __init__(self, table: FactTable, sent: _Sentence, quotes: list[str]) -> None:
        self.table = table
        self.sent = sent
        self.quotes = quotes
        scores = table.text_scores(sent.text)
        if sent.context_text:
            earlier = table.text_scores(sent.context_text)
            scores = [max(a, 0.5 * b) for a, b in zip(scores, earlier, strict=True)]
        self.sentence_scores = dict(zip(table.facts, scores, strict=True))
        self.windows: dict[int, _Window] = {}
        self.subjects = self._top_subjects()
        self.used: list[Fact] = []

    def _combines(self, f: Fact) -> bool:
        """A derived fact that adds or subtracts different measures or subjects (not a prior period)."""
        inputs = [self.table.get(i) for i in f.inputs]
        return f.derived and any(
            x is not None and (x.measure, x.subject) != (f.measure, f.subject) for x in inputs
        )

    # -- which programme is this sentence about
    def _top_subjects(self) -> set[str]:
        by_subject: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.table.facts:
            by_subject[fact.subject].append(fact)
        context = {
            s: max(self.sentence_scores[f] for f in facts) for s, facts in by_subject.items()
        }
        best_context = max(context.values())
        scores = {}
        for subject, facts in by_subject.items():
            scores[subject] = context[subject]
            if context[subject] < 0.5 * best_context:
                continue  # a stray value match does not make an off-topic programme relevant
            explained = sum(
                1
                for m in self.sent.mentions
                if any(self._says(m, f) and self._period_ok(f, m) for f in facts)
            )
            scores[subject] += EXPLAIN_BONUS * explained
        best = max(scores.values())
        return {s for s, v in scores.items() if v >= best - SUBJECT_MARGIN and v > 0}

    # -- comparisons
    def _says(self, m: NumberMention, f: Fact) -> bool:
        return self._comparable(m, f) and _value_equal(m, f)

    @staticmethod
    def _comparable(m: NumberMention, f: Fact) -> bool:
        """Same kind of quantity: counts of the same unit class, durations in the same unit, ..."""
        if m.kind == "duration":
            return f.kind == "duration" and same_unit_kind(m.unit, f.unit)
        if m.kind == "count":
            if f.kind != "count":
                return False
            asked = unit_class(m.unit)
            return not asked or asked == (unit_class(f.unit.lower()) or asked)
        if m.kind == "ordinal":
            return f.kind == "ordinal"
        if m.kind == "fiscal_year":
            return f.kind == "fiscal_year"
        return f.kind in ("date", "year")  # a calendar year or a date

    def _period_ok(self, f: Fact, m: NumberMention) -> bool:
        """The sentence's other dates do not contradict the fact's period."""
        times = [t for t in self.sent.period_times if t is not m]
        if f.kind in ("fiscal_year", "date", "year") or not (f.period or f.scope):
            return True
        if f.cumulative:
            if not times:
                return True
            ranges = {frozenset(int(t.value) for t in times if t.note == n) for n in _notes(times)}
            if ranges:
                return frozenset(f.scope_years) in ranges
            starts = set(f.scope_years) - f.period_years
            return (self.sent.over_time or bool(starts & _years(times))) and _meets(f, times)
        if not times:
            return True
        return bool(_years(times) & f.period_years) or (
            not f.period and bool(_years(times) & f.scope_years)
        )

    def _window(self, m: NumberMention) -> _Window:
        """What the words around a number say (computed once per number)."""
        if m.start not in self.windows:
            text = self._clause(m)
            own_date = any(t.text in text for t in self.sent.times)
            leans_on_sentence = (
                bool(_notes(self.sent.times)) or self.sent.over_time
            ) and not own_date
            self.windows[m.start] = _Window(
                scores=dict(zip(self.table.facts, self.table.text_scores(text), strict=True)),
                change=bool(_CHANGE_WORDS.search(text)),
                over_time=over_time_words(text) or bool(_BY_YEAR.search(text)) or leans_on_sentence,
                operation=bool(OPERATION_RE.search(text)),
            )
        return self.windows[m.start]

    def _local(self, m: NumberMention, f: Fact) -> float:
        """Context score of a fact around a number, plus a bonus when its period is the nearest date."""
        window = self._window(m)
        score = 0.7 * window.scores[f] + 0.3 * self.sentence_scores[f]
        if window.change != bool(_CHANGE_MEASURE.match(f.measure)):
            score -= 0.2  # "a decrease of 4" is a change; "143 persons" is a level
        if self._combines(f) and not window.operation:
            score -= 0.2  # a sum or difference needs words that ask for one
        if f.kind not in ("fiscal_year", "date", "year") and (f.period or f.scope):
            score += 0.2 if f.cumulative == window.over_time else 0.0
        nearest = sorted(
            ((abs(t.start - m.start), t) for t in self.sent.times if t is not m), key=lambda x: x[0]
        )
        if nearest and f.kind not in ("fiscal_year", "date", "year"):
            distance, t = nearest[0]
            if int(t.value) in (f.period_years | (f.scope_years if not f.period else set())):
                score += 0.3 / (1 + distance / 40)
                score += 0.1 if (t.position == "end") == f.at_period_end else 0.0
        return score - (0.01 if f.derived else 0.0)

    def _clause(self, m: NumberMention) -> str:
        """The words that belong to this number: from the previous number's clause end to the last
        clause break before the next number ("143 units were shipped, | a decrease of 4")."""
        text = self.sent.text
        quantities = [q for q in self.sent.mentions if q.is_time == m.is_time]
        i = quantities.index(m) if m in quantities else -1
        start, end = 0, len(text)
        if i > 0:
            prev_end = quantities[i - 1].end
            brk = _CLAUSE_BREAK.search(text, prev_end, m.start)
            start = brk.end() if brk else prev_end
        if 0 <= i < len(quantities) - 1:
            next_start = quantities[i + 1].start
            breaks = list(_CLAUSE_BREAK.finditer(text, m.end, next_start))
            end = breaks[-1].start() if breaks else next_start
        return text[start:end]

    def _candidates(self, m: NumberMention, subjects: set[str] | None) -> list[Fact]:
        return [
            f
            for f in self.table.facts
            if (subjects is None or f.subject in subjects)
            and self._comparable(m, f)
            and self._period_ok(f, m)
        ]

    # -- decisions
    def run(self) -> list[CheckedNumber]:
        results: dict[int, CheckedNumber] = {}
        for i, m in enumerate(self.sent.mentions):
            if not m.is_time:
                results[i] = self._check_quantity(m)
        for i, m in enumerate(self.sent.mentions):
            if m.is_time:
                results[i] = self._check_time(m)
        return [results[i] for i in range(len(self.sent.mentions))]

    def _decide(self, m: NumberMention, candidates: list[Fact]) -> CheckedNumber | None:
        """Verified when the best-fitting facts all say this value; contradicted when none does."""
        if not candidates:
            return None
        ranked = sorted(((self._local(m, f), f) for f in candidates), key=lambda x: -x[0])
        top = [f for s, f in ranked if s >= ranked[0][0] - TIE]
        agreeing = [f for f in top if _value_equal(m, f)]
        if agreeing and len(agreeing) == len(top):
            fact = next((f for f in agreeing if not f.derived), agreeing[0])
            self.used.append(fact)
            return _checked(m, "derived" if fact.derived else "verified", fact)
        if not agreeing and len({f.value for f in top}) == 1:
            return _checked(m, "contradicted", top[0], expected=top[0].value)
        return _checked(m, "unverified")

    def _check_quantity(self, m: NumberMention) -> CheckedNumber:
        decided = self._decide(m, self._candidates(m, self.subjects))
        if decided is not None and decided.status == "contradicted" and self._moved(m, decided):
            return _checked(m, "unverified")  # right number, other period: the date is what's wrong
        if decided is not None and decided.status != "unverified":
            return decided
        if decided is None and not any(self._says(m, f) for f in self.table.facts):
            return _from_quotes(m, self.sent, self.quotes)
        return decided or _checked(m, "unverified")

    def _moved(self, m: NumberMention, decided: CheckedNumber) -> bool:
        """Whether a fact with this very value fits the context as well as the contradicting one,
        only for a different period."""
        rival = self.table.get(decided.fact_id or "")
        if rival is None:
            return False
        floor = self._local(m, rival) - TIE
        return any(
            f.subject in self.subjects and self._says(m, f) and not self._period_ok(f, m)
            and self._local(m, f) >= floor
            for f in self.table.facts
        )  # fmt: skip

    def _check_time(self, m: NumberMention) -> CheckedNumber:
        key = int(m.value)
        for fact in self.used:  # the period of a number already checked
            if key in fact.period_years | fact.scope_years:
                return _checked(m, "derived" if fact.derived else "verified", fact)
        ranged = self._range_fact(m)
        if ranged is not None:
            return _checked(m, "derived" if ranged.derived else "verified", ranged)
        values = self._candidates(m, self.subjects)
        has_quantities = any(not x.is_time for x in self.sent.mentions)
        if has_quantities:
            exact = [f for f in values if _value_equal(m, f)]
            if exact:
                return _checked(m, "verified", exact[0])
            return self._wrong_period(m) or _checked(m, "unverified")
        decided = self._decide(m, values)
        if decided is not None and decided.status == "verified":
            return decided
        best = max(values, key=lambda f: self._local(m, f), default=None)
        if best is not None and self._local(m, best) >= 0.5 and decided is not None:
            return decided
        for fact in self.table.facts:
            if fact.subject in self.subjects and key in fact.period_years | fact.scope_years:
                return _checked(m, "verified", fact)
        return decided or _from_quotes(m, self.sent, self.quotes)

    def _range_fact(self, m: NumberMention) -> Fact | None:
        """Both ends of "FY1999 to FY2013" verified together when a fact has exactly that scope."""
        if not m.note:
            return None
        ends = [t for t in self.sent.times if t.note == m.note]
        years = {int(t.value) for t in ends}
        for fact in self.table.facts:
            if fact.subject in self.subjects and fact.scope_years and years == fact.scope_years:
                return fact
        return None

    def _wrong_period(self, m: NumberMention) -> CheckedNumber | None:
        """A date that moves a stated number to another period: the table's period is expected."""
        for q in self.sent.mentions:
            if q.is_time:
                continue
            for f in self.table.facts:
                if f.subject in self.subjects and self._says(q, f) and not self._period_ok(f, q):
                    same_kind = [p for p in f.period_mentions if p.kind == m.kind]
                    if len(same_kind) == 1 and not f.cumulative:
                        return _checked(m, "contradicted", f, expected=same_kind[0].value)
        return None


def _notes(times: list[NumberMention]) -> set[str]:
    return {t.note for t in times if t.note}


def _years(times: list[NumberMention]) -> set[int]:
    return {int(t.value) for t in times}


def _meets(f: Fact, times: list[NumberMention]) -> bool:
    return bool(_years(times) & (f.period_years | f.scope_years))


def _value_equal(m: NumberMention, f: Fact) -> bool:
    """Same value and compatible kind; a bare year matches a dated fact of that year."""
    if m.value != f.value:
        return False
    if m.kind == "count":
        return f.kind == "count" and not _incompatible(m, f)
    if m.kind == "year":
        return f.kind in ("date", "year")
    if m.kind == "date" and f.kind == "year":
        return True
    return mention_matches(m, f)


def _incompatible(m: NumberMention, f: Fact) -> bool:
    """ "under 120" against a fact of "over 120" (and the reverse) are different claims."""
    lower = {"over", "at_least"}
    upper = {"under", "at_most"}
    return (m.qualifier in lower and f.qualifier in upper) or (
        m.qualifier in upper and f.qualifier in lower
    )


def _checked(
    m: NumberMention, status: str, fact: Fact | None = None, expected: float | None = None
) -> CheckedNumber:
    return CheckedNumber(
        text=m.text, value=m.value, status=status, fact_id=fact.id if fact else None,  # type: ignore[arg-type]
        expected=expected,
    )  # fmt: skip


def _from_quotes(m: NumberMention, sent: _Sentence, quotes: list[str]) -> CheckedNumber:
    """Verified when a cited quote states the same number and every date the sentence gives."""
    wanted = _years([t for t in sent.times if t is not m])
    for quote in quotes:
        found = find_numbers(quote)
        same = [
            q for q in found
            if q.kind == m.kind and q.value == m.value and (m.kind != "duration" or same_unit_kind(q.unit, m.unit))
        ]  # fmt: skip
        if same and wanted <= _years([q for q in found if q.is_time]):
            return _checked(m, "verified")
    return _checked(m, "unverified")
