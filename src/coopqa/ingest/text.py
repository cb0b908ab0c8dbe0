"""Words for search: tokens, Snowball stemming (PyStemmer), fiscal-year and spelling folding, the thesaurus.

Pure functions with no heavy imports, shared by retrieval, follow-ups and sentence scoring.
"""

from __future__ import annotations

import re
from functools import lru_cache

_STOPWORDS = frozenset(
    """a an and are as at be been by did do does for from had has have how in into is it its many
    much of on or that the their them these they this those to was were what when where which who
    whom why will with about also than then there so such any all each per over under can could
    would should may might i we you he she me my our your please tell say said s t d ll re ve""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")
_INITIALISM = re.compile(r"\b(?:[a-z]\.){2,}")
_NEGATED = re.compile(r"\bnon-(?=[a-z])")
_FISCAL_YEAR = re.compile(r"\b(?:fy|fiscal(?:\s+year)?)\s*((?:19|20)\d\d)\b")
_SPELLING = (
    (re.compile(r"is(e|es|ed|ing|ation|ations)\b"), r"iz\1"),
    (re.compile(r"programme"), "program"),
    (re.compile(r"\b(\w+)our\b"), r"\1or"),
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """English Snowball stem: 'dispatches'/'dispatched', 'died'/'die', 'married'/'marry' meet."""
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def expand_query(tokens: list[str]) -> list[str]:
    """Query tokens plus the documents' words for them (the glossary's thesaurus)."""
    from .glossary import active

    thesaurus = active().stemmed_thesaurus
    extra = [w for t in tokens for w in thesaurus.get(t, "").split()]
    return tokens + [stem(w) for w in extra]


def normalize_words(text: str) -> str:
    """Lower-case with "fiscal 2012"/"FY 2012" as "fy2012", "non-current" as "noncurrent" and
    British spellings made American."""
    text = _FISCAL_YEAR.sub(r"fy\1", text.lower().replace("’", "'"))
    text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)  # "u.k." is "uk"
    text = _NEGATED.sub("non", text)  # "non-current" is one word: it does not say "current"
    for pattern, repl in _SPELLING:
        text = pattern.sub(repl, text)
    return text


def tokenize(text: str) -> list[str]:
    return list(_tokens(text))


@lru_cache(maxsize=50_000)  # the same sentences are read for question after question
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in _TOKEN.findall(normalize_words(text)) if t not in _STOPWORDS)
