"""Running eval sets: build the Assistant of each configuration, ask every item, score it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Settings
from ..ingest.corpus import doc_id_for
from .items import EvalInputError, EvalItem, load_items
from .results import ConfigRun, EvalReport, latest_report_path, summarize
from .scoring import MRR_DEPTH, ItemResult, describe_expected, score_item

CONFIG_NAMES = ("shipped", "dense", "no-facts", "naive")


def resolve_configs(names: Iterable[str] | None) -> list[str]:
    """Configuration names from ``--config`` values (comma lists and "all" allowed)."""
    chosen: list[str] = []
    for value in names or ["shipped"]:
        for name in (n.strip() for n in value.split(",")):
            if not name:
                continue
            if name == "all":
                chosen.extend(CONFIG_NAMES)
            elif name in CONFIG_NAMES:
                chosen.append(name)
            else:
                raise EvalInputError(
                    f"unknown configuration {name!r} (choose from {', '.join(CONFIG_NAMES)}, all)"
                )
    return list(dict.fromkeys(chosen)) or ["shipped"]


def config_settings(name: str, settings: Settings) -> Settings:
    """The Settings variant a configuration name stands for."""
    if name == "shipped":
        return settings
    if name == "dense":
        return settings.with_(retrieval_mode="dense")
    if name == "no-facts":
        return settings.with_(use_facts=False)
    if name == "naive":
        return settings.with_(retrieval_mode="naive", use_facts=False, llm=None)
    raise EvalInputError(f"unknown configuration {name!r}")


def _settings_summary(settings: Settings) -> dict[str, Any]:
    return {
        "retrieval_mode": settings.retrieval_mode,
        "use_facts": settings.use_facts,
        "top_k": settings.top_k,
        "llm": settings.llm or "extractive",
    }


def _default_factory(settings: Settings) -> Any:
    from ..chain import Assistant

    return Assistant(settings)


def _evidence_warnings(items: Sequence[EvalItem], settings: Settings) -> list[str]:
    """Items whose evidence no single passage of the corpus contains (retrieval can never hit)."""
    from ..ingest.corpus import CorpusError, load_corpus, normalize_for_match

    try:
        corpus = load_corpus(settings.corpus_dirs)
    except CorpusError as exc:
        return [f"cannot check evidence against the corpus: {exc}"]
    passages = [normalize_for_match(p.text) for p in corpus.passages]
    documents = [normalize_for_match(d.text) for d in corpus.documents]
    warnings = []
    for item in items:
        if not item.evidence:
            continue
        evidence = normalize_for_match(item.evidence)
        if any(evidence in p for p in passages):
            continue
        where = (
            "spans two passages"
            if any(evidence in d for d in documents)
            else "is not in the corpus"
        )
        warnings.append(f"{item.source}: evidence of {item.id} {where}: {item.evidence[:60]!r}")
    return warnings


def _progress(total: int, desc: str, enabled: bool) -> Any:
    """A tqdm bar on stderr when it is a terminal, else a no-op with the same interface."""
    if enabled and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, leave=False)
    return _NoBar()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def run_config(
    name: str,
    items: Sequence[EvalItem],
    settings: Settings,
    factory: Callable[[Settings], Any] = _default_factory,
    progress: bool = True,
) -> ConfigRun:
    """Build one Assistant for a configuration and run every item through it."""
    variant = config_settings(name, settings)
    started = time.perf_counter()
    try:
        assistant = factory(variant)
        if hasattr(assistant, "ensure_index"):
            assistant.ensure_index()
    except Exception as exc:  # any failure to build is reported, not raised
        elapsed = time.perf_counter() - started
        error = f"could not build the assistant: {type(exc).__name__}: {exc}"
        return ConfigRun(
            name, _settings_summary(variant), summarize([]), [], elapsed, elapsed, error
        )
    build_s = time.perf_counter() - started
    passages = _corpus_passages(variant)
    results = []
    bar = _progress(len(items), name, progress)
    try:
        for item in items:
            results.append(run_item(assistant, item, passages))
            bar.update(1)
    finally:
        bar.close()
    wall_s = time.perf_counter() - started
    return ConfigRun(name, _settings_summary(variant), summarize(results), results, wall_s, build_s)


def _corpus_passages(settings: Settings) -> dict[str, str]:
    from ..ingest.corpus import CorpusError, load_corpus

    try:
        return {p.passage_id: p.text for p in load_corpus(settings.corpus_dirs).passages}
    except CorpusError:
        return {}


def run_item(assistant: Any, item: EvalItem, passages: Mapping[str, str]) -> ItemResult:
    """Ask one item and score it; an exception becomes a failed result, never a crash."""
    history = item.history_turns()
    scope = {"docs": [doc_id_for(Path(item.doc))]} if item.doc else {}
    started = time.perf_counter()
    try:
        answer = assistant.ask(item.question, history=history, **scope)
        latency = (time.perf_counter() - started) * 1000
        retrieved = assistant.search(item.question, k=MRR_DEPTH, history=history, **scope)
    except Exception as exc:  # an item that breaks the assistant is a failure to report
        return error_result(item, f"{type(exc).__name__}: {exc}")
    result = score_item(item, answer, retrieved, passages)
    result.latency_ms = latency
    return result


def error_result(item: EvalItem, error: str) -> ItemResult:
    return ItemResult(
        id=item.id,
        category=item.category,
        question=item.question,
        answerable=item.answerable,
        correct=False,
        abstained=False,
        answer="",
        reasons=[f"error: {error}"],
        history=list(item.history),
        expected=describe_expected(item),
        evidence=item.evidence,
        numeric_correct=False if item.expected_numbers else None,
        error=error,
    )


def run_eval(
    paths: Sequence[Path | str],
    configs: Sequence[str],
    settings: Settings,
    report_dir: Path | str | None = None,
    progress: bool = True,
    *,
    strict: bool = False,
    limit: int | None = None,
    save_latest: bool = True,
    factory: Callable[[Settings], Any] = _default_factory,
) -> EvalReport:
    """Run every item of ``paths`` under each configuration and write the reports.

    Reports go to ``report_dir`` when given and to ``latest_report_path(settings)``'s folder
    unless ``save_latest`` is false. ``factory`` builds the assistant (tests pass a double).
    """
    started = time.perf_counter()
    names = resolve_configs(configs)
    items, problems = load_items(paths, strict=strict)
    if limit is not None:
        items = items[:limit]
    if not items:
        raise EvalInputError(f"no usable items in {', '.join(map(str, paths))}")
    warnings = _evidence_warnings(items, settings)
    warnings += [
        f"{i.source}: unknown field(s) {', '.join(i.unknown_fields)} ignored (a typo?)"
        for i in items
        if i.unknown_fields
    ]
    unknown = sorted({i.category for i in items if not i.known_category})
    warnings += [f"unknown category {c!r} (kept and reported separately)" for c in unknown]
    runs = [run_config(name, items, settings, factory, progress) for name in names]
    report = EvalReport(
        files=[str(p) for p in paths],
        items=len(items),
        problems=problems,
        warnings=warnings,
        runs=runs,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        wall_s=time.perf_counter() - started,
    )
    from .report import write_report

    if report_dir is not None:
        write_report(report, Path(report_dir))
    if save_latest:
        write_report(report, latest_report_path(settings).parent)
    return report
