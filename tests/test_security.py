"""The one access check: keys, signed sessions, the rate limit, redirects; export clean-up."""

from __future__ import annotations

import os
import time

import pytest

from coopqa.config import Settings, SettingsError, parse_rate_limit
from coopqa.serve.security import (
    Guard,
    RateLimiter,
    exposure_warning,
    key_id,
    match_key,
    safe_next,
    session_key,
    sign_session,
)
from coopqa.serve.ui_export import prune_exports, write_export

KEYS = ("key-one", "key-two")


def test_match_key_finds_only_an_exact_key():
    assert match_key("key-two", KEYS) == "key-two"
    for token in (None, "", "key", "key-one ", "KEY-ONE", "key-three"):
        assert match_key(token, KEYS) is None


def test_session_is_signed_by_its_key_and_expires():
    now = 1_000_000.0
    cookie = sign_session("key-two", now=now, ttl=60)
    assert session_key(cookie, KEYS, now=now + 59) == "key-two"
    assert session_key(cookie, KEYS, now=now + 61) is None  # expired
    assert session_key(cookie, ("key-one",), now=now) is None  # its key was removed
    kid, expires, mac = cookie.split(".")
    assert session_key(f"{kid}.{int(expires) + 999}.{mac}", KEYS, now=now) is None  # extended
    assert session_key(f"{key_id('key-one')}.{expires}.{mac}", KEYS, now=now) is None  # other key
    for junk in (None, "", "a.b", "a.b.c", "x" * 500):
        assert session_key(junk, KEYS, now=now) is None
    assert "key-two" not in cookie


def test_rate_limiter_refills_and_says_when():
    clock = [0.0]
    limiter = RateLimiter(3, 30.0, clock=lambda: clock[0])  # 3 per 30 s: one every 10 s
    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.hit("a") == pytest.approx(10.0)
    assert limiter.hit("b") == 0.0  # per identity
    clock[0] = 10.0
    assert limiter.hit("a") == 0.0 and limiter.hit("a") > 0
    assert RateLimiter(0, 60).hit("a") == 0.0  # off


def test_guard_refuses_without_key_and_limits_only_writes():
    guard = Guard(KEYS, (2, 60.0))
    refused = guard.check("POST", {}, "10.0.0.1")
    assert refused.status == 401 and ("www-authenticate", "Bearer") in refused.headers
    assert guard.check("POST", {"authorization": "Bearer nope"}, "ip").status == 401
    bearer = {"authorization": "Bearer key-one"}
    cookie = {"cookie": f"theme=dark; coopqa_session={sign_session('key-one')}"}
    assert guard.check("POST", bearer, "ip") is None
    assert guard.check("POST", cookie, "ip") is None  # the session counts against its key
    limited = guard.check("POST", bearer, "ip")
    assert limited.status == 429 and dict(limited.headers)["retry-after"].isdigit()
    assert guard.check("GET", bearer, "ip") is None  # reads are not limited
    assert guard.check("POST", {"authorization": "Bearer key-two"}, "ip") is None
    open_guard = Guard((), (1, 60.0))  # no keys: open, limited per address
    assert open_guard.check("POST", {}, "ip-a") is None
    assert open_guard.check("POST", {}, "ip-a").status == 429
    assert open_guard.check("POST", {}, "ip-b") is None


def test_redirects_stay_on_this_server():
    assert safe_next("/?x=1") == "/?x=1"
    for bad in (None, "", "//evil.example", "https://evil.example/", "/\\evil", "evil"):
        assert safe_next(bad) == "/"


def test_warning_when_listening_beyond_loopback_without_keys():
    assert exposure_warning("127.0.0.1", ()) is None and exposure_warning("::1", ()) is None
    assert exposure_warning("0.0.0.0", KEYS) is None
    assert "COOPQA_API_KEYS" in exposure_warning("0.0.0.0", ())
    assert exposure_warning("example.org", ()) is not None


def test_rate_limit_setting():
    assert parse_rate_limit("600/60") == (600, 60.0) and parse_rate_limit("0") == (0, 60.0)
    assert Settings.from_env({"COOPQA_RATE_LIMIT": "5/1"}).rate_limit == (5, 1.0)
    for bad in ("many", "5/0", "-1/60", "5/x"):
        with pytest.raises(SettingsError, match="COOPQA_RATE_LIMIT"):
            parse_rate_limit(bad)


def test_exports_are_pruned_and_live_in_one_folder(tmp_path):
    turns = [{"question": "q?", "answer": None, "error": "none"}]
    first = write_export(turns, "md", root=tmp_path)
    second = write_export(turns, "json", root=tmp_path)
    assert {p.parent for p in map(_path, (first, second))} <= set(tmp_path.iterdir())
    old = time.time() - 3600
    os.utime(_path(first).parent, (old, old))
    prune_exports(tmp_path)
    assert not _path(first).exists() and _path(second).exists()
    assert len(list(tmp_path.iterdir())) == 1


def _path(text: str):
    from pathlib import Path

    return Path(text)


def test_concurrent_queries_share_model_calls_and_match_one_by_one(embedder):
    """Micro-batching: 16 threads' questions take fewer model calls, and each gets its own vector."""
    import concurrent.futures

    from coopqa.ingest.embeddings import _batcher

    texts = [f"How many officials took part in seminar number {i}?" for i in range(16)]
    embedder.clear_cache()
    batcher = _batcher(embedder._model)
    calls = batcher.batches
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        together = list(pool.map(embedder.embed_query, texts))
    assert batcher.batches - calls < len(texts)
    alone = embedder.embed_documents(texts)
    for a, b in zip(together, alone, strict=True):
        assert sum(x * y for x, y in zip(a, b, strict=True)) > 0.9999
    assert embedder.embed_query(texts[0]) is together[0]  # asked again: the cached vector
