"""The fact table as text, JSON or CSV for the command line, and the overlay check."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .lookup import FactTable
from .model import COLUMNS, FactsError
from .overlay import check_facts, coverage, load_fact_table

if TYPE_CHECKING:
    from ..corpus import Corpus


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
    from ..corpus import load_corpus

    settings = settings or Settings.from_env()
    return Path(settings.facts_path), load_corpus(list(settings.corpus_dirs))  # type: ignore[attr-defined]


def cli_facts(settings: object | None = None, fmt: str = "text") -> tuple[str, int]:
    """`coopqa facts [--json|--csv]`: the table, or a one-line error and exit code 1."""
    from ..corpus import CorpusError

    if isinstance(settings, str):  # cli_facts("json") reads as well as cli_facts(settings, "json")
        settings, fmt = None, settings
    try:
        path, corpus = _load_inputs(settings)
        return format_table(load_fact_table(path, corpus), fmt), 0
    except (FactsError, CorpusError, ValueError) as exc:
        return f"error: {exc}", 1


def cli_facts_check(settings: object | None = None) -> tuple[str, int]:
    """`coopqa facts check`: every problem (exit 1) or a summary with the coverage figure (exit 0)."""
    from ..corpus import CorpusError

    try:
        path, corpus = _load_inputs(settings)
    except CorpusError as exc:
        return f"error: {exc}", 1
    problems = check_facts(path, corpus)
    if problems:
        return "\n".join([f"{len(problems)} problem(s) in {path}:", *problems]), 1
    table = load_fact_table(path, corpus)
    covered, total, _ = coverage(table, corpus)
    return (
        f"OK: {len(table.stated)} stated facts (quotes verbatim, values stated), "
        f"{len(table.derived)} derived facts recompute, coverage {covered}/{total} number mentions.",
        0,
    )
