"""What a number in a sentence counts: "0.2 million shares" counts shares, so it does not answer
"how many employees", though the sentence names employees too ("shares ... from employee tax
withholdings")."""

from __future__ import annotations

from typing import Any

from ..ingest.text import tokenize

_SCALE_WORDS = frozenset(("hundred", "thousand", "million", "billion", "dozen"))
_LIST_WORDS = frozenset((",", "and", "or"))


def quantified_noun(text: str, start: int, end: int) -> Any | None:
    """The noun the number at ``text[start:end]`` is a count of: the first word after it and
    any numbers, scale words and list commas that go with it ("31 aircraft", "0.2 million, 0.3
    million and 0.6 million shares"); None when no noun follows ("was 156,000 and 142,000 with")."""
    from ..ingest.nlp import parse

    doc = parse(text)
    after = [t for t in doc if t.idx >= end]
    for token in after:
        if token.like_num or token.lower_ in _SCALE_WORDS or token.lower_ in _LIST_WORDS:
            continue
        if token.dep_ in ("compound", "amod") or token.pos_ == "ADJ":
            continue  # "9,000 Boeing employees", "12 new hospitals": the noun they modify
        return token if token.pos_ in ("NOUN", "PROPN") else None
    return None


def counts_another(question_terms: set[str], text: str, start: int, end: int) -> bool:
    """The number counts a noun the question does not use (a "how many" question asks for a
    count of what it names)."""
    noun = quantified_noun(text, start, end)
    if noun is None:
        return False
    return not set(tokenize(noun.text)) & question_terms
