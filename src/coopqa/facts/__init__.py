"""Fact tables: every number a document states, extracted at ingest (prose and tables), with the
reviewed overlay (corpus/facts.csv), derived facts with their formulas, and the lookup."""

from .derive import derive
from .lookup import FactTable
from .model import COLUMNS, Fact, FactMatch, FactsError, NotStated
from .overlay import check_facts, coverage, load_fact_table
from .query import question_direction, wanted_kind
from .report import cli_facts, cli_facts_check, format_table

__all__ = [
    "COLUMNS",
    "Fact",
    "FactMatch",
    "FactTable",
    "FactsError",
    "NotStated",
    "check_facts",
    "cli_facts",
    "cli_facts_check",
    "coverage",
    "derive",
    "format_table",
    "load_fact_table",
    "question_direction",
    "wanted_kind",
]
