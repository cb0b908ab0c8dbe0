"""The Evaluation tab: the project's own evaluation runs, each with set, date, size and a verdict.

Runs are the ``report.json`` files under ``<data_dir>/eval``; the latest run is copied to
``<data_dir>/eval/runs/`` when the tab sees it, so earlier runs stay selectable after a new one.
A run of a set outside the project's ``eval/`` folder is labelled "ad-hoc".
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("coopqa.ui")

EVAL_DIR = Path("eval")  # the project's evaluation sets and thresholds.toml
NO_RUN = "No evaluation run yet — run `coopqa eval eval/<set>.jsonl`."


@dataclass(frozen=True)
class RunInfo:
    """What the run picker shows about one report."""

    path: Path
    created: str
    sets: tuple[str, ...]
    items: int
    adhoc: bool

    @property
    def label(self) -> str:
        kind = "ad-hoc" if self.adhoc else "project set"
        when = self.created.replace("T", " ")[:16] or "undated"
        return f"{when} UTC · {', '.join(self.sets) or '?'} · {self.items} items · {kind}"


def is_project_set(path: str, eval_dir: Path = EVAL_DIR) -> bool:
    """Whether an evaluation set file lies in the project's eval folder."""
    p = Path(path)
    try:
        return p.resolve().parent == eval_dir.resolve() and p.suffix == ".jsonl"
    except OSError:
        return False


def run_info(path: Path, eval_dir: Path = EVAL_DIR) -> RunInfo | None:
    """The picker entry of one report.json, or None when it cannot be read."""
    from .eval_items import EvalInputError
    from .eval_results import load_report

    try:
        report = load_report(path)
    except EvalInputError as exc:
        log.warning("skipping evaluation report: %s", exc)
        return None
    adhoc = not report.files or not all(is_project_set(f, eval_dir) for f in report.files)
    sets = tuple(Path(f).name for f in report.files)
    return RunInfo(Path(path), report.created, sets, report.items, adhoc)


def _archive_latest(root: Path) -> None:
    """Keep a copy of the latest run under runs/<date>/ so a later run does not hide it."""
    latest = root / "latest" / "report.json"
    if not latest.is_file():
        return
    from .eval_items import EvalInputError
    from .eval_results import load_report

    try:
        created = load_report(latest).created
    except EvalInputError:
        return
    stamp = re.sub(r"[^0-9T]", "", created) or "undated"
    target = root / "runs" / stamp
    if not (target / "report.json").exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("report.json", "report.md"):
            if (latest.parent / name).is_file():
                shutil.copy2(latest.parent / name, target / name)


def list_runs(data_dir: Path, eval_dir: Path = EVAL_DIR) -> list[RunInfo]:
    """Every readable run, newest first; project-set runs before ad-hoc ones of the same time."""
    root = Path(data_dir) / "eval"
    try:
        _archive_latest(root)
    except OSError as exc:  # a read-only data dir still shows its runs
        log.warning("cannot archive the latest evaluation run: %r", exc)
    infos = [run_info(p, eval_dir) for p in sorted(root.glob("**/report.json"))]
    unique: dict[tuple[str, tuple[str, ...], int], RunInfo] = {}
    for info in infos:
        if info is not None:
            unique.setdefault((info.created, info.sets, info.items), info)
    return sorted(unique.values(), key=lambda r: (r.created, not r.adhoc), reverse=True)


def default_run(runs: list[RunInfo]) -> RunInfo | None:
    """The newest run of the project's own set; the newest ad-hoc run only when there is none."""
    return next((r for r in runs if not r.adhoc), runs[0] if runs else None)


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def verdict(report: Any, failures: list[str] | None) -> str:
    """One plain line: passes or not, and what the headline numbers mean."""
    run = report.run("shipped") or (report.runs[0] if report.runs else None)
    if run is None:
        return "No configuration was run."
    if run.error:
        return f"✗ The run failed: {run.error}"
    m = run.metrics
    facts = (
        f"{_pct(m.get('accuracy'))} of {report.items} questions answered correctly; "
        f"the right passage ranked first for {_pct(m.get('hit_at_1'))} (hit@1), "
        f"mean reciprocal rank {m.get('mrr') or 0:.2f}; "
        f"{_pct(m.get('citation_precision'))} of citations correct; "
        f"{m.get('wrong_numbers', 0)} wrong numbers."
    )
    if failures is None:
        return f"Ad-hoc run, not checked against the project's bounds: {facts}"
    if not failures:
        return f"✓ Meets every regression bound in eval/thresholds.toml: {facts}"
    return f"✗ Below {len(failures)} regression bound(s) ({failures[0]}…): {facts}"


def render_run(info: RunInfo | None, eval_dir: Path = EVAL_DIR) -> str:
    """Markdown for one run: a header (set, date, items, verdict) above the full report."""
    if info is None:
        return NO_RUN
    from .eval_items import EvalInputError
    from .eval_results import load_report
    from .eval_thresholds import check_thresholds

    try:
        report = load_report(info.path)
    except EvalInputError as exc:
        return f"Cannot read this run: {exc}"
    failures = None
    thresholds = eval_dir / "thresholds.toml"
    if not info.adhoc and thresholds.is_file():
        try:
            failures = check_thresholds(report, thresholds)
        except EvalInputError as exc:
            log.warning("cannot check thresholds: %s", exc)
    kind = (
        "**Ad-hoc run** — not the project's evaluation set"
        if info.adhoc
        else "**The project's evaluation**"
    )
    md = info.path.with_suffix(".md")
    body = md.read_text(encoding="utf-8", errors="replace") if md.is_file() else ""
    return (
        f"{kind}\n\n"
        f"- **Set:** {', '.join(report.files) or '?'}\n"
        f"- **Date:** {info.created.replace('T', ' ') or 'unknown'}\n"
        f"- **Items:** {report.items}\n\n"
        f"**Verdict:** {verdict(report, failures)}\n\n"
        f"<details><summary>Full report</summary>\n\n{body}\n\n</details>"
    )
