"""The REST API against the running server (real Assistant): shapes, errors, keys, limits, CORS."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import re
import socket

import httpx
import pytest

from coopqa.config import MAX_QUESTION_CHARS
from coopqa.ingest.corpus import fold
from coopqa.serve.api import create_api, fact_rows, key_is_valid
from coopqa.serve.feedback import FeedbackStore

from .server_fixtures import API_KEYS, CORS_ORIGIN, CORS_ORIGINS, ROOT

pytestmark = pytest.mark.server
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
TIMEOUT = httpx.Timeout(60.0)


@pytest.fixture
def http(live_server):
    with httpx.Client(base_url=live_server.url, headers=live_server.auth, timeout=TIMEOUT) as c:
        yield c


def test_ask_returns_the_design_shape_with_verbatim_quotes(http, corpus):
    resp = http.post("/api/ask", json={"question": QUESTION})
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert set(data) >= {"question", "answer", "abstained", "citations", "numbers", "backend"}
    assert data["question"] == QUESTION and data["answer"].strip()
    assert not data["abstained"] and data["citations"]
    assert data["short"] == "143 persons"  # the bare figure with its unit
    for cite in data["citations"]:
        document = corpus.document(cite["doc"])
        assert fold(document.text[cite["start"] : cite["end"]]) == fold(cite["quote"])
        assert f"[{cite['n']}]" in data["answer"]
    for number in data["numbers"]:
        assert number["status"] in {"verified", "derived", "unverified", "contradicted"}


def test_follow_up_with_history_is_answered(http):
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "143 persons were newly dispatched."},
    ]
    resp = http.post("/api/ask", json={"question": "And in FY2011?", "history": history})
    assert resp.status_code == 200, resp.text
    assert resp.json()["answer"].strip()


def test_health_docs_and_openapi(live_server):
    health = httpx.get(f"{live_server.url}/api/health")  # no key needed for liveness
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["auth_required"] is True
    titles = health.json()["titles"]
    assert set(titles) == set(health.json()["documents"])
    assert all(title and title != doc for doc, title in titles.items())
    docs = httpx.get(f"{live_server.url}/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text
    spec = httpx.get(f"{live_server.url}/api/openapi.json").json()
    assert {"/ask", "/facts", "/feedback", "/health"} <= set(spec["paths"])
    assert spec["servers"] == [{"url": "/api"}]


def test_api_docs_load_only_local_assets_and_docs_redirects_there(live_server):
    docs = httpx.get(f"{live_server.url}/api/docs")  # no key: the docs are public
    assert docs.status_code == 200
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", docs.text)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for url in assets:
        assert url.startswith("/api/"), f"docs asset not served here: {url}"
        resp = httpx.get(f"{live_server.url}{url}")
        assert resp.status_code == 200 and len(resp.content) > 500, url
    assert "//" not in "".join(re.findall(r"url\s*:\s*'([^']*)'", docs.text))  # the spec too
    moved = httpx.get(f"{live_server.url}/docs", follow_redirects=False)
    assert moved.status_code in (301, 302, 307, 308)
    assert moved.headers["location"] == "/api/docs"


def test_facts_lists_the_table_and_filters(http):
    everything = http.get("/api/facts").json()
    assert everything["available"] is True and everything["count"] > 0
    needle = "143"
    some = http.get("/api/facts", params={"q": needle}).json()
    assert 0 < some["count"] <= everything["count"]
    assert all(needle in str(row) for row in some["facts"])


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"question": "unterminated', 400, "not valid JSON"),
        (b"\xff\xfe\x00garbage", 400, "not valid JSON"),
        (b"{}", 422, "question"),
        (b'{"question": 42}', 422, "question"),
        (b'["a list"]', 422, "body"),
        (b'{"question": "ok", "history": [{"role": "robot", "content": "x"}]}', 422, "role"),
        (b'{"question": "   "}', 400, "question is empty"),
        (b'{"question": "what\\u0000now"}', 400, "control characters"),
        (('{"question": "' + "x" * (MAX_QUESTION_CHARS + 1) + '"}').encode(), 400, "limit"),
    ],
)
def test_bad_requests_get_json_errors(http, body, status, message):
    resp = http.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    assert message in resp.json()["error"]
    assert "Traceback" not in resp.text


def test_oversize_body_is_413_by_length_and_by_bytes_read(live_server, http):
    big = b'{"question": "' + b"a" * 70_000 + b'"}'
    resp = http.post("/api/ask", content=big, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and "limit" in resp.json()["error"]

    def chunks():  # no Content-Length: the server must count what it reads
        yield b'{"question": "'
        for _ in range(20):
            yield b"b" * 5_000
        yield b'"}'

    chunked = http.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413 and "limit" in chunked.json()["error"]
    assert http.get("/api/health").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-key", "Basic dGVzdDp0ZXN0", f"Bearer {API_KEYS[0]}x", "Bearer"],
)
def test_missing_or_wrong_key_is_401(live_server, header):
    headers = {"Authorization": header} if header else {}
    for method, path, kwargs in [
        ("POST", "/api/ask", {"json": {"question": QUESTION}}),
        ("GET", "/api/facts", {}),
        ("POST", "/api/feedback", {"json": {"rating": 1, "question": "q", "answer": "a"}}),
    ]:
        resp = httpx.request(method, live_server.url + path, headers=headers, **kwargs)
        assert resp.status_code == 401, (path, resp.text)
        assert "API key" in resp.json()["error"]
        assert resp.headers["www-authenticate"] == "Bearer"


def test_every_configured_key_works(live_server):
    for key in API_KEYS:
        resp = httpx.get(f"{live_server.url}/api/facts", headers={"Authorization": f"Bearer {key}"})
        assert resp.status_code == 200


def test_feedback_validation(http):
    ok = http.post("/api/feedback", json={"rating": -1, "question": "q", "answer": "a"})
    assert ok.status_code == 201 and isinstance(ok.json()["id"], int)
    bad = http.post("/api/feedback", json={"rating": 5, "question": "q", "answer": "a"})
    assert bad.status_code == 422 and "rating" in bad.json()["error"]
    long = http.post(
        "/api/feedback", json={"rating": 1, "question": "q", "answer": "a", "comment": "c" * 5000}
    )
    assert long.status_code == 400 and "comment" in long.json()["error"]


def test_cors_allows_only_the_listed_origin(live_server):
    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            f"{live_server.url}/api/ask",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )

    allowed = preflight(CORS_ORIGIN)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == CORS_ORIGIN
    denied = preflight("https://evil.example.com")
    assert "access-control-allow-origin" not in denied.headers
    simple = httpx.get(f"{live_server.url}/api/health", headers={"Origin": CORS_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == CORS_ORIGIN
    page = httpx.get(live_server.url + "/")
    ancestors = " ".join(CORS_ORIGINS)
    assert page.headers["content-security-policy"] == f"frame-ancestors 'self' {ancestors}"


def test_gradio_serves_no_file_outside_its_own(live_server):
    secrets = [
        "/etc/passwd",
        str(live_server.data_dir / "feedback.sqlite3"),
        str(ROOT / "corpus" / "facts.csv"),
        str(ROOT / "pyproject.toml"),
        str(ROOT / "src" / "coopqa" / "config.py"),
        "../../../../etc/passwd",
        "pyproject.toml",
    ]
    for target in secrets:
        for route in ("/gradio_api/file=", "/gradio_api/file/"):
            resp = httpx.get(live_server.url + route + target, headers=live_server.auth)
            assert resp.status_code in (403, 404), (route, target, resp.status_code)
            assert httpx.get(live_server.url + route + target).status_code in (401, 403)
            assert "root:" not in resp.text and "[project]" not in resp.text
    for url in ("https://example.com/", "http://127.0.0.1:1/x", "HTTP://169.254.169.254/"):
        resp = httpx.get(f"{live_server.url}/gradio_api/file={url}")
        assert resp.status_code == 403
    for path in ("/static/../../pyproject.toml", "/assets/%2e%2e/%2e%2e/pyproject.toml"):
        resp = httpx.get(live_server.url + path)
        assert "[project]" not in resp.text


def test_garbage_never_takes_the_server_down(live_server):
    host, port = "127.0.0.1", int(live_server.url.rsplit(":", 1)[1])
    raw_requests = [
        b"GARBAGE\r\n\r\n",
        b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
        b'POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"quest',  # cut off
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello on a plain port
    ]
    for raw in raw_requests:
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
            try:
                sock.recv(1024)
            except OSError:
                pass
    assert live_server.process.alive()
    assert httpx.get(f"{live_server.url}/api/health").status_code == 200


def test_twenty_concurrent_clients_all_succeed(live_server):
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = bench.run_load(live_server.url, clients=20, rounds=1, api_key=live_server.key)
    assert report["ok"] == 20, report["error_samples"]
    assert report["p95_ms"] >= report["p50_ms"] > 0
    print("\nload:", bench.format_report(report))


def test_concurrent_mixed_requests_are_each_answered_correctly(live_server):
    """Good and bad requests interleaved: each gets its own status, none is lost."""
    jobs = [({"question": QUESTION}, 200), ({"question": ""}, 400), ({}, 422)] * 4

    def call(job):
        body, _ = job
        return httpx.post(
            f"{live_server.url}/api/ask", json=body, headers=live_server.auth, timeout=TIMEOUT
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        statuses = list(pool.map(call, jobs))
    assert statuses == [want for _, want in jobs]


# ---------------------------------------------------------------- in process, no server


def test_key_check_is_exact():
    assert key_is_valid(None, ())  # no keys configured: open
    assert key_is_valid("Bearer a", ("a", "b")) and key_is_valid("bearer  b ", ("a", "b"))
    for header in (None, "", "Bearer", "Bearer c", "Token a", "a", "Bearer a b"):
        assert not key_is_valid(header, ("a", "b"))


def test_without_keys_the_api_is_open(assistant, shared_settings, tmp_path):
    from fastapi.testclient import TestClient

    store = FeedbackStore(tmp_path / "fb.sqlite3")
    app = create_api(shared_settings.with_(api_keys=()), assistant, store)
    with TestClient(app) as client:
        resp = client.post("/ask", json={"question": QUESTION})
        assert resp.status_code == 200 and resp.json()["citations"]
        assert client.get("/health").json()["auth_required"] is False


def test_fact_rows_are_plain_json(assistant):
    rows = fact_rows(assistant.facts)
    assert rows and all(isinstance(r, dict) for r in rows)
    assert fact_rows(None) == []
    assert fact_rows(assistant.facts, "no such text anywhere 8c1f") == []
