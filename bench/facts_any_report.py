"""Facts from any report (`make bench` runs this too, or `python bench/facts_any_report.py`):

- extractor recall against the hand table (the chapter alone, no facts.csv);
- ingest seconds and facts per document for the development set plus the chapter;
- the development set, each item answered from its own document, next to the naive baseline;
- Chapter 8 answered from extracted facts only, next to the hand table, same run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from coopqa.config import offline_environment  # noqa: E402
from coopqa.ingest.corpus import load_corpus, normalize_for_match, read_document  # noqa: E402

DEV = ROOT / "eval" / "annual-reports-dev"
CHAPTER = ROOT / "corpus" / "npa-annual-report-ch8-international-cooperation.txt"
COOPQA = str(Path(sys.executable).with_name("coopqa"))


def section(title: str) -> None:
    print(f"\n## {title}\n", flush=True)


def recall_against_hand_table() -> None:
    """Stated rows found by the extractor: same value, in the row's sentence, same period."""
    from coopqa.facts.extract import extract_document
    from coopqa.facts.overlay import read_rows

    section("Extractor recall against the hand table (chapter alone, no facts.csv)")
    rows, _ = read_rows(ROOT / "corpus" / "facts.csv")
    extracted = extract_document(read_document(CHAPTER)).facts
    found, misses = 0, []
    for row in rows:
        quote = normalize_for_match(row.quote)
        hits = [
            f
            for f in extracted
            if abs(f.value - row.value) < 1e-9
            and quote in normalize_for_match(f.quote)
            and (not row.period_years or row.period_years <= (f.period_years | f.scope_years))
        ]
        if hits:
            found += 1
        else:
            misses.append(f"{row.id}: {row.value:g} {row.unit}, {row.period or 'undated'}")
    print(f"recall {found}/{len(rows)} = {found / len(rows):.3f} (goal ≥ 0.90)")
    for miss in misses:
        print(f"  missed {miss}")


def ingest_figures(data: Path) -> None:
    section("Ingest: the development documents plus the chapter")
    corpus_dir = data / "corpus"
    corpus_dir.mkdir(parents=True)
    for path in [*sorted((DEV / "docs").glob("*.md")), CHAPTER]:
        shutil.copy(path, corpus_dir / path.name)
    env = _env(corpus_dir, data / "index", facts="none")
    began = time.perf_counter()
    out = subprocess.run([COOPQA, "ingest"], env=env, capture_output=True, text=True, check=True)
    print(f"coopqa ingest: {time.perf_counter() - began:.1f} s wall")
    for line in out.stdout.splitlines():
        print(f"  {line}")
    from coopqa.facts.extract import extract_document

    for document in load_corpus([corpus_dir]).documents:
        result = extract_document(document)
        print(
            f"  {document.doc}: {len(result.facts)} facts "
            f"({sum(f.origin == 'table' for f in result.facts)} from tables), "
            f"{result.skipped_cells} odd cells skipped"
        )


def _env(corpus: Path, data: Path, facts: str) -> dict[str, str]:
    env = dict(os.environ)
    env |= {"COOPQA_CORPUS_DIR": str(corpus), "COOPQA_DATA_DIR": str(data)}
    env["COOPQA_FACTS"] = str(ROOT / "corpus" / "facts.csv") if facts == "hand" else "/nonexistent"
    return env


def run_eval(label: str, sets: list[Path], env: dict[str, str], configs: list[str]) -> dict:
    subprocess.run([COOPQA, "ingest"], env=env, capture_output=True, check=True)
    args = [COOPQA, "eval", *map(str, sets), "--json"]
    for config in configs:
        args += ["--config", config]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    for run in report["runs"]:
        m = run["metrics"]
        cats = " ".join(
            f"{c} {e['correct']}/{e['items']}" for c, e in sorted(m["by_category"].items())
        )
        print(
            f"{label:<34} {run['name']:<8} {m['correct']}/{m['items']} = {m['accuracy']:.1%}"
            f"  wrong numbers {m['wrong_numbers']}  abstention P {_pct(m['abstention_precision'])}"
            f" R {_pct(m['abstention_recall'])}\n    {cats}",
            flush=True,
        )
    return report


def prose_only(dev: Path, out: Path) -> tuple[Path, Path]:
    """The development documents without their table lines, and the questions the text alone
    answers or no part answers: is a report without tables still answered, and refused, right?"""
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for document in sorted((dev / "docs").glob("*.md")):
        lines = document.read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if not line.lstrip().startswith("|")]
        (docs / document.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    questions = out / "questions.jsonl"
    lines = (dev / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    kept_items = [i for i in items if i.get("answer_from") == "text" or not i["answerable"]]
    questions.write_text("".join(json.dumps(i) + "\n" for i in kept_items), encoding="utf-8")
    return docs, questions


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def main() -> None:
    offline_environment()
    recall_against_hand_table()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        ingest_figures(data)
        section("Development set, each item from its own document (no facts.csv)")
        run_eval(
            "annual-reports-dev",
            [DEV / "questions.jsonl"],
            _env(DEV / "docs", data / "dev", facts="none"),
            ["shipped", "naive"],
        )
        section("Development documents with their tables taken out (prose only): text answers")
        docs, questions = prose_only(DEV, data / "prose")
        run_eval(
            "annual-reports-dev, prose only",
            [questions],
            _env(docs, data / "prose-data", facts="none"),
            ["shipped"],
        )
        section("Chapter 8: hand table (overlay) against extracted facts only, same run")
        sets = [ROOT / "eval" / "chapter8.jsonl", ROOT / "eval" / "heldout.jsonl"]
        for facts in ("hand", "none"):
            for one in sets:
                run_eval(
                    f"{one.name} ({'hand table' if facts == 'hand' else 'extracted only'})",
                    [one],
                    _env(ROOT / "corpus", data / f"ch8-{facts}", facts=facts),
                    ["shipped"],
                )


if __name__ == "__main__":
    main()
