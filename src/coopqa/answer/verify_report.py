"""What the verifier's results become: a sentence with contradicted numbers corrected in the
same style, the `coopqa check` report, and the benchmark over labelled sentences."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from ..facts.lookup import FactTable
from ..facts.numbers import find_numbers, number_words
from . import CheckedNumber
from .verify import verify_answer


def correct_number(sentence: str, checked: list[CheckedNumber] | CheckedNumber) -> str:
    """Replace each contradicted number in ``sentence`` by the table's value, in the same style."""
    items = [checked] if isinstance(checked, CheckedNumber) else list(checked)
    mentions = find_numbers(sentence)
    edits: list[tuple[int, int, str]] = []
    used: set[int] = set()
    for item in items:
        if item.status != "contradicted" or item.expected is None:
            continue
        for m in mentions:
            if m.start not in used and m.text == item.text and m.value == item.value:
                used.add(m.start)
                edits.append((m.start, m.end, _restyle(m.text, item.expected)))
                break
    for start, end, new in sorted(edits, reverse=True):
        sentence = sentence[:start] + new + sentence[end:]
    return sentence


def _restyle(text: str, value: float) -> str:
    """The mention's text with its number replaced: "410" -> "424", "nine" -> "ten", "FY2013" -> "FY2012"."""
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    as_int = int(value) if float(value).is_integer() else value
    if digits:
        new = f"{as_int:,}" if "," in digits.group() else str(as_int)
        return text[: digits.start()] + new + text[digits.end() :]
    words = re.match(
        r"[A-Za-z]+(?:[- ](?:and )?[A-Za-z]+)*?(?=$|[- ](?:day|week|month|year|hour))", text
    )
    if words and isinstance(as_int, int):
        new = number_words(as_int)
        if words.group()[:1].isupper():
            new = new.capitalize()
        return new + text[words.end() :]
    return str(as_int)


# ----------------------------------------------------------------------------- CLI and benchmark


def format_checked(checked: list[CheckedNumber]) -> str:
    if not checked:
        return "no numbers found"
    lines = []
    for c in checked:
        line = f"{c.status:<12} {c.text:<18} {c.fact_id or ''}"
        if c.status == "contradicted" and c.expected is not None:
            line += f"  (the table says {c.expected:g})"
        lines.append(line.rstrip())
    return "\n".join(lines)


def load_default_table(settings: object | None = None) -> FactTable:
    """The fact table from settings (corpus dirs + facts path), validated."""
    from ..config import Settings
    from ..facts import load_fact_table
    from ..ingest.corpus import load_corpus

    settings = settings or Settings.from_env()
    corpus = load_corpus(list(settings.corpus_dirs))  # type: ignore[attr-defined]
    return load_fact_table(Path(settings.facts_path), corpus)  # type: ignore[attr-defined]


def cli_check(
    text: str, as_json: bool = False, settings: object | None = None, docs: Sequence[str] = ()
) -> tuple[str, int]:
    """`coopqa check "ANSWER" [--doc NAME] [--json]`: exit 0 when every number is verified or
    derived, 1 when any is contradicted or unverified, 2 when the input or the fact table cannot
    be used. With --doc, only that document's facts (extracted and reviewed) check the text."""
    from ..config import Settings
    from ..facts import FactsError
    from ..facts.report import merged_table
    from ..ingest.corpus import CorpusError, doc_id_for, load_corpus

    if not isinstance(text, str) or not text.strip():
        return "error: the answer text is empty", 2
    try:
        if docs:
            settings = settings or Settings.from_env()
            corpus = load_corpus(list(settings.corpus_dirs))  # type: ignore[attr-defined]
            wanted = [doc_id_for(Path(d)) for d in docs]
            known = {d.doc for d in corpus.documents}
            if not set(wanted) <= known:
                return f"error: unknown document {sorted(set(wanted) - known)[0]!r}", 2
            table = merged_table(settings, corpus, wanted)
        else:
            table = load_default_table(settings)
    except (FactsError, CorpusError) as exc:
        return f"error: {exc}", 2
    checked = verify_answer(text, [], table)
    code = 0 if all(c.status in ("verified", "derived") for c in checked) else 1
    if as_json:
        rows = [
            {"text": c.text, "value": _plain(c.value), "status": c.status, "fact_id": c.fact_id,
             "expected": None if c.expected is None else _plain(c.expected)}
            for c in checked
        ]  # fmt: skip
        return json.dumps({"numbers": rows, "ok": code == 0}, indent=2), code
    return format_checked(checked), code


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def benchmark(path: Path | str, table: FactTable) -> dict[str, object]:
    """Run the verifier on labelled sentences; count wrong numbers passed and true ones flagged.

    Each JSONL line: {"sentence", "truth": "true"|"altered", "note", "altered_text"?}. An altered
    sentence's wrong number is the mention whose text is ``altered_text``.
    """
    rows = [
        json.loads(line)
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    wrong_passed: list[str] = []
    true_flagged: list[str] = []
    altered_caught = contradicted = 0
    for row in rows:
        checked = verify_answer(row["sentence"], row.get("cited", []), table)
        ok = {"verified", "derived"}
        if row["truth"] == "true":
            if not checked or any(c.status not in ok for c in checked):
                true_flagged.append(row["sentence"])
            continue
        target = row.get("altered_text")
        wrong = [c for c in checked if c.text == target] if target else checked
        if not wrong or any(c.status in ok for c in wrong):
            wrong_passed.append(row["sentence"])
        else:
            altered_caught += 1
            contradicted += any(c.status == "contradicted" for c in wrong)
    n_true = sum(r["truth"] == "true" for r in rows)
    return {
        "sentences": len(rows),
        "true_sentences": n_true,
        "altered_sentences": len(rows) - n_true,
        "wrong_passed_as_verified": len(wrong_passed),
        "true_flagged": len(true_flagged),
        "altered_caught": altered_caught,
        "altered_contradicted": contradicted,
        "wrong_passed_examples": wrong_passed[:10],
        "true_flagged_examples": true_flagged[:10],
    }
