"""The large development corpus (``eval/tatqa-test/``): every item answered from its own document
alone, in one process, and scored twice: by coopqa's scorer and by TAT-QA's EM/F1 on ``short``.

Figures are kept apart by split: ``look`` (read failures, fit on it) and ``measure`` (read only
its aggregates; the gate sits on it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .items import EvalItem, load_items
from .run import error_result
from .scoring import ItemResult, score_item
from .tatqa import score as tatqa_score
from .tatqa import split_scale

DEFAULT_DIR = Path("eval/tatqa-test")
SPLITS = ("look", "measure")
# Published figures on TAT-QA's test split (the TAT-QA paper), to stand beside coopqa's.
REFERENCE = {"TagOp": (50.1, 58.0), "humans": (84.1, 90.8)}


@dataclass(frozen=True)
class CorpusItem:
    """An eval item with the fields the large corpus adds (split, TAT-QA's gold and labels)."""

    item: EvalItem
    split: str
    answer_from: str
    answer_type: str
    gold: Any
    scale: str

    @property
    def category(self) -> str:
        return self.item.category


@dataclass(frozen=True)
class Scored:
    entry: CorpusItem
    result: ItemResult
    short: str | list[str] | None
    em: float | None  # None for unanswerable items (TAT-QA has none)
    f1: float | None


def load(folder: Path = DEFAULT_DIR, splits: Iterable[str] = SPLITS) -> list[CorpusItem]:
    """The corpus's items of the given splits, in file order."""
    path = folder / "questions.jsonl"
    items, problems = load_items([path])
    if problems:
        raise ValueError(f"{path}: {len(problems)} malformed line(s): {problems[0]}")
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_id = {r["id"]: r for r in raw}
    wanted = set(splits)
    out = []
    for item in items:
        r = by_id[item.id]
        if r["split"] in wanted:
            out.append(
                CorpusItem(
                    item=item,
                    split=r["split"],
                    answer_from=r.get("answer_from", "none"),
                    answer_type=r.get("answer_type", "unanswerable"),
                    gold=r.get("tatqa_answer"),
                    scale=r.get("scale", ""),
                )
            )
    return out


def sample(items: Sequence[CorpusItem], at_least: int) -> list[CorpusItem]:
    """Whole documents, in an order fixed by a hash of their names, until ``at_least`` items."""
    docs = sorted(
        {e.item.doc or "" for e in items}, key=lambda d: hashlib.sha256(d.encode()).digest()
    )
    chosen: set[str] = set()
    count = 0
    for doc in docs:
        if count >= at_least:
            break
        chosen.add(doc)
        count += sum(1 for e in items if e.item.doc == doc)
    return [e for e in items if e.item.doc in chosen]


def documents(items: Iterable[CorpusItem], folder: Path = DEFAULT_DIR) -> list[Path]:
    return sorted({folder / "docs" / (e.item.doc or "") for e in items})


def ask_all(
    assistant: Any, items: Sequence[CorpusItem], on_item: Callable[[], None] | None = None
) -> list[Scored]:
    """Ask every item of its own document alone and score it both ways."""
    from ..ingest.corpus import doc_id_for

    scored = []
    for entry in items:
        item = entry.item
        began = time.perf_counter()
        try:
            answer = assistant.ask(item.question, docs=[doc_id_for(Path(item.doc or ""))])
        except Exception as exc:  # a crash is a failed item, reported, never the run's end
            scored.append(Scored(entry, error_result(item, repr(exc)), None, 0.0, 0.0))
            continue
        result = score_item(item, answer, [])
        result.latency_ms = (time.perf_counter() - began) * 1000
        short = None if answer.abstained else answer.short
        em = f1 = None
        if item.answerable:
            answers, scale = split_scale(short)
            em, f1 = tatqa_score(answers, scale, entry.gold, entry.scale, entry.answer_type)
        scored.append(Scored(entry, result, short, em, f1))
        if on_item:
            on_item()
    return scored


def _share(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def metrics(scored: Sequence[Scored]) -> dict[str, Any]:
    """Accuracy, EM/F1 (answerable items), abstention precision and recall, wrong numbers."""
    answerable = [s for s in scored if s.em is not None]
    abstained = [s for s in scored if s.result.abstained]
    unanswerable = [s for s in scored if not s.result.answerable]
    return {
        "items": len(scored),
        "correct": sum(s.result.correct for s in scored),
        "accuracy": _share(sum(s.result.correct for s in scored), len(scored)),
        "em": _share(sum(s.em or 0 for s in answerable), len(answerable)),
        "f1": _share(sum(s.f1 or 0 for s in answerable), len(answerable)),
        "abstention_precision": _share(
            sum(not s.result.answerable for s in abstained), len(abstained)
        ),
        "abstention_recall": _share(
            sum(s.result.abstained for s in unanswerable), len(unanswerable)
        ),
        "wrong_numbers": sum(s.result.wrong_number for s in scored),
        "errors": sum(s.result.error is not None for s in scored),
    }


def figures(scored: Sequence[Scored]) -> dict[str, Any]:
    """Per split: overall, by category and by ``answer_from``."""
    out: dict[str, Any] = {}
    for split in SPLITS:
        part = [s for s in scored if s.entry.split == split]
        if not part:
            continue
        out[split] = {
            "overall": metrics(part),
            "by_category": {
                c: metrics([s for s in part if s.entry.category == c])
                for c in sorted({s.entry.category for s in part})
            },
            "by_answer_from": {
                a: metrics([s for s in part if s.entry.answer_from == a])
                for a in sorted({s.entry.answer_from for s in part})
            },
        }
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def format_figures(figs: dict[str, Any], title: str = "coopqa") -> str:
    """One Markdown table a split: rows overall, by category, by answer_from."""
    header = (
        "| part | items | accuracy | EM | F1 | abstention precision | abstention recall "
        "| wrong numbers |\n|---|---|---|---|---|---|---|---|"
    )
    blocks = []
    for split, data in figs.items():
        rows = [("overall", data["overall"])]
        rows += [(f"category {c}", m) for c, m in data["by_category"].items()]
        rows += [(f"from {a}", m) for a, m in data["by_answer_from"].items()]
        lines = [f"{title}, `{split}`:", "", header]
        for name, m in rows:
            lines.append(
                f"| {name} | {m['items']} | {_pct(m['accuracy'])} | {_pct(m['em'])} | "
                f"{_pct(m['f1'])} | {_pct(m['abstention_precision'])} | "
                f"{_pct(m['abstention_recall'])} | {m['wrong_numbers']} |"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def settings_for(folder: Path, data_dir: Path, base: Any = None, **changes: Any) -> Any:
    """Settings that read ``folder``'s documents and no facts.csv, with the index in ``data_dir``."""
    from ..config import Settings

    base = base or Settings()
    return base.with_(
        corpus_dirs=(folder,), data_dir=data_dir, facts_path=data_dir / "no-facts.csv", **changes
    )
