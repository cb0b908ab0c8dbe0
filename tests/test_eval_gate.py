"""Regression gate: the shipped configuration on eval/chapter8.jsonl must meet eval/thresholds.toml.

One full run of the real Assistant over the whole set; the slowest test. It uses the session's
Assistant (tests/conftest.py: default Settings, i.e. the shipped configuration, with its own
index), so no environment variable such as COOPQA_LLM can turn it into a hosted call.
"""

from __future__ import annotations

from pathlib import Path

from coopqa.eval_run import run_eval
from coopqa.eval_thresholds import check_thresholds

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


def test_development_set_meets_its_thresholds(embedder, tmp_path: Path) -> None:
    """Real annual-report extracts written by others, each item answered from its own document
    alone, with no facts.csv: everything coopqa knows it gets from the documents."""
    from coopqa.chain import Assistant
    from coopqa.config import Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(DEV / "docs",),
        facts_path=tmp_path / "no-facts.csv",
    )
    assistant = Assistant(settings, embedder=embedder)
    report = run_eval(
        [DEV / "questions.jsonl"],
        ["shipped"],
        settings,
        report_dir=tmp_path / "report",
        progress=False,
        save_latest=False,
        factory=lambda _settings: assistant,
    )
    failures = check_thresholds(report, DEV / "thresholds.toml")
    assert not failures, "\n".join([*failures, f"details: {tmp_path / 'report' / 'report.md'}"])
