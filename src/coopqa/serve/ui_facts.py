"""The Facts tab: every fact grouped by document and subject, as readable HTML (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..ingest.titles import title_of
from .ui_render import esc

ALL_DOCS = "All documents"
NOT_QUANTITIES = frozenset({"date", "ordinal"})  # "April 1994", "the 18th": when and which
_RANGE = re.compile(r"\d{4}.*(?:–|—|-|\bto\b|\bthrough\b).*\d{4}")


def period_label(period: str, scope: str = "") -> str:
    """The period a fact covers, as a full range when its scope is one: "FY1991–FY2013"."""
    scope, period = (scope or "").strip(), (period or "").strip()
    if scope and _RANGE.search(scope):
        return re.sub(r"\s*(?:-|—|\bto\b|\bthrough\b)\s*", "–", scope)
    return period or scope or "—"


def unit_for(value: Any, unit: str) -> str:
    """The unit agreeing with its number: 1 → "1 consultation", "1 week"; others unchanged."""
    if value != 1 or not unit:
        return unit
    head, _, last = unit.rpartition(" ")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    elif last == "people":
        last = "person"
    return f"{head} {last}".strip()


def value_label(value: Any, unit: str = "") -> str:
    """12345.0 persons → "12,345 persons"; 1991.0 fiscal year → "1991 fiscal year"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    yearly = "year" in unit.lower() and isinstance(value, int) and 1000 <= value <= 2999
    shown = f"{value:,}" if isinstance(value, int) and not yearly else str(value)
    return f"{shown} {unit_for(value, unit)}".strip()


def is_quantity(fact: Any) -> bool:
    """Whether a fact states an amount: dates and ordinals say when and which, not how many."""
    return getattr(fact, "kind", "count") not in NOT_QUANTITIES


def fact_matches(fact: Any, doc: str | None, query: str) -> bool:
    """Whether a fact is in the chosen document and contains every word of ``query``."""
    if doc and doc != ALL_DOCS and getattr(fact, "doc", "") != doc:
        return False
    words = (query or "").lower().split()
    if not words:
        return True
    hay = " ".join(
        str(getattr(fact, k, ""))
        for k in ("subject", "measure", "value", "unit", "period", "scope", "quote", "formula")
    )
    hay = f"{hay} {period_label(fact.period, fact.scope)}".lower()
    return all(w in hay for w in words)


def group_facts(facts: Iterable[Any]) -> dict[str, dict[str, list[Any]]]:
    """{document: {subject: [facts]}} keeping the table's order."""
    groups: dict[str, dict[str, list[Any]]] = {}
    for fact in facts:
        subject = fact.subject or "(no subject)"
        groups.setdefault(fact.doc or "(no document)", {}).setdefault(subject, []).append(fact)
    return groups


def _row(fact: Any) -> str:
    if fact.derived:
        source = f'<span class="coop-fact-derived">Σ derived: {esc(fact.formula)}</span>'
    else:
        source = f"“{esc(fact.quote)}”"
    qualifier = "" if fact.qualifier in ("", "exact") else f" ({esc(fact.qualifier)})"
    page = f"p. {fact.page}" if fact.page else ""
    return (
        "<tr>"
        f'<td class="coop-fact-measure">{esc(fact.measure)}</td>'
        f'<td class="coop-fact-value">{esc(value_label(fact.value, fact.unit))}{qualifier}</td>'
        f'<td class="coop-fact-period">{esc(period_label(fact.period, fact.scope))}</td>'
        f'<td class="coop-fact-source">{source} <span class="coop-fact-page">{page}</span></td>'
        "</tr>"
    )


def render_facts_html(
    facts: Iterable[Any] | None,
    doc: str | None = None,
    query: str = "",
    titles: Mapping[str, str] | None = None,
) -> str:
    """Quantities of one document (or all), filtered by words, grouped by document (headed by its
    title) and subject."""
    if facts is None:
        return '<div class="coop-facts-empty">No fact table is loaded.</div>'
    chosen = [f for f in facts if is_quantity(f) and fact_matches(f, doc, query)]
    if not chosen:
        return '<div class="coop-facts-empty">No fact matches this filter.</div>'
    parts = [f'<div class="coop-facts"><p class="coop-facts-count">{len(chosen)} facts</p>']
    head = "<thead><tr><th>What</th><th>Value</th><th>Period</th><th>Source</th></tr></thead>"
    for document, subjects in group_facts(chosen).items():
        name = title_of(document, titles) if document != "(no document)" else document
        parts.append(f'<section class="coop-facts-doc"><h3>{esc(name)}</h3>')
        for subject, rows in subjects.items():
            parts.append(
                f'<details open class="coop-facts-subject"><summary>{esc(subject)} '
                f'<span class="coop-facts-n">({len(rows)})</span></summary>'
                f'<table class="coop-facts-table">{head}<tbody>'
                + "".join(_row(f) for f in rows)
                + "</tbody></table></details>"
            )
        parts.append("</section>")
    parts.append("</div>")
    return "".join(parts)


def document_choices(
    assistant: Any, titles: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(label, value): "All documents", then each document of the index (and of the fact table)
    by its title, its id the value."""
    docs: dict[str, None] = dict.fromkeys(getattr(assistant, "documents", None) or [])
    corpus = getattr(assistant, "corpus", None)
    for document in getattr(corpus, "documents", None) or []:
        docs.setdefault(document.doc, None)
    for fact in getattr(getattr(assistant, "facts", None), "facts", None) or []:
        if fact.doc:
            docs.setdefault(fact.doc, None)
    return [(ALL_DOCS, ALL_DOCS), *((title_of(d, titles), d) for d in docs)]
