"""Results of an evaluation run: per-configuration metrics, the EvalReport and its report.json."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..config import Settings
from .items import EvalInputError
from .scoring import ItemResult

REPORT_VERSION = 1


# ---------------------------------------------------------------------------------------------
# Metrics


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..1), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def summarize(results: Sequence[ItemResult]) -> dict[str, Any]:
    """Every headline metric of one configuration's results (None when nothing to measure)."""
    ranked = [r for r in results if r.evidence]
    cited = [r for r in results if r.citation_correct is not None]
    numeric = [r for r in results if r.numeric_correct is not None]
    abstained = [r for r in results if r.abstained]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None and r.error is None]
    by_category: dict[str, dict[str, Any]] = {}
    for r in results:
        entry = by_category.setdefault(
            r.category, {"items": 0, "correct": 0, "known": r.known_category}
        )
        entry["items"] += 1
        entry["correct"] += r.correct
    for entry in by_category.values():
        entry["accuracy"] = entry["correct"] / entry["items"]
    return {
        "items": len(results),
        "correct": sum(r.correct for r in results),
        "accuracy": _share(sum(r.correct for r in results), len(results)),
        "by_category": dict(sorted(by_category.items())),
        "retrieval_items": len(ranked),
        "hit_at_1": _share(sum(r.hit_rank == 1 for r in ranked), len(ranked)),
        "hit_at_3": _share(
            sum(r.hit_rank is not None and r.hit_rank <= 3 for r in ranked), len(ranked)
        ),
        "mrr": _share(sum(1 / r.hit_rank for r in ranked if r.hit_rank), len(ranked)),
        "citation_items": len(cited),
        "citation_precision": _share(sum(bool(r.citation_correct) for r in cited), len(cited)),
        "numeric_items": len(numeric),
        "numeric_accuracy": _share(sum(bool(r.numeric_correct) for r in numeric), len(numeric)),
        "wrong_numbers": sum(r.wrong_number for r in results),
        "forbidden_number_items": sum(bool(r.forbidden_stated) for r in results),
        "unbacked_number_items": sum(bool(r.flagged_numbers) for r in results),
        "abstentions": len(abstained),
        "abstention_precision": _share(sum(not r.answerable for r in abstained), len(abstained)),
        "abstention_recall": _share(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "latency_p50_ms": percentile(latencies, 0.50),
        "latency_p95_ms": percentile(latencies, 0.95),
        "errors": sum(r.error is not None for r in results),
    }


# ---------------------------------------------------------------------------------------------
# Configuration runs and the whole report


@dataclass
class ConfigRun:
    """One configuration's settings, timings, metrics and per-item results."""

    name: str
    settings: dict[str, Any]
    metrics: dict[str, Any]
    results: list[ItemResult]
    wall_s: float
    build_s: float
    error: str | None = None


@dataclass
class EvalReport:
    """A whole evaluation run: what was read, what was skipped, and every configuration."""

    files: list[str]
    items: int
    problems: list[str]
    warnings: list[str]
    runs: list[ConfigRun]
    created: str = ""
    wall_s: float = 0.0
    version: int = REPORT_VERSION

    def run(self, name: str) -> ConfigRun | None:
        return next((r for r in self.runs if r.name == name), None)

    @property
    def unknown_categories(self) -> list[str]:
        return sorted(
            {r.category for run in self.runs for r in run.results if not r.known_category}
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = len(self.problems)
        data["unknown_categories"] = self.unknown_categories
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvalReport:
        result_fields = {f.name for f in fields(ItemResult)}
        runs = [
            ConfigRun(
                name=run["name"],
                settings=dict(run.get("settings", {})),
                metrics=dict(run["metrics"]),
                results=[
                    ItemResult(**{k: v for k, v in r.items() if k in result_fields})
                    for r in run["results"]
                ],
                wall_s=float(run.get("wall_s", 0.0)),
                build_s=float(run.get("build_s", 0.0)),
                error=run.get("error"),
            )
            for run in data["runs"]
        ]
        return cls(
            files=list(data.get("files", [])),
            items=int(data.get("items", 0)),
            problems=list(data.get("problems", [])),
            warnings=list(data.get("warnings", [])),
            runs=runs,
            created=data.get("created", ""),
            wall_s=float(data.get("wall_s", 0.0)),
            version=int(data.get("version", REPORT_VERSION)),
        )


def load_report(path: Path | str) -> EvalReport:
    """A report.json written by write_report, or EvalInputError."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return EvalReport.from_dict(data)
    except FileNotFoundError:
        raise EvalInputError(f"{path}: no such report") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalInputError(f"{path}: not a readable report.json ({exc})") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EvalInputError(f"{path}: not an eval report ({type(exc).__name__}: {exc})") from None


def latest_report_path(settings: Settings) -> Path:
    """The latest run's report.md (report.json and report.html lie beside it)."""
    return settings.data_dir / "eval" / "latest" / "report.md"
