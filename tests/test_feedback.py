"""Feedback: a real SQLite file (WAL), writes in transactions, kept across a server kill and restart."""

from __future__ import annotations

import sqlite3
import threading

import httpx
import pytest

from coopqa.answer.validation import InputError
from coopqa.serve.feedback import MAX_COMMENT_CHARS, FeedbackStore, feedback_path, parse_rating

CITATION = {
    "n": 1,
    "passage_id": "npa-annual-report-ch8-international-cooperation:003",
    "page": 1,
    "quote": "143 persons",
}


def test_add_list_and_update_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    first = store.add(1, "Q one?", "A one [1]", [CITATION], comment=" useful ")
    second = store.add("down", "Q two?", "A two", source="ui")
    store.update(second, rating=1, comment="changed my mind")
    newest, oldest = store.list(10)
    assert (newest.id, oldest.id) == (second, first)
    assert oldest.rating == 1 and oldest.comment == "useful" and oldest.citations == [CITATION]
    assert newest.rating == 1 and newest.comment == "changed my mind" and newest.source == "ui"
    assert oldest.time.endswith("+00:00")  # UTC ISO time
    assert store.count() == 2


def test_database_uses_wal_and_survives_reopening(tmp_path):
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).add(-1, "q", "a")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r.rating for r in FeedbackStore(path).list()] == [-1]


@pytest.mark.parametrize("rating", [0, 2, "meh", None, 1.5])
def test_bad_rating_is_refused(tmp_path, rating):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(InputError, match="rating"):
        store.add(rating, "q", "a")
    assert store.count() == 0


def test_limits_and_unknown_ids_are_refused(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(InputError, match="comment"):
        store.add(1, "q", "a", comment="x" * (MAX_COMMENT_CHARS + 1))
    with pytest.raises(InputError, match="no feedback"):
        store.update(999, comment="hello")
    assert parse_rating("like") == 1 and parse_rating(False) == -1


def test_concurrent_writers_lose_nothing(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")

    def write(i: int) -> None:
        for j in range(10):
            store.add(1 if j % 2 else -1, f"q{i}-{j}", "a")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert store.count() == 80
    assert len({r.question for r in store.list(100)}) == 80


@pytest.mark.server
def test_api_feedback_is_stored_and_survives_a_killed_server(live_server):
    body = {
        "rating": "up",
        "question": "How many persons were newly dispatched in FY2012?",
        "answer": "143 persons [1]",
        "citations": [CITATION],
        "comment": "exactly what I needed",
    }
    resp = httpx.post(f"{live_server.url}/api/feedback", json=body, headers=live_server.auth)
    assert resp.status_code == 201, resp.text
    feedback_id = resp.json()["id"]

    live_server.restart(kill=True)  # SIGKILL: only what was committed can survive

    rows = {r.id: r for r in FeedbackStore(feedback_path(live_server.data_dir)).list(1000)}
    assert rows[feedback_id].comment == "exactly what I needed"
    assert rows[feedback_id].rating == 1 and rows[feedback_id].citations == [CITATION]
    again = httpx.post(
        f"{live_server.url}/api/feedback", json={**body, "rating": -1}, headers=live_server.auth
    )
    assert again.status_code == 201 and again.json()["id"] > feedback_id


@pytest.mark.server
def test_a_storage_failure_is_a_500_and_the_server_lives_on(live_server):
    """Fault injection: the database file is replaced by a directory, then put back."""
    path = feedback_path(live_server.data_dir)
    body = {"rating": 1, "question": "q", "answer": "a"}
    moved = path.with_name("moved-away.sqlite3")
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    path.rename(moved)
    for s in sidecars:
        if s.exists():
            s.rename(s.with_name("moved-away.sqlite3" + s.name[len(path.name) :]))
    path.mkdir()
    try:
        resp = httpx.post(f"{live_server.url}/api/feedback", json=body, headers=live_server.auth)
        assert resp.status_code == 500
        assert resp.json() == {"error": "internal error; the server logged it"}
        assert "Traceback" not in resp.text
    finally:
        path.rmdir()
        moved.rename(path)
        for s in sidecars:
            away = s.with_name("moved-away.sqlite3" + s.name[len(path.name) :])
            if away.exists():
                away.rename(s)
    assert live_server.process.alive()
    assert httpx.get(f"{live_server.url}/api/health").status_code == 200
    ok = httpx.post(f"{live_server.url}/api/feedback", json=body, headers=live_server.auth)
    assert ok.status_code == 201
