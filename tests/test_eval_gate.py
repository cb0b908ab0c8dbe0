"""Regression gate: the shipped configuration on eval/chapter8.jsonl must meet eval/thresholds.toml.

One full run of the real Assistant over the whole set; the slowest test. It uses the session's
Assistant (tests/conftest.py: default Settings, i.e. the shipped configuration, with its own
index), so no environment variable such as COOPQA_LLM can turn it into a hosted call.
"""

from __future__ import annotations

from pathlib import Path

from coopqa.evaluate.run import run_eval
from coopqa.evaluate.thresholds import check_thresholds

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_configuration_meets_thresholds(assistant, shared_settings, tmp_path: Path) -> None:
    report = run_eval(
        [ROOT / "eval" / "chapter8.jsonl"],
        ["shipped"],
        shared_settings,
        report_dir=tmp_path / "report",
        progress=False,
        strict=True,
        save_latest=False,
        factory=lambda _settings: assistant,
    )
    failures = check_thresholds(report, ROOT / "eval" / "thresholds.toml")
    assert not failures, "\n".join([*failures, f"details: {tmp_path / 'report' / 'report.md'}"])


DEV = ROOT / "eval" / "annual-reports-dev"


def _gate(corpus: Path, questions: Path, thresholds: Path, embedder, tmp_path: Path) -> None:
    """A fresh Assistant over ``corpus`` with no facts.csv, held to ``thresholds``."""
    from coopqa.chain import Assistant
    from coopqa.config import Settings

    settings = Settings(
        data_dir=tmp_path / "data", corpus_dirs=(corpus,), facts_path=tmp_path / "no-facts.csv"
    )
    assistant = Assistant(settings, embedder=embedder)
    report = run_eval(
        [questions],
        ["shipped"],
        settings,
        report_dir=tmp_path / "report",
        progress=False,
        save_latest=False,
        factory=lambda _settings: assistant,
    )
    failures = check_thresholds(report, thresholds)
    assert not failures, "\n".join([*failures, f"details: {tmp_path / 'report' / 'report.md'}"])


def test_development_set_meets_its_thresholds(embedder, tmp_path: Path) -> None:
    """Real annual-report extracts written by others, each item answered from its own document
    alone, with no facts.csv: everything coopqa knows it gets from the documents."""
    _gate(DEV / "docs", DEV / "questions.jsonl", DEV / "thresholds.toml", embedder, tmp_path)


def test_chapter8_from_its_extracted_facts_meets_its_thresholds(embedder, tmp_path: Path) -> None:
    """The chapter with no facts.csv: a narrative report, answered from its own extracted facts."""
    eval_dir = ROOT / "eval"
    _gate(
        ROOT / "corpus",
        eval_dir / "chapter8.jsonl",
        eval_dir / "thresholds-extracted.toml",
        embedder,
        tmp_path,
    )
