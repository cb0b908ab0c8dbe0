"""The feedback store through SQLAlchemy on real engines: SQLite and a real PostgreSQL (started by
`make postgres`), written by two processes at once with no row lost."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from coopqa.answer.validation import InputError
from coopqa.serve.feedback import FeedbackStore, database_url

from .conftest import ROOT

PG_DIR = ROOT / ".postgres"
ROWS_PER_WRITER = 40

WRITER = """
import sys
from coopqa.serve.feedback import FeedbackStore
store = FeedbackStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.add(1 if i % 2 else -1, f"{sys.argv[2]} row {i}", "answer", comment=f"writer {sys.argv[2]}")
"""


def postgres_url() -> str:
    url_file, skip_file = PG_DIR / "url", PG_DIR / "skip"
    if url_file.exists():
        return url_file.read_text().strip()
    if skip_file.exists():
        pytest.skip(f"PostgreSQL unavailable: {skip_file.read_text().strip()}")
    pytest.skip("PostgreSQL not started: run `make postgres` (make test does)")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "fb.sqlite3")
    return postgres_url()


def two_writers(target: str, tag: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, target, f"{tag}-{w}", str(ROWS_PER_WRITER)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in ("a", "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err


def test_two_processes_write_and_no_row_is_lost(target):
    tag = uuid.uuid4().hex[:8]  # the PostgreSQL database outlives one test run
    before = FeedbackStore(target).count()
    two_writers(target, tag)
    store = FeedbackStore(target)
    mine = [r for r in store.list(100_000) if r.question.startswith(tag)]
    assert store.count() - before == 2 * ROWS_PER_WRITER
    assert sorted(r.question for r in mine) == sorted(
        f"{tag}-{w} row {i}" for w in ("a", "b") for i in range(ROWS_PER_WRITER)
    )
    assert len({r.id for r in mine}) == len(mine)


def test_round_trip_update_and_refusals(target):
    store = FeedbackStore(target)
    feedback_id = store.add("up", "pg question?", "an answer [1]", [{"n": 1}], comment=" ok ")
    store.update(feedback_id, rating=-1, comment="changed")
    row = next(r for r in store.list(1000) if r.id == feedback_id)
    assert (row.rating, row.comment, row.citations, row.source) == (
        -1,
        "changed",
        [{"n": 1}],
        "api",
    )
    with pytest.raises(InputError, match="comment"):
        store.add(1, "q", "a", comment="x" * 5000)
    with pytest.raises(InputError, match="no feedback"):
        store.update(10**9, comment="hello")


def test_a_rating_outside_the_check_constraint_is_refused_by_the_database(target):
    from sqlalchemy.exc import IntegrityError

    store = FeedbackStore(target)
    row = {"time": "t", "rating": 5, "question": "q", "answer": "a"}
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(store.table.insert().values(**row))


def test_database_urls():
    assert database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(Path("/tmp/x/fb.sqlite3")) == "sqlite:////tmp/x/fb.sqlite3"
