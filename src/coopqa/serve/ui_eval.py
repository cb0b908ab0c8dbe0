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

log = logging.getLogger("coopqa.serve.ui")

EVAL_DIR = Path("eval")  # the project's evaluation sets and thresholds.toml
NO_RUN = (
    "No evaluation run yet. Pick a question set and press **Run evaluation**: coopqa answers "
    "each question and checks the answer against what the set expects."
)
MAX_FAILURES_SHOWN = 25


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
    from ..evaluate.items import EvalInputError
    from ..evaluate.results import load_report

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
    from ..evaluate.items import EvalInputError
    from ..evaluate.results import load_report

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


def _count(done: int, total: int) -> str:
    return f"**{done} of {total}**"


def plain_results(report: Any) -> str:
    """The run in words a person reads: "Answered correctly 117 of 128; refused correctly 12 of
    13; wrong numbers shown: none." (from the per-question results, else the saved metrics)."""
    run = report.run("shipped") or (report.runs[0] if report.runs else None)
    if run is None:
        return "No configuration was run."
    if run.error:
        return f"The run failed: {run.error}"
    wrong = run.metrics.get("wrong_numbers", 0) or 0
    shown = "none" if not wrong else f"**{wrong}**"
    if not run.results:
        share = run.metrics.get("accuracy")
        right = "n/a" if share is None else f"about {100 * share:.0f}%"
        return f"Answered correctly: {right} of {report.items} questions; wrong numbers shown: {shown}."
    asked = [r for r in run.results if r.answerable]
    refuse = [r for r in run.results if not r.answerable]
    parts = [f"Answered correctly {_count(sum(r.correct for r in asked), len(asked))}"]
    if refuse:
        parts.append(
            f"refused correctly {_count(sum(r.correct for r in refuse), len(refuse))} "
            "(questions the documents do not answer)"
        )
    parts.append(f"wrong numbers shown: {shown}")
    return "; ".join(parts) + "."


def _cell(text: Any, limit: int = 300) -> str:
    """One line of text, cut, with Markdown and HTML characters shown as they are."""
    plain = " ".join(str(text or "").split())
    plain = plain if len(plain) <= limit else plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", plain) or "—"


def failures_list(report: Any, limit: int = MAX_FAILURES_SHOWN) -> str:
    """The questions it got wrong, each as question, expected and got."""
    run = report.run("shipped") or (report.runs[0] if report.runs else None)
    wrong = [r for r in (run.results if run else []) if not r.correct]
    if not wrong:
        return "Every question was answered as expected." if run and run.results else ""
    lines = [f"**What went wrong ({len(wrong)})**", ""]
    for r in wrong[:limit]:
        got = r.error or ("(no answer)" if not r.answer else r.answer)
        lines.append(
            f"- **Question:** {_cell(r.question)}  \n"
            f"  **Expected:** {_cell(r.expected)}  \n"
            f"  **Got:** {_cell(got)}"
        )
    if len(wrong) > limit:
        lines.append(f"- … and {len(wrong) - limit} more (in the technical details below)")
    return "\n".join(lines)


def project_sets(eval_dir: Path = EVAL_DIR) -> list[str]:
    """The project's own question sets (``eval/*.jsonl``), to run from the tab."""
    return [str(p) for p in sorted(Path(eval_dir).glob("*.jsonl"))]


class _Counted:
    """The shared assistant, reporting each question it is asked (for a progress bar)."""

    def __init__(self, assistant: Any, on_item: Any, total: int) -> None:
        self._assistant, self._on_item, self._total, self._done = assistant, on_item, total, 0

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        self._done += 1
        self._on_item(self._done, self._total)
        return self._assistant.ask(*args, **kwargs)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._assistant.search(*args, **kwargs)


def run_set(assistant: Any, settings: Any, path: str, on_item: Any = None) -> Any:
    """Run one question set through the running assistant (no second model or index) and save
    it as the latest run; ``on_item(done, total)`` follows its progress."""
    from ..evaluate.items import load_items
    from ..evaluate.run import run_eval

    total = len(load_items([path])[0])
    counted = _Counted(assistant, on_item or (lambda done, total: None), total)
    return run_eval([path], ["shipped"], settings, progress=False, factory=lambda _: counted)


def render_run(info: RunInfo | None, eval_dir: Path = EVAL_DIR) -> str:
    """Markdown for one run: a header (set, date, items, verdict) above the full report."""
    if info is None:
        return NO_RUN
    from ..evaluate.items import EvalInputError
    from ..evaluate.results import load_report
    from ..evaluate.thresholds import check_thresholds

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
    if failures is None:
        bar = "Not compared with the project's quality bar (an ad-hoc run)."
    elif not failures:
        bar = "✓ Meets the project's quality bar."
    else:
        bar = f"✗ Below the project's quality bar in {len(failures)} respect(s)."
    return (
        f"{kind}\n\n"
        f"- **Set:** {', '.join(report.files) or '?'}\n"
        f"- **Date:** {info.created.replace('T', ' ') or 'unknown'}\n"
        f"- **Questions:** {report.items}\n\n"
        f"{plain_results(report)} {bar}\n\n"
        f"{failures_list(report)}\n\n"
        "<details><summary>Technical details (metrics, regression bounds, full report)</summary>"
        f"\n\n**Verdict:** {verdict(report, failures)}\n\n{body}\n\n</details>"
    )
