"""The regression gate: check a report against thresholds.toml, or suggest its bounds."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from .items import EvalInputError
from .results import EvalReport
from .run import CONFIG_NAMES

DEFAULT_THRESHOLDS = Path("eval/thresholds.toml")


def check_thresholds(report: EvalReport, thresholds_path: Path | str) -> list[str]:
    """Every way the report falls below ``thresholds.toml``; an empty list means it passes.

    Tables are ``[<config>.min]`` / ``[<config>.max]`` (metric = bound) and
    ``[<config>.min_category]`` (category = minimum accuracy).
    """
    thresholds = read_thresholds(thresholds_path)
    failures: list[str] = []
    checked = 0
    for name, bounds in thresholds.items():
        run = report.run(name)
        if run is None:
            continue
        checked += 1
        if run.error:
            failures.append(f"{name}: {run.error}")
            continue
        for metric, bound in bounds.get("min", {}).items():
            failures += _bound(name, metric, run.metrics.get(metric, _MISSING), bound, "min")
        for metric, bound in bounds.get("max", {}).items():
            failures += _bound(name, metric, run.metrics.get(metric, _MISSING), bound, "max")
        categories = run.metrics.get("by_category", {})
        for category, bound in bounds.get("min_category", {}).items():
            value = categories.get(category, {}).get("accuracy", _MISSING)
            failures += _bound(name, f"accuracy[{category}]", value, bound, "min")
    if not checked:
        failures.append(
            f"no configuration in the report ({', '.join(r.name for r in report.runs)}) "
            f"has thresholds in {thresholds_path}"
        )
    return failures


_MISSING = object()


def _bound(config: str, metric: str, value: Any, bound: float, kind: str) -> list[str]:
    if value is _MISSING:
        return [f"{config}: unknown metric {metric!r} in thresholds"]
    if value is None:
        return [f"{config}: {metric} was not measured (no items for it)"]
    shown = str(value) if isinstance(value, int) else f"{value:.3f}"
    if kind == "min" and value < bound:
        return [f"{config}: {metric} = {shown} is below the minimum {bound}"]
    if kind == "max" and value > bound:
        return [f"{config}: {metric} = {shown} is above the maximum {bound}"]
    return []


def read_thresholds(path: Path | str) -> dict[str, dict[str, dict[str, float]]]:
    """``thresholds.toml`` validated: config -> {"min"|"max"|"min_category": {name: number}}."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalInputError(f"{path}: no such thresholds file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalInputError(f"{path}: not valid TOML ({exc})") from None
    out: dict[str, dict[str, dict[str, float]]] = {}
    for config, tables in data.items():
        if config == "meta":
            continue
        if config not in CONFIG_NAMES or not isinstance(tables, dict):
            raise EvalInputError(
                f"{path}: [{config}] is not a configuration ({', '.join(CONFIG_NAMES)})"
            )
        for kind, bounds in tables.items():
            if kind not in ("min", "max", "min_category") or not isinstance(bounds, dict):
                raise EvalInputError(f"{path}: [{config}.{kind}] must be min, max or min_category")
            for metric, bound in bounds.items():
                if not isinstance(bound, int | float) or isinstance(bound, bool):
                    raise EvalInputError(f"{path}: {config}.{kind}.{metric} must be a number")
        out[config] = tables
    return out


_GATED_SHARES = (
    ("accuracy", "items"),
    ("hit_at_1", "retrieval_items"),
    ("hit_at_3", "retrieval_items"),
    ("mrr", "retrieval_items"),
    ("citation_precision", "citation_items"),
    ("numeric_accuracy", "numeric_items"),
    ("abstention_precision", "abstentions"),
)


def suggest_thresholds(report: EvalReport) -> str:
    """thresholds.toml text one item under every measured figure, for each configuration run."""
    lines = ["# one item under what was measured; see eval/README.md", ""]
    for run in report.runs:
        if run.error:
            continue
        m = run.metrics
        lines.append(f"[{run.name}.min]")
        lines.append(f"items = {m['items']}")
        for metric, denominator in _GATED_SHARES:
            if m.get(metric) is not None and m.get(denominator):
                bound = _floor2(m[metric] - 1 / m[denominator])
                lines.append(f"{metric} = {bound:.2f}  # {m[metric]:.3f}")
        unanswerable = sum(not r.answerable for r in run.results)
        if m.get("abstention_recall") is not None and unanswerable:
            bound = _floor2(m["abstention_recall"] - 1 / unanswerable)
            lines.append(f"abstention_recall = {bound:.2f}  # {m['abstention_recall']:.3f}")
        lines += [
            "",
            f"[{run.name}.max]",
            f"wrong_numbers = {m['wrong_numbers'] + 2}  # {m['wrong_numbers']}",
            f"errors = {m['errors']}",
        ]
        if m.get("latency_p95_ms") is not None:
            bound = max(5000, round(10 * m["latency_p95_ms"], -3))
            lines.append(f"latency_p95_ms = {bound:.0f}  # {m['latency_p95_ms']:.0f}")
        lines += ["", f"[{run.name}.min_category]"]
        for category, entry in m["by_category"].items():
            bound = _floor2((entry["correct"] - 1) / entry["items"])
            lines.append(f"{category} = {bound:.2f}  # {entry['correct']}/{entry['items']}")
        lines.append("")
    return "\n".join(lines)


def _floor2(value: float) -> float:
    return max(0.0, math.floor(value * 100 + 1e-9) / 100)
