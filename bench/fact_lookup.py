"""Fact-lookup precision on the eval sets: top-1 value, not_stated recall and false fires.

python bench/fact_lookup.py            # both halves (ids ending in an odd / even digit)
python bench/fact_lookup.py --rerank   # also the chain's re-ranking (lookup score + cosine), loads MiniLM
python bench/fact_lookup.py --json out.json

Items with expected_numbers in the numeric / derived / aggregate / paraphrase / followup /
false_premise categories check whether lookup(question)[0] has one of the expected values;
unanswerable items check that not_stated fires; every answerable item checks that it does not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from coopqa.facts import FactTable, load_fact_table  # noqa: E402
from coopqa.ingest.corpus import load_corpus  # noqa: E402

EVAL_SETS = (ROOT / "eval" / "chapter8.jsonl", ROOT / "eval" / "retrieval.jsonl")
VALUE_CATEGORIES = frozenset(
    {"numeric", "derived", "aggregate", "paraphrase", "followup", "false_premise"}
)


def read_items(paths: tuple[Path, ...] = EVAL_SETS) -> list[dict]:
    items = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def half(item_id: str) -> str:
    """ "odd" (tuning half) or "even" (held-out half) by the id's trailing digit."""
    digits = re.findall(r"\d", item_id)
    return "odd" if digits and int(digits[-1]) % 2 else "even"


def query_of(item: dict) -> str:
    """The question as the pipeline resolves it: a follow-up is joined with the last user turn."""
    history = [
        h if isinstance(h, dict) else {"role": "user", "content": h}
        for h in item.get("history", [])
    ]
    if not history:
        return item["question"]
    try:
        from coopqa.chain import condense

        return condense(item["question"], history)
    except ImportError:  # pragma: no cover - chain unavailable
        last = history[-1]["content"].rstrip("?.! ")
        return f"{item['question'].rstrip('?.! ')} — {last}?"


def evaluate(table: FactTable, items: list[dict], rerank=None) -> dict:
    """Per-item outcomes and the figures for one set of items."""
    rows, elapsed = [], 0.0
    for item in items:
        query = query_of(item)
        began = time.perf_counter()
        matches = table.lookup(query, k=12)
        stated = table.not_stated(query)
        elapsed += time.perf_counter() - began
        row = {"id": item["id"], "category": item["category"], "question": query}
        expected = item.get("expected_numbers") or []
        if item["category"] in VALUE_CATEGORIES and expected:
            top = matches[0].fact if matches else None
            row["value_ok"] = top is not None and top.value in expected
            row["top"] = f"{top.id}={top.value:g}" if top else "-"
            row["expected"] = expected
            if rerank is not None:
                best = rerank(query, matches)
                row["rerank_ok"] = best is not None and best.value in expected
                row["rerank_top"] = f"{best.id}={best.value:g}" if best else "-"
        if not item.get("answerable", True):
            if item["category"] == "unanswerable":
                row["fires_ok"] = stated is not None
        elif item["category"] not in ("out_of_scope", "injection"):
            row["false_fire"] = stated is not None
        row["not_stated"] = str(stated) if stated else ""
        rows.append(row)
    return {"rows": rows, "ms_per_question": 1000 * elapsed / max(1, len(items))}


def figures(rows: list[dict]) -> dict[str, tuple[int, int]]:
    def count(key: str, good: bool = True) -> tuple[int, int]:
        have = [r[key] for r in rows if key in r]
        return sum(1 for v in have if v == good), len(have)

    out = {"top-1 value": count("value_ok"), "not_stated fires (unanswerable)": count("fires_ok")}
    out["not_stated silent (answerable)"] = count("false_fire", good=False)
    if any("rerank_ok" in r for r in rows):
        out["top-1 after chain re-rank"] = count("rerank_ok")
    return out


def chain_reranker(table: FactTable):
    """fact_ranking.rank_facts without its penalties: lookup score + cosine - derived penalty."""
    from coopqa.answer.fact_ranking import _DERIVATION_CUE
    from coopqa.answer.fact_ranking import dot as _dot
    from coopqa.ingest.embeddings import MiniLMEmbeddings

    embedder = MiniLMEmbeddings()
    texts = [f"{f.subject}: {f.measure} {f.period} {f.scope}. {f.quote}" for f in table.facts]
    vectors = dict(zip([f.id for f in table.facts], embedder.embed_documents(texts), strict=True))

    def rerank(question: str, matches: list) -> object | None:
        if not matches:
            return None
        vector = embedder.embed_query(question)
        derives = bool(_DERIVATION_CUE.search(question))
        scored = [
            (m.score + _dot(vector, vectors[m.fact.id]) - (0.1 * (m.fact.derived and not derives)))
            for m in matches
        ]
        return matches[max(range(len(matches)), key=lambda i: scored[i])].fact

    return rerank


def report(result: dict, title: str) -> None:
    rows = result["rows"]
    print(f"\n## {title} ({len(rows)} items, {result['ms_per_question']:.2f} ms/question)")
    for name, (good, total) in figures(rows).items():
        share = f"{good / total:.0%}" if total else "-"
        print(f"  {name:<34} {good:>3}/{total:<3} {share}")
    misses = [r for r in rows if r.get("value_ok") is False]
    for r in misses:
        print(f"  MISS  {r['id']:<4} top {r['top']:<40} want {r['expected']}  {r['question']}")
    for r in rows:
        if r.get("rerank_ok") is False:
            print(f"  RERANK-MISS {r['id']:<4} top {r['rerank_top']:<34} want {r['expected']}")
    for r in rows:
        if r.get("fires_ok") is False:
            print(f"  SILENT {r['id']:<4} {r['question']}")
        if r.get("false_fire"):
            print(f"  FIRED  {r['id']:<4} {r['question']}\n         -> {r['not_stated'][:150]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rerank", action="store_true", help="also score the chain's re-ranking")
    parser.add_argument("--json", type=Path, help="write the per-item rows here")
    args = parser.parse_args(argv)
    table = load_fact_table(ROOT / "corpus" / "facts.csv", load_corpus([ROOT / "corpus"]))
    rerank = chain_reranker(table) if args.rerank else None
    items = read_items()
    out = {}
    for name in ("odd", "even"):
        result = evaluate(table, [i for i in items if half(i["id"]) == name], rerank)
        report(result, f"{name} half" + (" (tuning)" if name == "odd" else " (held out)"))
        out[name] = result
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
