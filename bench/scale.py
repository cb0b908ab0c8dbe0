"""The scale curve: ingest, start-up, ask latency and memory at 1, 30 and 279 documents.

The corpus is the chapter plus the development set's annual-report extracts, repeated with their
numbers shifted (so every copy is a new document with new sentences to embed) up to the count.
Each step runs in a fresh process, as a worker would:

python bench/scale.py                 # 1, 30 and 279 documents
python bench/scale.py --sizes 1 279 --questions 40
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "corpus" / "npa-annual-report-ch8-international-cooperation.txt"
DEV_DOCS = ROOT / "eval" / "annual-reports-dev" / "docs"
SIZES = (1, 30, 279)
_DIGITS = re.compile(r"\d+")


def variant(text: str, n: int) -> str:
    """Copy ``n`` of a document: every number shifted by ``n``, so its sentences are new."""
    if n == 0:
        return text
    return _DIGITS.sub(lambda m: str(int(m.group()) + n), text)


def write_corpus(dest: Path, documents: int) -> Path:
    """The chapter plus ``documents - 1`` extracts (the dev set's, then shifted copies of them)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(CHAPTER, dest / CHAPTER.name)
    for name in ("facts.csv", "glossary.toml", "abbreviations.json", "examples.json"):
        if (CHAPTER.parent / name).exists():
            shutil.copy(CHAPTER.parent / name, dest / name)
    sources = sorted(DEV_DOCS.glob("*.md"))
    for i in range(documents - 1):
        source = sources[i % len(sources)]
        copy = i // len(sources)
        name = source.name if copy == 0 else f"{source.stem}-v{copy}.md"
        text = source.read_text(encoding="utf-8")
        (dest / name).write_text(variant(text, copy), encoding="utf-8")
    return dest


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(count: int) -> list[dict]:
    lines = (ROOT / "eval" / "chapter8.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip() and not line.startswith("//")]
    return items[:count]


def child_ingest(settings) -> dict:  # noqa: ANN001
    from coopqa.facts import store
    from coopqa.ingest.corpus import load_corpus
    from coopqa.ingest.embeddings import MiniLMEmbeddings
    from coopqa.ingest.index import PassageIndex

    index = PassageIndex.open(settings, MiniLMEmbeddings(), store)
    began = time.perf_counter()
    report = index.ingest(load_corpus(settings.corpus_dirs))
    seconds = time.perf_counter() - began
    return {"ingest_s": seconds, "passages": report.passages, "documents": report.documents}


def child_serve(settings, count: int, born: float) -> dict:  # noqa: ANN001
    from coopqa.chain import Assistant
    from coopqa.ingest.embeddings import MiniLMEmbeddings

    embedder = MiniLMEmbeddings()
    began = time.perf_counter()
    assistant = Assistant(settings, embedder=embedder)
    assistant_s = time.perf_counter() - began
    process_s = time.time() - born
    assistant.ask("warm-up question about dispatches in FY2012")
    embedder.clear_cache()
    times = []
    for item in questions(count):
        history = [{"role": "user", "content": h} for h in item.get("history", [])]
        began = time.perf_counter()
        assistant.ask(item["question"], history=history)
        times.append((time.perf_counter() - began) * 1000)
    return {
        "startup_s": process_s,
        "assistant_s": assistant_s,
        "ask_p50_ms": percentile(times, 0.5),
        "ask_p95_ms": percentile(times, 0.95),
        "rss_mb": rss_mb(),
    }


def run_child(step: str, corpus: Path, data: Path, count: int) -> dict:
    env = {
        **os.environ,
        "COOPQA_CORPUS_DIR": str(corpus),
        "COOPQA_DATA_DIR": str(data),
        "COOPQA_FACTS": str(corpus / "facts.csv"),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    command = [sys.executable, __file__, "--child", step, "--questions", str(count)]
    command += ["--born", repr(time.time())]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"scale bench {step} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(documents: int, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="coopqa-scale-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", documents)
        data = Path(tmp) / "data"
        row = {"documents": documents} | run_child("ingest", corpus, data, count)
        again = run_child("ingest", corpus, data, count)
        row["reingest_s"] = again["ingest_s"]
        return row | run_child("serve", corpus, data, count)


def format_rows(rows: list[dict]) -> str:
    lines = [
        "| documents | passages | ingest s | no-op re-ingest s | start-up s (process) "
        "| Assistant() s | ask p50 ms | ask p95 ms | RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['documents']} | {r['passages']} | {r['ingest_s']:.1f} | {r['reingest_s']:.2f} "
            f"| {r['startup_s']:.1f} | {r['assistant_s']:.2f} | {r['ask_p50_ms']:.1f} "
            f"| {r['ask_p95_ms']:.1f} | {r['rss_mb']:.0f} |"
        )
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        lines.append(
            f"\n{last['documents']} vs {first['documents']} documents: start-up "
            f"{last['startup_s'] / first['startup_s']:.2f}x (Assistant() "
            f"{last['assistant_s'] / first['assistant_s']:.2f}x), ask p50 "
            f"{last['ask_p50_ms'] / first['ask_p50_ms']:.2f}x; largest RSS "
            f"{max(r['rss_mb'] for r in rows):.0f} MB"
        )
    lines.append("targets: start-up and ask p50 <= 1.2x those at 1 document; RSS <= 1200 MB")
    return "\n".join(lines)


def main(sizes: tuple[int, ...] = SIZES, count: int = 40) -> str:
    rows = []
    for n in sizes:  # each row as soon as it is measured: the largest takes minutes
        rows.append(measure(n, count))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return format_rows(rows)


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--questions", type=int, default=40, help="fresh questions asked")
    parser.add_argument("--child", choices=["ingest", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--born", type=float, default=time.time(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        from coopqa.config import Settings, offline_environment

        offline_environment()
        settings = Settings.from_env()
        if args.child == "ingest":
            result = child_ingest(settings)
        else:
            result = child_serve(settings, args.questions, args.born)
        print(json.dumps(result))
        return 0
    print(main(tuple(args.sizes), args.questions))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
