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

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .corpus import Passage
from .numbers import TIME_KINDS


@dataclass(frozen=True)
class TableView:
    """A fact table with its facts' vectors (for ranking by meaning)."""

    table: Any  # FactTable
    vectors: dict[str, list[float]]
    reviewed: bool


# A report whose figures sit under at least this many headings is answered by lookup. Measured:
# Chapter 8 (10 headings) gains 29 of 128 answers; the development documents with their tables
# taken out (1-7 headings), on questions written to look answerable, lose most abstentions.
MIN_SECTIONS = 5


def is_narrative(passages: Iterable[Passage], facts: Iterable[Any]) -> bool:
    """Prose only (no passage a table), with figures under at least MIN_SECTIONS headings."""
    kinds = {p.kind for p in passages}
    sections = {f.section for f in facts if f.kind not in TIME_KINDS}
    return bool(kinds) and "table" not in kinds and len(sections) >= MIN_SECTIONS


def fact_text(fact: Any) -> str:
    """What a fact is embedded as: its names, period and quote."""
    return f"{fact.subject}: {fact.measure} {fact.period} {fact.scope}. {fact.quote}"


def extracted_view(facts: list[Any], passages: list[Passage], embedder: Any) -> TableView:
    """The fact table of narrative documents, from their extracted facts and derivations."""
    from .facts.derive import derive
    from .facts.lookup import FactTable
    from .facts.overlay import section_texts

    stated = [_as_programme(f) for f in facts if f.kind != "label"]
    table = FactTable(stated + derive(stated), section_texts(passages), name="document")
    vectors = embedder.embed_documents([fact_text(f) for f in table.facts]) if table.facts else []
    return TableView(table, dict(zip([f.id for f in table.facts], vectors, strict=True)), False)


def _as_programme(fact: Any) -> Any:
    """A narrative fact is about its section (the lookup groups a subject's measures and periods,
    as the reviewed table groups a programme's)."""
    heading = fact.section.rsplit(" > ", 1)[-1].strip()
    return replace(fact, subject=heading) if heading else fact
