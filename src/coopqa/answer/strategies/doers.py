"""Which of a sentence's figures counts the ones doing what the question asks about: in "40 pupils
from 9 schools competed", asked about competitors, the pupils (the verb's subject), not the
schools (only where they came from). General English from spaCy's parse.
"""

from __future__ import annotations

from functools import lru_cache

from ...facts.model import Fact
from ...ingest.nlp import counted_noun
from ...ingest.text import tokenize

_SUBJECTS = frozenset(("nsubj", "nsubjpass"))


def doer_facts(question: str, facts: list[Fact]) -> list[Fact]:
    """The facts whose unit names the subject of a verb the question names a form of
    ("competitors", "competed"); empty when none does."""
    asked = set(tokenize(question))
    return [f for f in facts if set(tokenize(f.unit)) & subjects_of(f.quote, asked)]


def subjects_of(sentence: str, stems: set[str]) -> set[str]:
    """The words of the subject of each verb of ``sentence`` whose stem is among ``stems``:
    "a total of 40 pupils" is the pupils."""
    return {w for verb, subject in _verb_subjects(sentence) if set(verb) & stems for w in subject}


@lru_cache(maxsize=8192)  # facts' sentences are read for question after question
def _verb_subjects(sentence: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(stems of a verb, stems of its subject) for each verb's subject in ``sentence``."""
    from ...ingest.nlp import parse

    return tuple(
        (tuple(tokenize(token.text)), tuple(tokenize(_counted(child).text)))
        for token in parse(sentence)
        if token.pos_ == "VERB"
        for child in token.children
        if child.dep_ in _SUBJECTS
    )


def _counted(noun):  # noqa: ANN001, ANN202 - a spaCy token
    """The noun a count noun counts ("a total of pupils" -> pupils); else the noun itself."""
    counted = counted_noun(noun)
    return noun if counted is None else counted
