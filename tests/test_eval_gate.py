"""Regression gate: the shipped configuration on eval/chapter8.jsonl must meet eval/thresholds.toml.

One full run of the real Assistant over the whole set; the slowest test. It uses the session's
Assistant (tests/conftest.py: default Settings, i.e. the shipped configuration, with its own
index), so no environment variable such as COOPQA_LLM can turn it into a hosted call.
"""

from __future__ import annotations

from pathlib import Path

from coopqa.evaluation import check_thresholds, run_eval

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
