"""Whole reports as PDFs (`make bench` runs this too, or `python bench/whole_reports.py [PDF...]`).

For each development PDF in ../shared/datasets/whole-reports-dev/docs (skipped with a message when
that folder is absent), each in a fresh process and a fresh data dir:

- pages, passages, headings found (and the share of passages under one), tables found;
- the broken-word rate: word tokens outside the document's vocabulary that join with the next
  token into a word that is in it ("seg ment"), per 1,000 word tokens, for coopqa's text and for
  pypdf's flat text (what coopqa read before) side by side;
- each ingest stage's seconds, CPU seconds (this process and its page workers: steadier than
  seconds on a shared machine) and peak memory so far (RSS of this process or its largest page
  worker): reading the layout, splitting passages and sentences (spaCy), loading the model,
  embedding the passages, extracting facts, the BM25 index;
- `coopqa ingest` as a user runs it, on a corpus of this one file: the first ingest (seconds, CPU
  seconds, peak memory), then a re-ingest of the unchanged file.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEV = ROOT.parent / "shared" / "datasets" / "whole-reports-dev" / "docs"
WORD = re.compile(r"[A-Za-z]+")


def peak_mb() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) // 1024


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (the page workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def broken_words(text: str) -> tuple[int, int]:
    """(broken joins, word tokens): a token outside the vocabulary (words seen at least three
    times in the text) that makes a vocabulary word with the token after it."""
    tokens = [t.lower() for t in WORD.findall(text)]
    counts = Counter(tokens)
    vocab = {w for w, n in counts.items() if n >= 3}
    broken = sum(
        1
        for a, b in zip(tokens, tokens[1:], strict=False)
        if (a not in vocab or b not in vocab) and a + b in vocab
    )
    return broken, len(tokens)


def pypdf_text(data: bytes) -> str:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return "\f".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf gives up on some files (too many tokens in a stream): no figure
        return ""


def one(path: Path) -> dict:
    """Every stage for one PDF, in this process (run by ``main`` in a child process)."""
    from coopqa.config import Settings, offline_environment
    from coopqa.corpus import Corpus, Document, doc_id_for, parse_text
    from coopqa.embeddings import MiniLMEmbeddings
    from coopqa.facts import store
    from coopqa.index import PassageIndex
    from coopqa.pdf_reader import read_pdf

    offline_environment()
    data = path.read_bytes()
    out: dict = {"doc": path.name, "stages": {}}

    def stage(name: str, began: tuple[float, float]) -> None:
        out["stages"][name] = {
            "s": round(time.perf_counter() - began[0], 1),
            "cpu_s": round(cpu_s() - began[1], 1),
            "peak_mb": peak_mb(),
        }

    def now() -> tuple[float, float]:
        return time.perf_counter(), cpu_s()

    began = now()
    text, pages = read_pdf(data)
    stage("layout", began)
    began = now()
    doc = doc_id_for(path)
    parsed = parse_text(doc, text, markdown=True, blank_line_paragraphs=True)
    stage("sentences", began)
    document = Document(doc=doc, path=str(path), text=text, passages=parsed.passages)

    timed = {"_embed": "embed", "_write_facts": "facts", "_write_bm25": "bm25"}
    for method, name in timed.items():
        real = getattr(PassageIndex, method)

        def wrapper(self, *args, _real=real, _name=name, **kwargs):
            t = now()
            result = _real(self, *args, **kwargs)
            stage(_name, t)
            return result

        setattr(PassageIndex, method, wrapper)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        began = now()
        embedder = MiniLMEmbeddings()
        stage("model", began)
        began = now()
        PassageIndex.open(settings, embedder, store).ingest(Corpus(documents=(document,)))
        stage("index", began)
        out["cli"] = cli_ingest(path, Path(data_dir))

    broken, words = broken_words(text)
    before, before_words = broken_words(pypdf_text(data))
    passages = parsed.passages
    out.update(
        pages=pages,
        passages=len(passages),
        headings=sum(1 for line in text.splitlines() if line.startswith("#")),
        under_heading=round(sum(1 for p in passages if p.section) / max(1, len(passages)), 2),
        tables=sum(1 for p in passages if p.kind == "table"),
        broken_per_1000=round(1000 * broken / max(1, words), 2),
        pypdf_broken_per_1000=round(1000 * before / before_words, 2) if before_words else "n/a",
    )
    return out


def cli_ingest(path: Path, data_dir: Path) -> dict:
    """`coopqa ingest` twice on a corpus of this one file: the first fills the read cache and the
    index as a user's first ingest does (seconds, CPU seconds, peak MB of the command or its
    largest page worker), the second is the re-ingest of an unchanged file."""
    corpus = data_dir / "corpus"
    corpus.mkdir()
    (corpus / path.name).symlink_to(path)
    env = {
        **os.environ,
        "COOPQA_DATA_DIR": str(data_dir / "cli"),
        "COOPQA_CORPUS_DIR": str(corpus),
        "COOPQA_FACTS": str(data_dir / "no-facts.csv"),  # a new user: no reviewed facts
    }
    runs = []
    for _ in range(2):
        began, cpu = time.perf_counter(), _children_cpu_s()
        subprocess.run(
            [sys.executable, "-m", "coopqa.cli", "ingest"], env=env, check=True, capture_output=True
        )
        runs.append((round(time.perf_counter() - began, 1), round(_children_cpu_s() - cpu, 1)))
    # ru_maxrss of children: the largest finished child so far, here the first ingest (the
    # stages above ran in this process, not a child)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return {
        "first_s": runs[0][0],
        "first_cpu_s": runs[0][1],
        "peak_mb": peak,
        "unchanged_s": runs[1][0],
    }


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stage_cell(stage: dict | None) -> str:
    return f"{stage['s']} / {stage['cpu_s']} ({stage['peak_mb']})" if stage else "–"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        print(json.dumps(one(Path(argv[1]))))
        return 0
    paths = [Path(a) for a in argv] or (sorted(DEV.glob("*.pdf")) if DEV.is_dir() else [])
    if not paths:
        print(f"whole reports: skipped ({DEV} not found)")
        return 0
    print("\n## Whole reports: reading, passages and ingest stages\n")
    print(
        "Stages in one process: seconds / CPU seconds (peak MB so far). `coopqa ingest`: the "
        "first ingest of the file alone (seconds / CPU seconds, peak MB), then again unchanged."
    )
    stages = ("layout", "sentences", "model", "embed", "facts", "bm25")
    print(
        "\n| document | pages | passages | headings | under a heading | tables | broken words /1000 "
        f"(pypdf) | {' | '.join(stages)} | `coopqa ingest` | unchanged |"
    )
    print("|---|---:|---:|---:|---:|---:|---|" + "---:|" * (len(stages) + 2))
    for path in paths:
        run = subprocess.run(
            [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True
        )
        if run.returncode != 0:
            print(f"| {path.name} | failed: {run.stderr.strip().splitlines()[-1:]} |")
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        cells = [_stage_cell(r["stages"].get(name)) for name in stages]
        cli = r["cli"]
        print(
            f"| {r['doc']} | {r['pages']} | {r['passages']} | {r['headings']} | "
            f"{r['under_heading']:.0%} | {r['tables']} | {r['broken_per_1000']} "
            f"({r['pypdf_broken_per_1000']}) | {' | '.join(cells)} | "
            f"{cli['first_s']} s / {cli['first_cpu_s']} (peak {cli['peak_mb']} MB) | "
            f"{cli['unchanged_s']} s |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
