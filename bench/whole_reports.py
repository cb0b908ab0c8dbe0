"""Whole reports as PDFs (`make bench` runs this too, or `python bench/whole_reports.py [PDF...]`).

    python bench/whole_reports.py [PDF...] [--docs N] [--only NAME] [--answers | --reading]
                                  [--no-baseline] [--fresh-baseline]

Two parts, for each development PDF in ../shared/datasets/whole-reports-dev/docs (skipped with a
message when that folder is absent); `--docs N` takes the first N, `--only NAME` (repeatable) the
files whose name contains NAME; `--answers` or `--reading` runs one part only.

**Answers.** Each document alone in its own corpus and data dir, kept under
`.coopqa/whole-reports/<sha256 of the file>/` so a second run ingests nothing; its questions
(questions.jsonl, `doc` field) asked and scored by the dataset's fields (`coopqa.evaluate.whole_reports`):
accuracy, abstention precision and recall, wrong numbers, false "not stated", by category and by
document; `judgement: true` items are answered but left out of the figures. Beside it the naive
tutorial baseline: pypdf's text page by page (what LangChain's `PyPDFLoader` loads),
`RecursiveCharacterTextSplitter` (1000/200) per page, top-k similarity over the same MiniLM, and
coopqa's naive mode answering (as in bench/large_corpus.py). The baseline's results are kept per
document (`naive-results.jsonl` beside the index) and reused; `--fresh-baseline` asks again.
Per-item results: `.coopqa/whole-reports/results.jsonl`.

**Reading** (each PDF in a fresh process and a fresh data dir):

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

import argparse
import hashlib
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
DATASET = ROOT.parent / "shared" / "datasets" / "whole-reports-dev"
DEV = DATASET / "docs"
CACHE = ROOT / ".coopqa" / "whole-reports"
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
    from coopqa.facts import store
    from coopqa.ingest.corpus import Corpus, Document, doc_id_for, parse_text
    from coopqa.ingest.embeddings import MiniLMEmbeddings
    from coopqa.ingest.index import PassageIndex
    from coopqa.ingest.pdf_reader import read_pdf

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


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pypdf_pages(path: Path) -> list[str]:
    """What LangChain's ``PyPDFLoader`` loads: pypdf's plain text, one document a page."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return [page.extract_text() or "" for page in PdfReader(path).pages]
    except Exception:  # pypdf gives up on some files: the baseline has no text for them
        return []


def answer_document(path: Path, items: list, baseline: bool, fresh: bool) -> tuple[list, list]:
    """(coopqa's scored items, the baseline's) for one PDF alone in its own corpus."""
    from types import SimpleNamespace

    from coopqa.chain import Assistant
    from coopqa.evaluate import whole_reports as eval_whole
    from coopqa.evaluate.large_corpus import settings_for

    home = CACHE / sha256(path)
    corpus = home / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    link = corpus / path.name
    if not link.exists():
        link.symlink_to(path.resolve())
    began = time.perf_counter()
    assistant = Assistant(settings_for(corpus, home / "coopqa"))
    assistant.ensure_index()  # nothing to do when the file and the reading code are unchanged
    built = time.perf_counter() - began
    ours = [ask(assistant, item) for item in items]
    print(f"  {path.name}: coopqa built in {built:.1f} s, {right(ours)}", flush=True)
    del assistant
    if not baseline:
        return ours, []
    kept = home / "naive-results.jsonl"
    if kept.exists() and not fresh:
        rows = {r["id"]: r for r in map(json.loads, kept.read_text().splitlines())}
        if all(i.id in rows for i in items):
            return ours, [rescored(i, rows[i.id]) for i in items]
    naive_corpus = home / "naive-corpus"
    naive_corpus.mkdir(exist_ok=True)
    # control characters pypdf leaves in some files are noise to the tutorial's splitter too
    text = re.sub(r"[\x00-\x08\x0b\x0e-\x1f]", " ", "\f".join(pypdf_pages(path)))
    (naive_corpus / f"{path.stem}.txt").write_text(text, "utf-8")
    began = time.perf_counter()
    if text.strip():
        settings = settings_for(naive_corpus, home / "naive", retrieval_mode="naive")
        naive = Assistant(settings)
        theirs = [ask(naive, item) for item in items]
    else:  # pypdf gives up on the file: the tutorial has nothing to retrieve, so it says so
        nothing = SimpleNamespace(answer="(pypdf read no text)", abstained=True, short=None)
        theirs = [eval_whole.score(item, nothing) for item in items]
    print(f"  {path.name}: baseline in {time.perf_counter() - began:.1f} s, {right(theirs)}")
    with kept.open("w", encoding="utf-8") as out:
        for s in theirs:
            out.write(json.dumps(s.row("naive"), ensure_ascii=False) + "\n")
    return ours, theirs


def right(scored: list) -> str:
    graded = [s for s in scored if not s.item.judgement]
    return f"{sum(s.correct for s in graded)} of {len(graded)} graded questions right"


def rescored(item, row: dict):
    """A kept baseline answer, scored again (the scorer may have changed, the answer not)."""
    from types import SimpleNamespace

    from coopqa.evaluate import whole_reports as eval_whole

    if row.get("error"):
        return eval_whole.failed(item, row["error"])
    answer = SimpleNamespace(answer=row["answer"], abstained=row["abstained"], short=row["short"])
    scored = eval_whole.score(item, answer)
    scored.pages = row.get("cited_pages", [])
    return scored


def ask(assistant, item):
    from coopqa.evaluate import whole_reports as eval_whole

    try:
        return eval_whole.score(item, assistant.ask(item.question, docs=[item.doc]))
    except Exception as exc:  # a crash is a failed item, reported, never the run's end
        return eval_whole.failed(item, repr(exc))


def answers(paths: list[Path], baseline: bool, fresh: bool) -> None:
    from coopqa.config import offline_environment
    from coopqa.evaluate import whole_reports as eval_whole

    offline_environment()
    items = eval_whole.load(DATASET / "questions.jsonl")
    names = {p.name for p in paths}
    items = [i for i in items if i.doc in names]
    judged = sum(i.judgement for i in items)
    print(f"\n## Whole reports: answers ({len(items)} questions on {len(paths)} documents, "
          f"each document alone)\n")  # fmt: skip
    ours, theirs = [], []
    for path in paths:
        mine = [i for i in items if i.doc == path.name]
        if mine:
            a, b = answer_document(path, mine, baseline, fresh)
            ours += a
            theirs += b
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / "results.jsonl").open("w", encoding="utf-8") as out:
        for system, scored in (("coopqa", ours), ("naive", theirs)):
            for s in scored:
                out.write(json.dumps(s.row(system), ensure_ascii=False) + "\n")
    print()
    print(eval_whole.format_figures(
        eval_whole.figures(ours), eval_whole.figures(theirs) if theirs else None))  # fmt: skip
    print(
        f'\n{judged} `judgement: true` items (yes/no, "the metric does not apply", prose) are '
        "answered but left out of these figures: read them in "
        f"{(CACHE / 'results.jsonl').relative_to(ROOT)}. Accuracy is on the answer's text; "
        '"short answer" on its bare answer alone.'
    )


def reading(paths: list[Path]) -> None:
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


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        print(json.dumps(one(Path(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, help="only the first N documents")
    parser.add_argument("--only", action="append", help="only files whose name contains this")
    part = parser.add_mutually_exclusive_group()
    part.add_argument("--answers", action="store_true", help="the answers only")
    part.add_argument("--reading", action="store_true", help="the reading and ingest stages only")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--fresh-baseline", action="store_true", help="ask the baseline again")
    args = parser.parse_args(argv)
    paths = args.pdfs or (sorted(DEV.glob("*.pdf")) if DEV.is_dir() else [])
    if args.only:
        paths = [p for p in paths if any(n.lower() in p.name.lower() for n in args.only)]
    if args.docs is not None:
        paths = paths[: args.docs]
    if not paths:
        print(f"whole reports: skipped ({DEV} not found, or no file chosen)")
        return 0
    if not args.reading:
        if (DATASET / "questions.jsonl").exists():
            answers(paths, not args.no_baseline, args.fresh_baseline)
        else:
            print(f"whole reports, answers: skipped ({DATASET / 'questions.jsonl'} not found)")
    if not args.answers:
        reading(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
