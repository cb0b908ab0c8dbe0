"""Evaluation reports: terminal tables, Markdown, a self-contained HTML page, JSON, comparisons."""

from __future__ import annotations

import base64
import html
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .results import ConfigRun, EvalReport, load_report
from .scoring import ItemResult

# (metric key, column title, kind) — kind "share" prints as %, "ms" as milliseconds, "count" as is.
SUMMARY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("accuracy", "accuracy", "share"),
    ("hit_at_1", "hit@1", "share"),
    ("hit_at_3", "hit@3", "share"),
    ("mrr", "MRR", "ratio"),
    ("citation_precision", "citation prec.", "share"),
    ("numeric_accuracy", "numeric acc.", "share"),
    ("wrong_numbers", "wrong numbers", "count"),
    ("abstention_precision", "abstain prec.", "share"),
    ("abstention_recall", "abstain recall", "share"),
    ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
)
_LOWER_IS_BETTER = frozenset({"wrong_numbers", "latency_p50_ms", "latency_p95_ms", "errors"})


def fmt_metric(value: Any, kind: str) -> str:
    """One metric as printed in every table ("–" when it was not measured)."""
    if value is None:
        return "–"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "ratio":
        return f"{value:.3f}"
    if kind == "ms":
        return f"{value:.0f}"
    return str(value)


def summary_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Header and one row per configuration: the headline metrics plus run time."""
    header = ["config", "items", *(title for _, title, _ in SUMMARY_COLUMNS), "run time"]
    rows = []
    for run in report.runs:
        cells = [fmt_metric(run.metrics.get(key), kind) for key, _, kind in SUMMARY_COLUMNS]
        rows.append([run.name, str(run.metrics["items"]), *cells, f"{run.wall_s:.1f} s"])
    return header, rows


def category_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    """Accuracy per category (rows) and configuration (columns); unknown categories marked."""
    header = ["category", "items", *(run.name for run in report.runs)]
    categories = sorted({c for run in report.runs for c in run.metrics.get("by_category", {})})
    rows = []
    for category in categories:
        entries = [run.metrics.get("by_category", {}).get(category) for run in report.runs]
        first = next(e for e in entries if e)
        label = category if first.get("known", True) else f"{category} (unknown category)"
        cells = [
            f"{100 * e['accuracy']:.1f}% ({e['correct']}/{e['items']})" if e else "–"
            for e in entries
        ]
        rows.append([label, str(first["items"]), *cells])
    return header, rows


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain fixed-width table for terminals."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in out)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(value: str) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_lines(report: EvalReport) -> list[str]:
    lines = [
        f"Eval sets: {', '.join(report.files)} — {report.items} items, "
        f"{len(report.problems)} malformed line(s) skipped; total run time {report.wall_s:.1f} s"
    ]
    lines += [f"skipped {p}" for p in report.problems]
    lines += [f"warning: {w}" for w in report.warnings]
    lines += [f"{run.name}: FAILED — {run.error}" for run in report.runs if run.error]
    return lines


def render_terminal(report: EvalReport, max_failures: int = 20) -> str:
    """What ``coopqa eval`` prints: summary, per-category accuracy, then failures per config."""
    parts = ["\n".join(_header_lines(report)), "", text_table(*summary_rows(report))]
    parts += ["", "Accuracy by category", text_table(*category_rows(report))]
    for run in report.runs:
        failures = [r for r in run.results if not r.correct]
        if not failures:
            continue
        parts += ["", f"Failures — {run.name} ({len(failures)})"]
        for r in failures[:max_failures]:
            parts.append(f"  [{r.id}] ({r.category}) {_clip(r.question, 120)}")
            parts.append(f"      answer:   {_clip(r.answer, 160) or '(none)'}")
            parts.append(f"      expected: {_clip(r.expected, 160)}")
            parts.append(f"      why:      {'; '.join(r.reasons)}")
        if len(failures) > max_failures:
            parts.append(f"  … and {len(failures) - max_failures} more (see report.md)")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Markdown


def _failure_md(r: ItemResult) -> str:
    lines = [f"#### {r.id} ({r.category})", "", f"- **Question:** {r.question}"]
    if r.history:
        lines.append("- **Earlier turns:** " + " / ".join(r.history))
    lines += [
        f"- **Answer:** {_clip(r.answer, 600) or '(none)'}",
        f"- **Expected:** {r.expected}",
        f"- **Why it failed:** {'; '.join(r.reasons)}",
    ]
    if r.evidence:
        rank = f"rank {r.hit_rank}" if r.hit_rank else "not in the top 10"
        lines.append(f"- **Evidence:** “{r.evidence}” — retrieved at {rank}")
    if r.cited:
        lines.append(f"- **Cited:** {', '.join(r.cited)}")
    return "\n".join(lines)


def _misses_md(run: ConfigRun) -> list[str]:
    """Retrieval misses, wrong citations and wrong numbers, which are not always answer failures."""
    out: list[str] = []
    misses = [r for r in run.results if r.evidence and r.hit_rank is None and r.error is None]
    if misses:
        rows = [
            [r.id, _clip(r.question, 90), _clip(r.evidence or "", 70), ", ".join(r.retrieved[:3])]
            for r in misses
        ]
        out += ["", f"### Retrieval misses — {run.name} ({len(misses)})", ""]
        out.append(md_table(["id", "question", "evidence", "top 3 retrieved"], rows))
    wrong_cites = [r for r in run.results if r.citation_correct is False]
    if wrong_cites:
        rows = [
            [r.id, _clip(r.question, 90), _clip(r.evidence or "", 70), ", ".join(r.cited)]
            for r in wrong_cites
        ]
        out += ["", f"### Citations without the evidence — {run.name} ({len(wrong_cites)})", ""]
        out.append(md_table(["id", "question", "evidence", "cited"], rows))
    wrong_numbers = [r for r in run.results if r.wrong_number]
    if wrong_numbers:
        rows = [
            [
                r.id,
                _clip(r.answer, 120),
                ", ".join([*(f"forbidden {v:g}" for v in r.forbidden_stated), *r.flagged_numbers]),
            ]
            for r in wrong_numbers
        ]
        out += ["", f"### Wrong numbers — {run.name} ({len(wrong_numbers)})", ""]
        out.append(md_table(["id", "answer", "numbers"], rows))
    return out


def render_markdown(report: EvalReport) -> str:
    """The full report: summary, categories, run times, every failure and miss."""
    out = ["# coopqa evaluation", "", f"Run {report.created}.", ""]
    out += [f"- {line}" for line in _header_lines(report)]
    out += ["", "## Summary", "", md_table(*summary_rows(report))]
    out += ["", "## Accuracy by category", "", md_table(*category_rows(report))]
    out += ["", "## Configurations", ""]
    rows = [
        [
            run.name,
            ", ".join(f"{k}={v}" for k, v in run.settings.items()),
            f"{run.build_s:.1f} s",
            f"{run.wall_s:.1f} s",
            str(run.metrics.get("errors", 0)),
        ]
        for run in report.runs
    ]
    out.append(md_table(["config", "settings", "build", "wall time", "errors"], rows))
    out += ["", _METRICS_NOTE]
    for run in report.runs:
        failures = [r for r in run.results if not r.correct]
        out += ["", f"## {run.name}: failures ({len(failures)} of {len(run.results)})"]
        if run.error:
            out += ["", f"**Could not run:** {run.error}"]
        out += [f"\n{_failure_md(r)}" for r in failures]
        out += _misses_md(run)
    return "\n".join(out) + "\n"


_METRICS_NOTE = (
    "Accuracy: the scoring in eval/README.md. hit@k / MRR (top 10): the item's evidence lies in one of the "
    "first k passages of `assistant.search`. Citation precision: of the answered, answerable "
    "items with evidence that cite something, the share citing a passage that contains the "
    "evidence. Numeric accuracy: items with expected numbers that state them all. Wrong numbers: "
    "answers stating a forbidden number or showing a contradicted/unverified number as fact. "
    "Abstention precision/recall: abstentions that were on unanswerable items / unanswerable items "
    "abstained on. Latency: wall time of `ask` per item."
)


# ---------------------------------------------------------------------------------------------
# Plots and HTML


def _png(draw: Callable[[Any], None], size: tuple[float, float]) -> str:
    """Draw on a fresh matplotlib figure (Agg) and return it as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, dpi=100)
    try:
        draw(ax)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped_bars(ax: Any, labels: list[str], series: dict[str, list[float]], ylabel: str) -> None:
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, values, width=width, label=name)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 105)
    ax.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="small")


def plot_categories(report: EvalReport) -> str:
    categories = sorted({c for run in report.runs for c in run.metrics.get("by_category", {})})
    series = {
        run.name: [
            100 * run.metrics["by_category"].get(c, {}).get("accuracy", 0.0) for c in categories
        ]
        for run in report.runs
    }

    def draw(ax: Any) -> None:
        _grouped_bars(ax, categories, series, "accuracy (%)")
        ax.set_title("Accuracy by category")

    return _png(draw, (8, 4))


def plot_latency(report: EvalReport) -> str:
    data = {
        run.name: [r.latency_ms for r in run.results if r.latency_ms is not None and not r.error]
        for run in report.runs
    }
    data = {k: v for k, v in data.items() if v}

    def draw(ax: Any) -> None:
        if data:
            ax.boxplot(list(data.values()), tick_labels=list(data), showfliers=True)
        ax.set_ylabel("latency per question (ms)")
        ax.set_yscale("log")
        ax.set_title("Latency distribution")
        ax.grid(axis="y", alpha=0.3)

    return _png(draw, (6, 4))


def plot_configs(report: EvalReport) -> str:
    keys = [(k, t) for k, t, kind in SUMMARY_COLUMNS if kind in ("share", "ratio")]
    series = {run.name: [100 * (run.metrics.get(k) or 0.0) for k, _ in keys] for run in report.runs}

    def draw(ax: Any) -> None:
        _grouped_bars(ax, [t for _, t in keys], series, "% (MRR × 100)")
        ax.set_title("Configurations side by side")

    return _png(draw, (8, 4))


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_failure(r: ItemResult) -> str:
    esc = html.escape
    rows = [("Question", r.question)]
    if r.history:
        rows.append(("Earlier turns", " / ".join(r.history)))
    rows += [
        ("Answer", r.answer or "(none)"),
        ("Expected", r.expected),
        ("Why", "; ".join(r.reasons)),
    ]
    if r.evidence:
        rank = f"rank {r.hit_rank}" if r.hit_rank else "not in the top 10"
        rows.append(("Evidence", f"“{r.evidence}” — retrieved at {rank}"))
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    return (
        f"<details><summary>{esc(r.id)} ({esc(r.category)}) — {esc(_clip(r.question, 100))}"
        f"</summary><dl>{body}</dl></details>"
    )


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}
img{max-width:100%;border:1px solid #eee;margin:0.5em 0}
details{margin:0.3em 0;padding:0.3em 0.6em;border:1px solid #eee;border-radius:4px}
dt{font-weight:600}dd{margin:0 0 0.4em 1em;white-space:pre-wrap}
.warn{color:#8a5300}.fail{color:#a00}
"""


def render_html(report: EvalReport, plots: bool = True) -> str:
    """A single self-contained page: tables, embedded PNG plots, every failure."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>coopqa evaluation</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>coopqa evaluation</h1>",
        f"<p>Run {esc(report.created)}.</p><ul>",
    ]
    parts += [f"<li>{esc(line)}</li>" for line in _header_lines(report)]
    parts += ["</ul><h2>Summary</h2>", _html_table(*summary_rows(report))]
    if plots and any(run.results for run in report.runs):
        for title, plot in (
            ("Accuracy by category", plot_categories),
            ("Latency", plot_latency),
            ("Configurations side by side", plot_configs),
        ):
            parts.append(f"<img alt='{esc(title)}' src='data:image/png;base64,{plot(report)}'>")
    parts += ["<h2>Accuracy by category</h2>", _html_table(*category_rows(report))]
    parts.append(f"<p>{esc(_METRICS_NOTE)}</p>")
    for run in report.runs:
        failures = [r for r in run.results if not r.correct]
        parts.append(f"<h2>{esc(run.name)}: failures ({len(failures)} of {len(run.results)})</h2>")
        if run.error:
            parts.append(f"<p class='fail'>{esc(run.error)}</p>")
        parts += [_html_failure(r) for r in failures]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report: EvalReport, directory: Path | str) -> list[Path]:
    """Write report.md, report.html and report.json into ``directory`` (each atomically)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    outputs = {
        "report.json": json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
        "report.md": render_markdown(report),
        "report.html": render_html(report),
    }
    written = []
    for name, text in outputs.items():
        path = directory / name
        _atomic_write(path, text)
        written.append(path)
    return written


def _atomic_write(path: Path, text: str) -> None:
    """Write beside the target and rename, so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Comparison


def compare_data(old: EvalReport, new: EvalReport) -> dict[str, Any]:
    """Per configuration present in both: metric deltas and items that got better or worse."""
    configs = []
    for new_run in new.runs:
        old_run = old.run(new_run.name)
        if old_run is None:
            continue
        before = {r.id: r for r in old_run.results}
        after = {r.id: r for r in new_run.results}
        common = [i for i in after if i in before]
        metrics = {}
        for key, _, _ in SUMMARY_COLUMNS:
            a, b = old_run.metrics.get(key), new_run.metrics.get(key)
            if a is not None and b is not None and a != b:
                better = (b < a) if key in _LOWER_IS_BETTER else (b > a)
                metrics[key] = {"old": a, "new": b, "better": better}
        configs.append(
            {
                "config": new_run.name,
                "metrics": metrics,
                "fixed": [
                    _change(before[i], after[i])
                    for i in common
                    if after[i].correct and not before[i].correct
                ],
                "broken": [
                    _change(before[i], after[i])
                    for i in common
                    if before[i].correct and not after[i].correct
                ],
                "retrieval_better": [i for i in common if _rank(after[i]) < _rank(before[i])],
                "retrieval_worse": [i for i in common if _rank(after[i]) > _rank(before[i])],
                "added": [i for i in after if i not in before],
                "removed": [i for i in before if i not in after],
            }
        )
    only_old = [r.name for r in old.runs if new.run(r.name) is None]
    only_new = [r.name for r in new.runs if old.run(r.name) is None]
    return {"configs": configs, "only_in_old": only_old, "only_in_new": only_new}


def _rank(r: ItemResult) -> int:
    return r.hit_rank if r.hit_rank else 99 if r.evidence else 0


def _change(before: ItemResult, after: ItemResult) -> dict[str, Any]:
    return {
        "id": after.id,
        "category": after.category,
        "question": after.question,
        "old_answer": before.answer,
        "new_answer": after.answer,
        "why": "; ".join(after.reasons or before.reasons),
    }


def compare_reports(old_path: Path | str, new_path: Path | str) -> str:
    """Readable list of what got better and worse between two report.json files."""
    data = compare_data(load_report(old_path), load_report(new_path))
    kinds = {key: kind for key, _, kind in SUMMARY_COLUMNS}
    out = [f"Comparing {old_path} (old) with {new_path} (new)"]
    if data["only_in_old"] or data["only_in_new"]:
        out.append(
            f"configurations only in old: {', '.join(data['only_in_old']) or '-'}; "
            f"only in new: {', '.join(data['only_in_new']) or '-'}"
        )
    if not data["configs"]:
        out.append("No configuration appears in both reports.")
    for config in data["configs"]:
        out += ["", f"== {config['config']} =="]
        for key, m in config["metrics"].items():
            mark = "better" if m["better"] else "WORSE"
            out.append(
                f"  {key}: {fmt_metric(m['old'], kinds[key])} -> "
                f"{fmt_metric(m['new'], kinds[key])}  ({mark})"
            )
        if not config["metrics"]:
            out.append("  headline metrics unchanged")
        for title, key in (("Better (now correct)", "fixed"), ("WORSE (now wrong)", "broken")):
            out.append(f"  {title}: {len(config[key])}")
            for c in config[key]:
                out.append(f"    [{c['id']}] ({c['category']}) {_clip(c['question'], 100)}")
                out.append(f"        old: {_clip(c['old_answer'], 120) or '(none)'}")
                out.append(f"        new: {_clip(c['new_answer'], 120) or '(none)'}")
                if key == "broken":
                    out.append(f"        why: {c['why']}")
        for title, key in (
            ("retrieval better", "retrieval_better"),
            ("retrieval WORSE", "retrieval_worse"),
            ("items added", "added"),
            ("items removed", "removed"),
        ):
            if config[key]:
                out.append(f"  {title}: {', '.join(config[key])}")
    return "\n".join(out)
