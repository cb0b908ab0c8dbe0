"""Thumbs up/down feedback on answers, kept durably in SQLite (WAL, one transaction per write)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .validation import InputError

MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 40_000
MAX_CITATIONS = 50
FEEDBACK_FILENAME = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (1, -1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT 'api'
)
"""


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    time: str
    rating: int
    comment: str
    question: str
    answer: str
    citations: list[Any]
    source: str


def feedback_path(data_dir: Path) -> Path:
    """Where the feedback database lives under a data directory."""
    return Path(data_dir) / FEEDBACK_FILENAME


def parse_rating(rating: Any) -> int:
    """+1 or -1 from 1/-1, True/False or "up"/"down"/"like"/"dislike"; InputError otherwise."""
    if isinstance(rating, bool):
        return 1 if rating else -1
    if isinstance(rating, int) and rating in (1, -1):
        return rating
    if isinstance(rating, str):
        word = rating.strip().lower()
        if word in ("up", "like", "+1", "1", "good"):
            return 1
        if word in ("down", "dislike", "-1", "bad"):
            return -1
    raise InputError("rating must be 1 (thumbs up) or -1 (thumbs down)")


def _check_text(name: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string")
    if len(value) > limit:
        raise InputError(f"{name} is {len(value):,} characters; the limit is {limit:,}")
    return value


class FeedbackStore:
    """Append-only feedback table; each call opens its own connection, so threads can share it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def add(
        self,
        rating: Any,
        question: str,
        answer: str,
        citations: Iterable[Any] = (),
        comment: str | None = "",
        source: str = "api",
    ) -> int:
        """Store one rating and return its id; InputError when a field is unusable."""
        value = parse_rating(rating)
        question = _check_text("question", question, MAX_TEXT_CHARS)
        answer = _check_text("answer", answer, MAX_TEXT_CHARS)
        comment = _check_text("comment", comment, MAX_COMMENT_CHARS)
        cites = list(citations or [])
        if len(cites) > MAX_CITATIONS:
            raise InputError(f"at most {MAX_CITATIONS} citations")
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            value,
            comment.strip(),
            question,
            answer,
            json.dumps(cites, ensure_ascii=False, default=str),
            source,
        )
        conn = self._connect()
        try:
            with conn:
                cur = conn.execute(
                    "INSERT INTO feedback (time, rating, comment, question, answer, citations,"
                    " source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            return int(cur.lastrowid)
        finally:
            conn.close()

    def update(self, feedback_id: int, *, rating: Any = None, comment: str | None = None) -> None:
        """Change the rating and/or attach a comment to an earlier record (one transaction)."""
        changes: dict[str, Any] = {}
        if rating is not None:
            changes["rating"] = parse_rating(rating)
        if comment is not None:
            changes["comment"] = _check_text("comment", comment, MAX_COMMENT_CHARS).strip()
        if not changes:
            return
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn = self._connect()
        try:
            with conn:
                cur = conn.execute(
                    f"UPDATE feedback SET {assignments} WHERE id = ?",
                    (*changes.values(), int(feedback_id)),
                )
            if cur.rowcount == 0:
                raise InputError(f"no feedback with id {feedback_id}")
        finally:
            conn.close()

    def list(self, limit: int = 100) -> list[FeedbackRecord]:
        """The newest ``limit`` records, newest first."""
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT id, time, rating, comment, question, answer, citations, source"
                " FROM feedback ORDER BY id DESC LIMIT ?",
                (max(0, int(limit)),),
            ).fetchall()
        finally:
            conn.close()
        return [
            FeedbackRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7]) for r in rows
        ]

    def count(self) -> int:
        conn = self._connect()
        try:
            return int(conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
        finally:
            conn.close()
