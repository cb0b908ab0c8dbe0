"""Thumbs up/down feedback on answers, kept durably through SQLAlchemy (one transaction per write).

SQLite (WAL) under the data directory by default; ``COOPQA_FEEDBACK_URL=postgresql://…`` points
every worker at one shared database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..answer.validation import InputError

MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 40_000
MAX_CITATIONS = 50
FEEDBACK_FILENAME = "feedback.sqlite3"


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


def database_url(target: Path | str) -> str:
    """An SQLAlchemy URL from a file path or a URL; ``postgresql://`` gets the psycopg 3 driver."""
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return text


def _table(metadata: Any) -> Any:
    from sqlalchemy import CheckConstraint, Column, Integer, Table, Text

    return Table(
        "feedback",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("time", Text, nullable=False),
        Column("rating", Integer, CheckConstraint("rating IN (1, -1)"), nullable=False),
        Column("comment", Text, nullable=False, server_default=""),
        Column("question", Text, nullable=False),
        Column("answer", Text, nullable=False),
        Column("citations", Text, nullable=False, server_default="[]"),
        Column("source", Text, nullable=False, server_default="api"),
        sqlite_autoincrement=True,
    )


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # A connection per call, as before: a replaced or moved file is noticed at the next write.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 10.0})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cur.execute("PRAGMA synchronous=FULL")  # a committed row survives a power cut
        cur.close()

    return engine


class FeedbackStore:
    """Append-only feedback table, safe to share between threads and between worker processes."""

    def __init__(self, target: Path | str) -> None:
        from sqlalchemy import MetaData

        self.url = database_url(target)
        self.path = (
            Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite") else None
        )
        self.engine = _engine(self.url)
        metadata = MetaData()
        self.table = _table(metadata)
        self._create(metadata)

    @classmethod
    def from_settings(cls, settings: Any) -> FeedbackStore:
        return cls(settings.feedback_url or feedback_path(settings.data_dir))

    def _create(self, metadata: Any) -> None:
        from sqlalchemy.exc import DBAPIError

        try:
            metadata.create_all(self.engine)
        except DBAPIError:  # another worker created it at the same moment: check again
            metadata.create_all(self.engine)

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
        row = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "rating": value,
            "comment": comment.strip(),
            "question": question,
            "answer": answer,
            "citations": json.dumps(cites, ensure_ascii=False, default=str),
            "source": source,
        }
        with self.engine.begin() as conn:
            result = conn.execute(self.table.insert().values(**row))
            return int(result.inserted_primary_key[0])

    def update(self, feedback_id: int, *, rating: Any = None, comment: str | None = None) -> None:
        """Change the rating and/or attach a comment to an earlier record (one transaction)."""
        changes: dict[str, Any] = {}
        if rating is not None:
            changes["rating"] = parse_rating(rating)
        if comment is not None:
            changes["comment"] = _check_text("comment", comment, MAX_COMMENT_CHARS).strip()
        if not changes:
            return
        with self.engine.begin() as conn:
            stmt = self.table.update().where(self.table.c.id == int(feedback_id)).values(**changes)
            if conn.execute(stmt).rowcount == 0:
                raise InputError(f"no feedback with id {feedback_id}")

    def list(self, limit: int = 100) -> list[FeedbackRecord]:
        """The newest ``limit`` records, newest first."""
        from sqlalchemy import select

        t = self.table
        stmt = select(t).order_by(t.c.id.desc()).limit(max(0, int(limit)))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            FeedbackRecord(
                r.id,
                r.time,
                r.rating,
                r.comment,
                r.question,
                r.answer,
                json.loads(r.citations),
                r.source,
            )
            for r in rows
        ]

    def count(self) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(self.table)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()
