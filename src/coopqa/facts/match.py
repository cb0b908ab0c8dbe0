"""Which extracted facts answer a question: coverage of the question's terms by a fact's row label,
column header, heading and sentence, weighted by how rare each term is in the document.

Coverage, not similarity: a fact answers only when the words that make the question specific are
in the fact's own labels (or its sentence), and when its period is the one asked for.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from ..ingest.text import tokenize
from .model import Fact, row_and_group
from .numbers import SPLIT_YEAR

_YEAR = re.compile(r"\b(?:FY\s?)?((?:19|20)\d\d)\b")
_FOOTNOTE = re.compile(r"\((?:\d|[a-z])\)")  # "(1)", "(a)"


@dataclass(frozen=True)
class Scored:
    fact: Fact
    coverage: float  # idf-weighted share of the question's terms the fact's words hold
    precision: float  # share of the fact's row label the question names
    missing: tuple[str, ...]
    column_hits: int = 0  # the question's words its column header holds

    @property
    def score(self) -> float:
        return self.coverage + 0.35 * self.precision


@dataclass(frozen=True)
class Series:
    """One row or measure across periods: year -> fact."""

    key: tuple[str, str, str]
    by_year: dict[int, Fact]
    coverage: float
    precision: float

    @property
    def score(self) -> float:
        return self.coverage + 0.35 * self.precision


def strip_years(text: str) -> str:
    """A label without its periods: "Gavin Darby 2017/18" and "Gavin Darby 2018/19" meet."""
    text = SPLIT_YEAR.sub(" ", _FOOTNOTE.sub(" ", text))
    return " ".join(_YEAR.sub(" ", text).split())


def fact_years(fact: Fact) -> set[int]:
    return {int(y) for y in _YEAR.findall(f"{fact.period}")}


class DocumentFacts:
    """The extracted facts of the documents in scope, ready to match against questions."""

    def __init__(self, facts: Iterable[Fact], texts: Iterable[str]) -> None:
        self.facts = [f for f in facts if not f.derived]
        counts: dict[str, int] = defaultdict(int)
        units = list(texts)
        for unit in units:
            for token in set(tokenize(unit)):
                counts[token] += 1
        n = max(len(units), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in counts.items()}
        self.default_idf = math.log(1 + n)

    def only(self, keep: Callable[[Fact], bool]) -> DocumentFacts:
        """The same documents' vocabulary with only the facts ``keep`` accepts."""
        view = DocumentFacts.__new__(DocumentFacts)
        view.facts = [f for f in self.facts if keep(f)]
        view.idf, view.default_idf = self.idf, self.default_idf
        return view

    @cached_property
    def _words(self) -> list[tuple[set[str], set[str], set[str], set[str]]]:
        """(all words, row-label words, its group's words, column-header words) of each fact."""
        out = []
        for fact in self.facts:
            own, group = row_and_group(strip_years(fact.subject))
            label, grouped = set(tokenize(own)), set(tokenize(group))
            column = set(tokenize(strip_years(fact.measure))) if fact.origin == "table" else set()
            if fact.origin == "table":
                label |= self._compound_parts(label)  # "Netbook amount" is a net book amount
                words = (
                    label | grouped | set(tokenize(f"{fact.measure} {fact.scope} {fact.section}"))
                )
            else:
                words = set(tokenize(f"{fact.quote} {fact.section}"))
            out.append((words, label, grouped - label, column))
        return out

    def _compound_parts(self, words: set[str]) -> set[str]:
        """The two words the documents use elsewhere that a closed-up word joins ("netbook")."""
        parts = set()
        for word in words:
            for i in range(3, len(word) - 2):
                if word[:i] in self.idf and word[i:] in self.idf:
                    parts |= {word[:i], word[i:]}
        return parts

    @cached_property
    def _header_words(self) -> dict[tuple[str, int], set[str]]:
        """Per table (doc, paragraph): the words of all its column headers."""
        out: dict[tuple[str, int], set[str]] = defaultdict(set)
        for fact in self.facts:
            if fact.origin == "table":
                out[_table_key(fact)] |= set(tokenize(strip_years(fact.measure)))
        return out

    def _wrong_column(self, fact: Fact, terms: tuple[str, ...]) -> bool:
        """The question names another column of this fact's table ("penetration" for a count)."""
        if fact.origin != "table":
            return False
        headers = self._header_words.get(_table_key(fact), set())
        own = set(tokenize(fact.measure)) | set(tokenize(fact.subject))
        return any(t in headers and t not in own for t in terms)

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.default_idf)

    def known(self, term: str) -> bool:
        return term in self.idf

    def mentions_year(self, terms: tuple[str, ...], year: int, minimum: float) -> bool:
        """Whether a fact covering ``terms`` well is of ``year`` or quotes it."""
        return any(
            year in fact_years(s.fact) or str(year) in s.fact.quote
            for s in self.rank(terms)
            if s.coverage >= minimum
        )

    def rank(
        self, terms: tuple[str, ...], years: tuple[int, ...] = (), one_column: bool = True
    ) -> list[Scored]:
        """Facts by coverage of ``terms``; only facts of an asked year when years are asked; with
        ``one_column``, no cell of a column other than the one the question names."""
        if not terms:
            return []
        total = sum(self.weight(t) for t in terms)
        out = []
        asked = set(terms)
        for fact, (words, label, group, column) in zip(self.facts, self._words, strict=True):
            if years and not (fact_years(fact) & set(years)):
                continue
            if one_column and self._wrong_column(fact, terms):
                continue
            have = [t for t in terms if t in words]
            if not have:
                continue
            coverage = sum(self.weight(t) for t in have) / total
            # A row's group ("Total revenues (Consolidated)") weighs half its own label's words.
            named = len((label | group) & asked)
            size = len(label) + 0.5 * len(group)
            precision = min(named / size, 1.0) if size else 0.0
            missing = tuple(t for t in terms if t not in words)
            hits = len(column & asked) if fact.unit != "%" else 0  # "% of Revenue" is a share
            out.append(Scored(fact, coverage, precision, missing, hits))
        # Ties go to the column the question's words also name ("Total assets": the Total column).
        return sorted(out, key=lambda s: (-s.score, -s.column_hits))

    def series(self, terms: tuple[str, ...]) -> list[Series]:
        """Facts grouped by what they measure with the period taken out, best coverage first:
        a table row (or column) across periods, or the levels one sentence gives for each year
        ("from $618.3 million in 2018 to $668.6 million in 2019")."""
        groups: dict[tuple[str, str, str], dict[int, Fact]] = defaultdict(dict)
        scored: dict[tuple[str, str, str], Scored] = {}
        for item in self.rank(terms):
            fact = item.fact
            years = sorted(fact_years(fact))
            if len(years) != 1 or fact.measure.startswith(("increase in", "decrease in", "date")):
                continue
            if fact.origin == "prose":
                key = (fact.doc, f"sentence {fact.start}", fact.unit)
            else:
                key = (fact.doc, strip_years(fact.subject), strip_years(fact.measure))
            groups[key].setdefault(years[0], fact)
            if key not in scored or item.score > scored[key].score:
                scored[key] = item
        out = [
            Series(key, dict(sorted(by_year.items())), scored[key].coverage, scored[key].precision)
            for key, by_year in groups.items()
        ]
        return sorted(out, key=lambda s: -s.score)


def _table_key(fact: Fact) -> tuple[str, int]:
    return (fact.doc, int(fact.id.split(".t", 1)[1].split(".", 1)[0]) if ".t" in fact.id else 0)
