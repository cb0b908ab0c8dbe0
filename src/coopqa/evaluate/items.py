"""Eval sets: read JSONL files and validate every line as an EvalItem.

The item format follows the team design ("Evaluation item", restated in eval/README.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = (
    "numeric",
    "derived",
    "aggregate",
    "text",
    "paraphrase",
    "unanswerable",
    "out_of_scope",
    "false_premise",
    "injection",
    "followup",
    "span",
    "multi_span",
    "arithmetic",
    "count",
)
DEFAULT_SET = Path("eval/chapter8.jsonl")
_UNANSWERABLE_CATEGORIES = ("unanswerable", "out_of_scope")
_ITEM_KEYS = frozenset(
    "id question category answerable history expected_numbers expected_any forbidden_numbers "
    "evidence notes doc tolerance".split()
)


class EvalInputError(ValueError):
    """An eval file, report or threshold file that cannot be used; the message says why."""


@dataclass(frozen=True)
class EvalItem:
    """One question of an eval set, validated; ``source`` is ``file:line`` for messages."""

    id: str
    question: str
    category: str
    answerable: bool = True
    history: tuple[str, ...] = ()
    expected_numbers: tuple[float, ...] = ()
    expected_any: tuple[tuple[str, ...], ...] = ()
    forbidden_numbers: tuple[float, ...] = ()
    evidence: str | None = None
    source: str = ""
    unknown_fields: tuple[str, ...] = ()
    doc: str | None = None  # the document (file name) the item is asked of, answered from it alone
    tolerance: tuple[float | None, int | None] = (
        None,
        None,
    )  # (relative, decimals) for computed values

    @property
    def known_category(self) -> bool:
        return self.category in CATEGORIES

    def history_turns(self) -> list[dict[str, str]]:
        """History in the request shape: earlier user turns only."""
        return [{"role": "user", "content": turn} for turn in self.history]


def load_items(
    paths: Iterable[Path | str], strict: bool = False
) -> tuple[list[EvalItem], list[str]]:
    """Read JSONL eval sets; malformed lines are skipped and listed as ``file:line: why``.

    With ``strict`` the first malformed line raises EvalInputError instead.
    A missing or unreadable file always raises EvalInputError.
    """
    items: list[EvalItem] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        for lineno, line in _read_lines(path):
            where = f"{path}:{lineno}"
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                item = parse_item(line, where)
                if item.id in seen:
                    raise EvalInputError(f"duplicate id {item.id!r} (first at {seen[item.id]})")
            except EvalInputError as exc:
                message = f"{where}: {exc}"
                if strict:
                    raise EvalInputError(message) from None
                problems.append(message)
                continue
            seen[item.id] = where
            items.append(item)
    return items, problems


def _read_lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        raise EvalInputError(f"{path}: no such eval file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise EvalInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return list(enumerate(text.splitlines(), start=1))


def parse_item(line: str, source: str = "") -> EvalItem:
    """One JSONL line as an EvalItem, or EvalInputError naming the first thing wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalInputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise EvalInputError("not a JSON object")
    item_id = data.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or not str(item_id).strip():
        raise EvalInputError("'id' must be a non-empty string")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalInputError("'question' must be a non-empty string")
    category = data.get("category")
    if not isinstance(category, str) or not category.strip():
        raise EvalInputError("'category' must be a non-empty string")
    answerable = data.get("answerable", category not in _UNANSWERABLE_CATEGORIES)
    if not isinstance(answerable, bool):
        raise EvalInputError("'answerable' must be true or false")
    evidence = data.get("evidence")
    if evidence is not None and not isinstance(evidence, str):
        raise EvalInputError("'evidence' must be a string (empty when there is none)")
    return EvalItem(
        id=str(item_id).strip(),
        question=question,
        category=category.strip(),
        answerable=answerable,
        history=_strings(data.get("history"), "history"),
        expected_numbers=_numbers(data.get("expected_numbers"), "expected_numbers"),
        expected_any=_groups(data.get("expected_any")),
        forbidden_numbers=_numbers(data.get("forbidden_numbers"), "forbidden_numbers"),
        evidence=evidence.strip() if evidence and evidence.strip() else None,
        source=source,
        unknown_fields=tuple(sorted(set(data) - _ITEM_KEYS)),
        doc=_doc(data.get("doc")),
        tolerance=_tolerance(data.get("tolerance")),
    )


def _doc(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EvalInputError("'doc' must be a document's file name")
    return value.strip()


def _tolerance(value: Any) -> tuple[float | None, int | None]:
    """{"rel": 0.005, "decimals": 2}: a computed value within 0.5%, or equal once rounded."""
    if value is None:
        return (None, None)
    if not isinstance(value, dict) or set(value) - {"rel", "decimals"}:
        raise EvalInputError("'tolerance' must be an object with 'rel' and/or 'decimals'")
    rel, decimals = value.get("rel"), value.get("decimals")
    if rel is not None and (isinstance(rel, bool) or not isinstance(rel, int | float) or rel < 0):
        raise EvalInputError("'tolerance.rel' must be a non-negative number")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)):
        raise EvalInputError("'tolerance.decimals' must be a whole number")
    return (float(rel) if rel is not None else None, decimals)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise EvalInputError(f"'{name}' must be a list of non-empty strings")
    return tuple(value)


def _numbers(value: Any, name: str) -> tuple[float, ...]:
    if value is None:
        return ()
    ok = isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )
    if not ok:
        raise EvalInputError(f"'{name}' must be a list of numbers")
    return tuple(float(v) for v in value)


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    """``expected_any``: a list of groups; a bare string is a group of one alternative."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EvalInputError("'expected_any' must be a list of lists of strings")
    groups = []
    for group in value:
        group = [group] if isinstance(group, str) else group
        if not isinstance(group, list) or not group:
            raise EvalInputError("'expected_any' must be a list of non-empty lists of strings")
        if not all(isinstance(alt, str) and alt.strip() for alt in group):
            raise EvalInputError("'expected_any' alternatives must be non-empty strings")
        groups.append(tuple(group))
    return tuple(groups)
