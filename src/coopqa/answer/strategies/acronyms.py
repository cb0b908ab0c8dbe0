"""An abbreviation the documents never use, read as the capitalised words they do use whose
initials it spells: "AGM" for the "Annual General Meeting" a report names in full."""

from __future__ import annotations

import re
from functools import lru_cache

from ...facts.match import DocumentFacts
from ...ingest.text import tokenize

_LETTERS = (3, 6)


def expansion(term: str, facts: DocumentFacts) -> list[str]:
    """The stems of the one run of capitalised words whose initials spell ``term`` (a question
    stem the documents never use); empty when none or several different runs do."""
    if not _LETTERS[0] <= len(term) <= _LETTERS[1] or not term.isalpha() or facts.known(term):
        return []
    texts = tuple(dict.fromkeys(t for f in facts.facts for t in (f.quote, f.section) if t))
    return list(_runs(term, texts))


@lru_cache(maxsize=1024)
def _runs(term: str, texts: tuple[str, ...]) -> tuple[str, ...]:
    words = r"\s+".join(rf"{c.upper()}[\w'-]*" for c in term)
    found = {m.group(0) for text in texts for m in re.finditer(rf"\b{words}\b", text)}
    if len(found) != 1:
        return ()
    return tuple(tokenize(found.pop()))
