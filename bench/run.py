"""`make bench`: every figure the issues ask for, each next to its baseline from the same run."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from coopqa.config import Settings, offline_environment  # noqa: E402
from coopqa.ingest.corpus import load_corpus, normalize_for_match  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def read_items(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def hits(searcher, items: list[dict], k: int) -> tuple[list[int | None], list[float]]:
    """Rank (1-based) of the first passage holding the evidence, and per-query latency in ms."""
    ranks, times = [], []
    for item in items:
        history = [{"role": "user", "content": h} for h in item.get("history", [])]
        began = time.perf_counter()
        results = searcher(item["question"], k, history)
        times.append((time.perf_counter() - began) * 1000)
        evidence = normalize_for_match(item["evidence"])
        found = [
            i for i, r in enumerate(results, 1) if evidence in normalize_for_match(r.passage.text)
        ]
        ranks.append(found[0] if found else None)
    return ranks, times


def hit_at(ranks: list[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def section(title: str) -> None:
    print(f"\n## {title}\n")


def bench_ingest(settings: Settings, embedder) -> None:
    from coopqa.facts import store
    from coopqa.ingest.index import PassageIndex

    section("Ingest (the chapter)")
    corpus = load_corpus(settings.corpus_dirs)
    index = PassageIndex.open(settings, embedder, store)
    cold = index.ingest(corpus)
    noop = index.ingest(corpus)
    print(f"cold ingest: {cold.seconds * 1000:.0f} ms ({cold.embedded} passages embedded)")
    print(f"no-op re-ingest: {noop.seconds * 1000:.1f} ms ({noop.embedded} embedded)")


def bench_retrieval(settings: Settings, embedder) -> None:
    from coopqa.chain import Assistant

    section("Retrieval on eval/retrieval.jsonl (hybrid vs the LangChain tutorial baseline)")
    items = read_items(ROOT / "eval" / "retrieval.jsonl")
    rows = []
    for name, mode, k in (
        ("coopqa hybrid", "hybrid", 5),
        ("dense only", "dense", 5),
        ("bm25 only", "bm25", 5),
        ("baseline: 1000/200 chunks, dense, k=4", "naive", 4),
    ):
        assistant = Assistant(
            settings.with_(retrieval_mode=mode, use_facts=False), embedder=embedder
        )
        hits(assistant.search, items[:3], k)  # warm up
        embedder.clear_cache()  # every retriever embeds every question itself
        ranks, times = hits(assistant.search, items, k)
        rows.append(
            (
                name,
                hit_at(ranks, 1),
                hit_at(ranks, 3),
                hit_at(ranks, 4),
                percentile(times, 0.5),
                percentile(times, 0.95),
            )
        )
    print(f"{len(items)} questions\n")
    print("| retriever | hit@1 | hit@3 | hit@4 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, h1, h3, h4, p50, p95 in rows:
        print(f"| {name} | {h1:.3f} | {h3:.3f} | {h4:.3f} | {p50:.1f} | {p95:.1f} |")


def bench_answers(settings: Settings, embedder) -> None:
    from coopqa.chain import Assistant

    section("Answer latency (warm model, fresh questions) vs search-only, same process")
    items = read_items(ROOT / "eval" / "chapter8.jsonl")
    assistant = Assistant(settings, embedder=embedder)
    assistant.ask("warm-up question about dispatches in FY2012")
    # The tutorial embeds as LangChain's does (sentence-transformers, per query): its own embedder.
    tutorial = Assistant(settings.with_(retrieval_mode="naive", use_facts=False))
    tutorial.search("warm-up question about dispatches in FY2012", k=4)
    timings = {}
    for name, call in (
        ("ask", assistant.ask),
        ("search", assistant.search),
        ("tutorial search", lambda q, history: tutorial.search(q, k=4, history=history)),
    ):
        embedder.clear_cache()  # neither pass may reuse the other's question embeddings
        times = []
        for item in items:
            history = [{"role": "user", "content": h} for h in item.get("history", [])]
            began = time.perf_counter()
            call(item["question"], history=history)
            times.append((time.perf_counter() - began) * 1000)
        timings[name] = times
    print(f"{len(items)} questions")
    for name, times in timings.items():
        print(
            f"{name:>15}: p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms"
        )
    ratio = percentile(timings["ask"], 0.5) / percentile(timings["tutorial search"], 0.5)
    print(f"warm ask p50 / tutorial retrieval-only p50: {ratio:.2f} (target <= 1.0)")


def bench_facts(settings: Settings) -> None:
    from coopqa.answer.verify_report import benchmark
    from coopqa.facts import coverage, load_fact_table

    section("Fact table and verifier")
    corpus = load_corpus(settings.corpus_dirs)
    table = load_fact_table(settings.facts_path, corpus)
    covered, total, uncovered = coverage(table, corpus)
    print(f"facts: {len(table.stated)} stated, {len(table.derived)} derived")
    print(f"coverage: {covered}/{total} number mentions in the corpus covered by a fact")
    for item in uncovered:
        print(f"  uncovered: {item}")
    result = benchmark(ROOT / "bench" / "verifier_sentences.jsonl", table)
    print(
        "verifier: " + ", ".join(f"{k} {v}" for k, v in result.items() if not isinstance(v, list))
    )


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def bench_eval(settings: Settings) -> None:
    from coopqa.evaluate.report import category_rows, summary_rows
    from coopqa.evaluate.run import run_eval

    section("Evaluation, all configurations (coopqa eval eval/chapter8.jsonl --config all)")
    began = time.perf_counter()
    report = run_eval(
        [ROOT / "eval" / "chapter8.jsonl"], ["all"], settings, progress=False, save_latest=False
    )
    print(markdown_table(*summary_rows(report)))
    print()
    print(markdown_table(*category_rows(report)))
    print(f"\nfull run over all configurations: {time.perf_counter() - began:.1f} s")


def bench_scale() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import scale  # type: ignore[import-not-found]

    section("Scale: 1, 30 and 279 documents, each step in a fresh process (bench/scale.py)")
    print(scale.main())


def bench_load(settings: Settings) -> None:
    load = ROOT / "bench" / "load.py"
    if not load.exists():
        return
    section("HTTP API under load")
    sys.path.insert(0, str(load.parent))
    import load as load_bench  # type: ignore[import-not-found]

    print(load_bench.main(settings))


def main() -> None:
    offline_environment()
    from coopqa.ingest.embeddings import MiniLMEmbeddings

    print("# coopqa benchmarks")
    embedder = MiniLMEmbeddings()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_(data_dir=Path(tmp) / "data")
        bench_ingest(settings, embedder)
        bench_scale()
        bench_retrieval(settings, embedder)
        bench_answers(settings, embedder)
        bench_facts(settings)
        bench_eval(settings)
        bench_load(settings)


if __name__ == "__main__":
    main()
