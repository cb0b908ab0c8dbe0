"""One conversation per browser session: every chat control reads this state, nothing else.

A conversation is a plain dict (Gradio copies ``gr.State`` values per session):
``{"id": str, "turns": [{"id", "question", "answer" (Answer dict) | None, "error", "feedback"}]}``.
Every answer has its own id; thumbs, sources and export name answers by id, never by position,
so a Clear (a new conversation) can never make a control point at an answer that is gone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

_ID = re.compile(r"coop-aid-([0-9a-f]{12})")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def new_conversation() -> dict[str, Any]:
    """An empty conversation with a fresh id (what Clear starts)."""
    return {"id": new_id(), "turns": []}


def add_turn(
    conv: dict[str, Any] | None,
    question: str,
    answer: dict[str, Any] | None,
    error: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A copy of ``conv`` with one more turn, and the new turn's answer id."""
    conv = conv or new_conversation()
    turn = {"id": new_id(), "question": question, "answer": answer, "error": error}
    return {**conv, "turns": [*conv["turns"], turn]}, turn["id"]


def find_turn(conv: dict[str, Any] | None, answer_id: str | None) -> dict[str, Any] | None:
    """The turn with ``answer_id`` in this conversation, or None (e.g. it was cleared)."""
    if not conv or not answer_id:
        return None
    return next((t for t in conv["turns"] if t["id"] == answer_id), None)


def set_feedback(conv: dict[str, Any], answer_id: str, feedback_id: int) -> dict[str, Any]:
    """A copy of ``conv`` remembering the feedback row stored for one answer."""
    turns = [{**t, "feedback": feedback_id} if t["id"] == answer_id else t for t in conv["turns"]]
    return {**conv, "turns": turns}


MAX_SAVED_TURNS = 50
_TURN_ID = re.compile(r"[0-9a-f]{12}")


def conversation_from(data: Any) -> dict[str, Any] | None:
    """A conversation kept in the browser's storage, checked, since it comes from the client:
    turn ids, questions, answers (in the Answer shape) and errors; None when it is not one.
    Feedback ids are dropped, so a thumb after a reload adds a row and never edits another."""
    from ..answer import Answer

    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        return None
    turns = []
    for turn in data["turns"][-MAX_SAVED_TURNS:]:
        if not isinstance(turn, dict):
            return None
        tid, question, answer = turn.get("id"), turn.get("question"), turn.get("answer")
        if not (isinstance(tid, str) and _TURN_ID.fullmatch(tid) and isinstance(question, str)):
            return None
        if answer is not None:
            try:
                answer = Answer.from_dict(answer).to_dict()
            except (TypeError, ValueError, KeyError, AttributeError):
                return None
        error = turn.get("error") if isinstance(turn.get("error"), str) else None
        turns.append({"id": tid, "question": question, "answer": answer, "error": error})
    conv_id = data.get("id") if isinstance(data.get("id"), str) else new_id()
    return {"id": conv_id[:32], "turns": turns}


def answer_id_in(content: Any) -> str | None:
    """The answer id carried by a rendered chat message (its ``coop-aid-…`` class)."""
    if isinstance(content, dict | list):
        content = str(content)
    m = _ID.search(content or "") if isinstance(content, str) else None
    return m.group(1) if m else None


def history_of(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The answered turns as ask() history."""
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("answer") is not None:
            history.append({"role": "user", "content": turn["question"]})
            history.append({"role": "assistant", "content": turn["answer"]["answer"]})
    return history


def cited_docs(turns: Sequence[dict[str, Any]]) -> list[str]:
    """The documents the conversation's answers cite, in first-cited order."""
    docs: dict[str, None] = {}
    for turn in turns:
        for cite in (turn.get("answer") or {}).get("citations", []):
            docs.setdefault(cite["doc"], None)
    return list(docs)


def export_name(turns: Sequence[dict[str, Any]], suffix: str, day: date | None = None) -> str:
    """A dated file name naming the document(s), e.g. ``coopqa-annual-report-2026-12-01.md``."""
    docs = cited_docs(turns)
    label = "+".join(docs[:2]) + ("+more" if len(docs) > 2 else "") if docs else "conversation"
    slug = re.sub(r"[^A-Za-z0-9+._-]+", "-", label).strip("-")[:80] or "conversation"
    return f"coopqa-{slug}-{(day or date.today()).isoformat()}.{suffix}"
