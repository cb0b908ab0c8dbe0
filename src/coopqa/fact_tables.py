"""Which fact table answers a question's documents.

The reviewed table (``corpus/facts.csv``) answers the documents its rows quote. A narrative
document, every figure in a sentence and no table, is answered the same way from its own
extracted facts: they form its fact table, looked up by subject, measure and period, with the
derivation rules over them. A document with tables has no such table here: ``respond`` reads its
cells by row and column header.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .corpus import Passage


@dataclass(frozen=True)
class TableView:
    """A fact table with its facts' vectors (for ranking by meaning)."""

    table: Any  # FactTable
    vectors: dict[str, list[float]]
    reviewed: bool


def is_narrative(passages: Iterable[Passage]) -> bool:
    """Prose only: at least one passage, and none of them a table."""
    kinds = {p.kind for p in passages}
    return bool(kinds) and "table" not in kinds


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
