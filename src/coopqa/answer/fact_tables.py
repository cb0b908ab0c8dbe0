"""Which fact table answers a question's documents.

The reviewed table (``corpus/facts.csv``) answers the documents its rows quote. A narrative
report, prose only with its figures under several headings (a chapter of programmes, each under
its own heading), is answered the same way from its own extracted facts: they form its fact
table, grouped by the heading they sit under, looked up by subject, measure and period, with the
derivation rules over them. Any other document (with tables, or a short extract under one or two
headings, where a heading tells no figure from another) is answered by ``respond``, which holds
a question's every word against the sentence or cell that answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..facts.numbers import TIME_KINDS
from ..ingest.corpus import Passage, last_heading
from ..params import fitted


@dataclass(frozen=True)
class TableView:
    """A fact table with its facts' vectors (for ranking by meaning) and the documents it holds."""

    table: Any  # FactTable
    vectors: dict[str, list[float]]
    reviewed: bool
    docs: frozenset[str]


VECTORS_DIR = "extracted-fact-vectors"  # in the data dir: narrative reports' fact vectors

# A report whose figures sit under at least this many headings is answered by lookup. Measured:
# Chapter 8 (10 headings) gains 29 of 128 answers; the development documents with their tables
# taken out (figures under 1-6 headings), on questions written to look answerable, answered by
# lookup, kept 1 of 25 abstentions (respond: 22).
MIN_SECTIONS = fitted("min_sections")


def is_narrative(passages: Iterable[Passage], facts: Iterable[Any]) -> bool:
    """One document's passages and facts: prose only (no passage a table), with figures under
    at least MIN_SECTIONS headings."""
    kinds = {p.kind for p in passages}
    if not kinds or "table" in kinds:
        return False  # the facts (read lazily) are not needed
    return len({f.section for f in facts if f.kind not in TIME_KINDS}) >= MIN_SECTIONS


def fact_text(fact: Any) -> str:
    """What a fact is embedded as: its names, period and quote."""
    return f"{fact.subject}: {fact.measure} {fact.period} {fact.scope}. {fact.quote}"


def extracted_view(
    facts: list[Any],
    passages: list[Passage],
    embed: Callable[[list[str]], list[Any]],
    docs: frozenset[str],
) -> TableView:
    """The fact table of narrative documents, from their extracted facts and derivations;
    ``embed`` gives the vectors of texts."""
    from ..facts.derive import derive
    from ..facts.lookup import FactTable
    from ..facts.overlay import section_texts

    repeated = _repeated_headings(f.section for f in facts)
    stated = [_as_programme(f, repeated) for f in facts if f.kind != "label"]
    table = FactTable(stated + derive(stated), section_texts(passages), name="document")
    vectors = embed([fact_text(f) for f in table.facts]) if table.facts else []
    ids = [f.id for f in table.facts]
    return TableView(table, dict(zip(ids, vectors, strict=True)), reviewed=False, docs=docs)


def _as_programme(fact: Any, repeated: set[str]) -> Any:
    """A narrative fact is about its section (the lookup groups a subject's measures and periods,
    as the reviewed table groups a programme's): its heading, or its whole heading path where
    the heading recurs under other parents ("Results" in every chapter)."""
    heading = last_heading(fact.section)
    subject = fact.section if heading in repeated else heading
    return replace(fact, subject=subject) if subject else fact


def _repeated_headings(sections: Iterable[str]) -> set[str]:
    """Headings that end more than one section path."""
    paths: dict[str, set[str]] = {}
    for section in sections:
        paths.setdefault(last_heading(section), set()).add(section)
    return {heading for heading, under in paths.items() if len(under) > 1}


class FactTables:
    """Per set of documents: the fact table that answers them (``for_docs``) and their extracted
    facts ready to match (``document_facts``), each built once, when a question first needs it."""

    def __init__(
        self,
        reviewed: TableView | None,
        passages: Iterable[Passage],
        extracted: Mapping[str, tuple[list[Any], dict[str, int]]],
        embed: Callable[[frozenset[str], list[str]], list[Any]],
        narrative_lookup: bool,
    ) -> None:
        self.reviewed = reviewed
        self._passages = list(passages)
        self._extracted = extracted
        self._embed = embed
        tabled = {p.doc for p in self._passages if p.kind == "table"}
        # Only a document without a table may be a narrative report (and need a lookup table).
        self.may_have_narrative = narrative_lookup and bool(
            {p.doc for p in self._passages} - tabled
        )
        self._narrative: dict[str, bool] = {}
        self._views: dict[frozenset[str], TableView | None] = {}
        self._matchers: dict[frozenset[str], Any] = {}

    def facts_of(self, docs: frozenset[str]) -> Iterator[Any]:
        """The extracted facts of ``docs`` (each document's decoded when first read)."""
        for doc in sorted(docs):
            yield from self._extracted.get(doc, ([], {}))[0]

    def _passages_of(self, docs: frozenset[str]) -> list[Passage]:
        return [p for p in self._passages if p.doc in docs]

    def _is_narrative(self, doc: str) -> bool:
        if doc not in self._narrative:
            one = frozenset([doc])
            self._narrative[doc] = is_narrative(self._passages_of(one), self.facts_of(one))
        return self._narrative[doc]

    def for_docs(self, docs: frozenset[str]) -> TableView | None:
        """The reviewed table for the documents it covers; for narrative reports only (none of
        them reviewed), their extracted one; else None (``respond`` answers)."""
        if not docs:
            return None
        reviewed = self.reviewed.docs if self.reviewed is not None else frozenset()
        if reviewed and docs <= reviewed:
            return self.reviewed
        if not self.may_have_narrative or docs & reviewed:
            return None
        if docs not in self._views:  # two threads may both build it: the same table
            view = None
            if all(self._is_narrative(doc) for doc in docs):
                facts = list(self.facts_of(docs))
                embed = partial(self._embed, docs)
                view = extracted_view(facts, self._passages_of(docs), embed, docs)
            self._views[docs] = view
        return self._views[docs]

    def document_facts(self, docs: frozenset[str]) -> Any:
        """The extracted facts of ``docs`` with the documents' vocabulary, to match questions."""
        from ..facts.match import DocumentFacts

        if docs not in self._matchers:
            passages = self._passages_of(docs)
            texts = [s.text for p in passages for s in p.sentences]
            texts += sorted({p.section for p in passages})  # headings name what a document covers
            self._matchers[docs] = DocumentFacts(list(self.facts_of(docs)), texts)
        return self._matchers[docs]

    def warm(self, skip: frozenset[str] = frozenset()) -> list[str]:
        """Build each narrative report's table now (its vectors kept for the next start), but
        those in ``skip`` (reviewed ones); the documents built."""
        docs = sorted({p.doc for p in self._passages} - skip)
        return [doc for doc in docs if self.for_docs(frozenset([doc])) is not None]


def vector_store(data_dir: Path, embedder: Any) -> Callable[[frozenset[str], list[str]], list[Any]]:
    """Vectors of a document set's fact texts, kept in ``data_dir``, one file per document set."""

    def embed(docs: frozenset[str], texts: list[str]) -> list[Any]:
        import hashlib

        from ..ingest.precomputed import cached_vectors

        name = hashlib.sha256("\x1f".join(sorted(docs)).encode()).hexdigest()[:16]
        return cached_vectors(data_dir / VECTORS_DIR / f"{name}.npz", texts, embedder)

    return embed
