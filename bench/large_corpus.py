"""`make bench`: the large development corpus (eval/tatqa-test), every item from its own document.

Prints both parts (`look`, `measure`) by category and by TAT-QA's `answer_from`: coopqa's
accuracy, TAT-QA's EM/F1 on the short answer, abstention precision and recall, wrong numbers;
then the naive tutorial baseline on the same items and the published reference points. The
index is kept in `.coopqa/large-corpus/` so a second run ingests nothing. Per-item results are
written for `look` only (`look-results.jsonl`): `measure` is read as aggregates alone.

    python bench/large_corpus.py [--no-baseline] [--split look|measure]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from coopqa.config import Settings, offline_environment  # noqa: E402
from coopqa.evaluate import large_corpus as eval_corpus  # noqa: E402

DATA = ROOT / ".coopqa" / "large-corpus"


def run(mode: str, items: list, data: Path) -> tuple[list, float, float]:
    """(scored items, seconds to build the assistant, seconds to answer)."""
    from coopqa.chain import Assistant

    folder = ROOT / eval_corpus.DEFAULT_DIR / "docs"
    settings = eval_corpus.settings_for(folder, data, Settings(), retrieval_mode=mode)
    began = time.perf_counter()
    assistant = Assistant(settings)
    assistant.ensure_index()
    built = time.perf_counter() - began
    began = time.perf_counter()
    scored = eval_corpus.ask_all(assistant, items)
    return scored, built, time.perf_counter() - began


def write_look(scored: list, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for s in scored:
            if s.entry.split != "look":
                continue
            r = s.result
            row = {"id": r.id, "doc": s.entry.item.doc, "category": r.category,
                   "question": r.question, "correct": r.correct, "answer": r.answer,
                   "reasons": r.reasons, "short": s.short, "gold": s.entry.gold,
                   "scale": s.entry.scale, "em": s.em}  # fmt: skip
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--split", choices=eval_corpus.SPLITS, action="append")
    args = parser.parse_args(argv)
    offline_environment()
    started = time.perf_counter()
    items = eval_corpus.load(ROOT / eval_corpus.DEFAULT_DIR, args.split or eval_corpus.SPLITS)
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"\n## Large development corpus ({len(items)} items, each from its own document)\n")
    scored, built, asked = run("hybrid", items, DATA / "hybrid")
    print(eval_corpus.format_figures(eval_corpus.figures(scored), "coopqa"))
    print(
        f"\nassistant built (index loaded, or ingested when new) in {built:.1f} s; "
        f"{len(items)} questions answered in {asked:.1f} s "
        f"({1000 * asked / max(len(items), 1):.1f} ms each)"
    )
    write_look(scored, DATA / "look-results.jsonl")
    if not args.no_baseline:
        naive, built, asked = run("naive", items, DATA / "naive")
        print()
        print(eval_corpus.format_figures(eval_corpus.figures(naive), "naive baseline"))
        print(f"\nnaive baseline: built in {built:.1f} s, answered in {asked:.1f} s")
    print("\nPublished on TAT-QA's whole test split (EM / F1): " + "; ".join(
        f"{name} {em} / {f1}" for name, (em, f1) in eval_corpus.REFERENCE.items()))  # fmt: skip
    print(f"\nwhole run: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
