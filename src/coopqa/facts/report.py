"""The fact table as text, JSON or CSV for the command line, and the overlay check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .derive import derive
from .lookup import FactTable
from .model import COLUMNS, Fact, FactsError
from .overlay import check_facts, coverage, load_fact_table, overlay_facts

if TYPE_CHECKING:
    from ..ingest.corpus import Corpus


def format_table(table: FactTable, fmt: str = "text") -> str:
    """The table as aligned text, JSON (a list of objects) or CSV (the columns plus derivation)."""
    rows = [f.to_row() for f in table.facts]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=list(rows[0]) if rows else list(COLUMNS), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r} (use text, json or csv)")
    width = max((len(f.id) for f in table.facts), default=10)
    lines = [f"{len(table.stated)} stated and {len(table.derived)} derived facts"]
    for f in table.facts:
        source = f"= {f.formula}" if f.derived else f"p.{f.page}"
        lines.append(f"{f.id:<{width}}  {f.value_text():<22}  {f.when() or f.period:<28}  {source}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- CLI entry points


def _load_inputs(settings: object | None) -> tuple[Path, Corpus]:
    from ..config import Settings
    from ..ingest.corpus import load_corpus

    settings = settings or Settings.from_env()
    return Path(settings.facts_path), load_corpus(list(settings.corpus_dirs))  # type: ignore[attr-defined]


def extracted_facts(settings: object, corpus: Corpus) -> dict[str, list[Fact]]:
    """doc -> facts extracted at ingest (from the index), or extracted now when not indexed."""
    from .extract import extract_document

    stored: dict[str, list[Fact]] = {}
    try:
        from ..ingest.index import PassageIndex, make_client
        from . import store

        index = PassageIndex(make_client(settings), settings.collection, None, store)  # type: ignore[attr-defined]
        stored = {doc: facts for doc, (facts, _) in index.facts().items()}
    except Exception:  # no index yet, or an unreachable server: read the documents instead
        stored = {}
    return {
        d.doc: stored[d.doc] if d.doc in stored else extract_document(d).facts
        for d in corpus.documents
    }


def merged_table(settings: object, corpus: Corpus, docs: Sequence[str] = ()) -> FactTable:
    """Extracted facts with the reviewed overlay (facts.csv) laid over them."""
    path = Path(settings.facts_path)  # type: ignore[attr-defined]
    overlay = load_fact_table(path, corpus).stated if path.exists() else []
    extracted = [f for facts in extracted_facts(settings, corpus).values() for f in facts]
    facts = overlay_facts(extracted, overlay)
    if docs:
        facts = [f for f in facts if f.doc in docs]
    return FactTable(facts + derive([f for f in facts if f.origin == "overlay"]))


def cli_facts(
    settings: object | None = None, fmt: str = "text", docs: Sequence[str] = ()
) -> tuple[str, int]:
    """`coopqa facts [--doc NAME] [--json|--csv]`: the table, or a one-line error and exit 1."""
    from ..config import Settings
    from ..ingest.corpus import CorpusError, doc_id_for

    if isinstance(settings, str):  # cli_facts("json") reads as well as cli_facts(settings, "json")
        settings, fmt = None, settings
    settings = settings or Settings.from_env()
    try:
        _, corpus = _load_inputs(settings)
        wanted = [doc_id_for(Path(d)) for d in docs]
        unknown = [d for d in wanted if d not in {x.doc for x in corpus.documents}]
        if unknown:
            return f"error: unknown document {unknown[0]!r}", 1
        return format_table(merged_table(settings, corpus, wanted), fmt), 0
    except (FactsError, CorpusError, ValueError) as exc:
        return f"error: {exc}", 1


def cli_facts_check(settings: object | None = None) -> tuple[str, int]:
    """`coopqa facts check`: overlay problems (exit 1), else a coverage report (exit 0): each
    document's numbers, how many have a fact, and those that do not (reported, not an error)."""
    from ..config import Settings
    from ..ingest.corpus import CorpusError

    settings = settings or Settings.from_env()
    try:
        path, corpus = _load_inputs(settings)
    except CorpusError as exc:
        return f"error: {exc}", 1
    lines = []
    if path.exists():
        problems = check_facts(path, corpus)
        if problems:
            return "\n".join([f"{len(problems)} problem(s) in {path}:", *problems]), 1
        lines.append(f"OK: {path}: every overlay row is stated by its quote.")
    else:
        lines.append(f"no overlay ({path} absent): extracted facts only.")
    table = merged_table(settings, corpus)
    covered, total, missing = coverage(table, corpus)
    lines.append(f"{len(table.stated)} facts; coverage {covered}/{total} number mentions.")
    lines += [f"  without a fact: {m}" for m in missing[:50]]
    return "\n".join(lines), 0
