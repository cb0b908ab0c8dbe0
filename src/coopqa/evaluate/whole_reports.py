"""Whole reports as PDFs (``../shared/datasets/whole-reports-dev``): each document's questions,
scored by the dataset's own fields, and the figures by category and by document.

Scoring (the dataset README's "Scoring fields"), on the answer's text:

- ``numbers``: every gold figure must be stated. Compared numerically ("1,358 thousand" is
  1358000 too), sign aside (the golds and
  the reports write losses and tax benefits with either sign), allowing for the gold's rounding
  (the gold has d decimals: a figure within half a unit of its last place, and within 1% of it)
  and for ratio/percent forms (0.25 = 25%). ``numbers_alt``: the figures as the document prints
  them, accepted instead.
- ``any_of``: one of them appears (case-insensitive substring); ``all_of``: all of them do. For a
  ``text_span`` item these decide when given (its ``numbers`` are a supporting figure only).
- ``unanswerable``: right when the answer abstains ("not stated"); anything else is wrong.
- ``judgement: true`` items are left out of the automatic figures (a string match cannot grade
  them); they are still answered and written out for reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES = ("text_span", "numeric_text", "arithmetic", "count", "unanswerable")
NUMERIC = ("numeric_text", "arithmetic", "count")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_SCALE = re.compile(r"\s*(thousand|million|billion)\b", re.I)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_FIGURE = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?")


@dataclass(frozen=True)
class WholeItem:
    id: str
    doc: str
    question: str
    category: str
    answer: str
    numbers: tuple[str, ...] = ()
    numbers_alt: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    judgement: bool = False
    evidence_pages: tuple[int, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.category != "unanswerable"

    @property
    def numeric(self) -> bool:
        """Graded on its figures: a figure answered that is not the gold is a wrong number."""
        return self.category in NUMERIC and bool(self.numbers)


def load(path: Path) -> list[WholeItem]:
    """The items of ``questions.jsonl``, in file order."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        items.append(
            WholeItem(
                id=r["id"],
                doc=r["doc"],
                question=r["question"],
                category=r["category"],
                answer=r.get("answer", ""),
                numbers=tuple(r.get("numbers") or ()),
                numbers_alt=tuple(r.get("numbers_alt") or ()),
                any_of=tuple(r.get("any_of") or ()),
                all_of=tuple(r.get("all_of") or ()),
                judgement=bool(r.get("judgement")),
                evidence_pages=tuple(r.get("evidence_pages") or ()),
            )
        )
    return items


def figures_in(text: str) -> list[tuple[float, int]]:
    """Every figure a text states, as (absolute value, decimals written); a figure with a scale
    word after it ("1,358 thousand") also as the whole number it makes."""
    out = []
    text = _CITATION_MARK.sub(" ", text)
    for m in _FIGURE.finditer(text):
        written = m.group().replace(",", "")
        decimals = len(written.split(".")[1]) if "." in written else 0
        out.append((float(written), decimals))
        scale = _SCALE.match(text, m.end())
        if scale:
            out.append((float(written) * _SCALES[scale.group(1).lower()], 0))
    return out


def matches(gold: str, stated: tuple[float, int]) -> bool:
    """Whether a stated figure is the gold figure, allowing for rounding and for percent/ratio
    forms (sign aside)."""
    g = abs(float(gold))
    gold_decimals = len(gold.split(".")[1]) if "." in gold else 0
    value, decimals = stated
    for v, places in ((value, decimals), (value * 100, decimals - 2), (value / 100, decimals + 2)):
        half = 0.5 * 10 ** -max(min(gold_decimals, places), 0) + 1e-9
        if abs(v - g) <= half and abs(v - g) <= 0.01 * g + 1e-9:
            return True
    return False


def states(gold: str, stated: Sequence[tuple[float, int]]) -> bool:
    return any(matches(gold, s) for s in stated)


@dataclass
class Scored:
    item: WholeItem
    answer: str
    abstained: bool
    short: Any = None
    correct: bool = False
    short_correct: bool = False
    wrong_number: bool = False
    pages: list[int] = field(default_factory=list)  # cited pages
    error: str | None = None

    def row(self, system: str) -> dict[str, Any]:
        i = self.item
        return {"system": system, "id": i.id, "doc": i.doc, "category": i.category,
                "judgement": i.judgement, "question": i.question, "gold": i.answer,
                "numbers": list(i.numbers), "any_of": list(i.any_of), "all_of": list(i.all_of),
                "evidence_pages": list(i.evidence_pages), "correct": self.correct,
                "short_correct": self.short_correct, "abstained": self.abstained,
                "wrong_number": self.wrong_number, "short": self.short, "cited_pages": self.pages,
                "answer": self.answer, "error": self.error}  # fmt: skip


def right(item: WholeItem, text: str, abstained: bool) -> bool:
    """Whether an answer (its text, or its short answer) is right by the item's fields."""
    if not item.answerable:
        return abstained
    if abstained:
        return False
    lowered = text.lower()
    textual = bool(item.any_of or item.all_of)
    if textual:
        ok = all(s.lower() in lowered for s in item.all_of)
        ok = ok and (not item.any_of or any(s.lower() in lowered for s in item.any_of))
        if ok or item.category == "text_span":
            return ok
    if not item.numbers:
        return False
    stated = figures_in(text)
    alt, golds = item.numbers_alt, item.numbers
    return all(
        states(g, stated)
        or (len(alt) == len(golds) and states(alt[i], stated))
        or (len(golds) == 1 and any(states(a, stated) for a in alt))
        for i, g in enumerate(golds)
    )


def score(item: WholeItem, answer: Any) -> Scored:
    """Score one ``Answer`` (or anything with ``answer``, ``abstained``, ``short``)."""
    text = answer.answer or ""
    short = answer.short
    short_text = " ".join(short) if isinstance(short, list) else (short or "")
    s = Scored(item, text, bool(answer.abstained), short)
    s.pages = sorted({c.page for c in getattr(answer, "citations", []) or [] if c.page})
    s.correct = right(item, text, s.abstained)
    s.short_correct = right(item, short_text if short is not None else text, s.abstained)
    s.wrong_number = item.numeric and not s.abstained and not s.correct and bool(figures_in(text))
    return s


def failed(item: WholeItem, error: str) -> Scored:
    return Scored(item, "", False, None, error=error)


def _share(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def metrics(scored: Sequence[Scored]) -> dict[str, Any]:
    """Accuracy, abstention precision and recall, wrong numbers, false "not stated"."""
    abstained = [s for s in scored if s.abstained]
    unanswerable = [s for s in scored if not s.item.answerable]
    answerable = [s for s in scored if s.item.answerable]
    return {
        "items": len(scored),
        "correct": sum(s.correct for s in scored),
        "accuracy": _share(sum(s.correct for s in scored), len(scored)),
        "short_accuracy": _share(sum(s.short_correct for s in scored), len(scored)),
        "abstention_precision": _share(
            sum(not s.item.answerable for s in abstained), len(abstained)
        ),
        "abstention_recall": _share(sum(s.abstained for s in unanswerable), len(unanswerable)),
        "wrong_numbers": sum(s.wrong_number for s in scored),
        "false_not_stated": _share(sum(s.abstained for s in answerable), len(answerable)),
        "errors": sum(s.error is not None for s in scored),
    }


def figures(scored: Iterable[Scored]) -> dict[str, Any]:
    """Overall, by category and by document, over the automatically graded items."""
    graded = [s for s in scored if not s.item.judgement]
    docs = list(dict.fromkeys(s.item.doc for s in graded))
    return {
        "overall": metrics(graded),
        "by_category": {
            c: metrics([s for s in graded if s.item.category == c])
            for c in CATEGORIES
            if any(s.item.category == c for s in graded)
        },
        "by_document": {d: metrics([s for s in graded if s.item.doc == d]) for d in docs},
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _short_name(doc: str) -> str:
    stem = Path(doc).stem
    return stem[:8] + "…" if re.fullmatch(r"[0-9a-f]{32}", stem) else stem[:28]


def format_figures(coopqa: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    """One Markdown table: overall, by category, by document; the baseline's beside each."""
    base = baseline or {}
    header = (
        "| part | items | accuracy | short answer | abstention precision | abstention recall "
        "| wrong numbers | false “not stated” |"
    )
    if baseline:
        header += " naive: accuracy | naive: abst. P / R | naive: wrong numbers |"
    lines = [header, "|---" + "|---:" * (header.count("|") - 2) + "|"]
    rows = [("overall", coopqa["overall"], base.get("overall"))]
    rows += [(f"category {c}", m, base.get("by_category", {}).get(c))
             for c, m in coopqa["by_category"].items()]  # fmt: skip
    rows += [(_short_name(d), m, base.get("by_document", {}).get(d))
             for d, m in coopqa["by_document"].items()]  # fmt: skip
    for name, m, b in rows:
        line = (
            f"| {name} | {m['items']} | {_pct(m['accuracy'])} | {_pct(m['short_accuracy'])} | "
            f"{_pct(m['abstention_precision'])} | {_pct(m['abstention_recall'])} | "
            f"{m['wrong_numbers']} | {_pct(m['false_not_stated'])} |"
        )
        if baseline:
            if b is None:
                line += " | | |"
            else:
                line += (
                    f" {_pct(b['accuracy'])} | {_pct(b['abstention_precision'])} / "
                    f"{_pct(b['abstention_recall'])} | {b['wrong_numbers']} |"
                )
        lines.append(line)
    return "\n".join(lines)
