"""`coopqa serve --workers 2` as deployed: two real worker processes behind one port, keys on every
route (the chat page, its Gradio events, gradio_client, the API), the per-key rate limit, feedback
from both workers, and the quick CLI answering through the server."""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys

import httpx
import pytest

from coopqa.ingest.corpus import fold
from coopqa.serve.feedback import FeedbackStore, feedback_path
from coopqa.serve.server import ServerProcess

from .conftest import CORPUS_DIR, ROOT

pytestmark = pytest.mark.server
ASK_KEY, FEEDBACK_KEY, LIMITED_KEY, CLIENT_KEY = "scale-ask", "scale-fb", "scale-limit", "scale-gc"
RATE = 40  # requests a key may make per minute on each worker
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
TIMEOUT = httpx.Timeout(120.0)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """One `python -m coopqa.serve.server --workers 2` with keys and a low rate limit."""
    base = tmp_path_factory.mktemp("scale")
    env = {
        "COOPQA_DATA_DIR": str(base / "data"),
        "COOPQA_CORPUS_DIR": str(CORPUS_DIR),
        "COOPQA_FACTS": str(CORPUS_DIR / "facts.csv"),
        "COOPQA_API_KEYS": ",".join((ASK_KEY, FEEDBACK_KEY, LIMITED_KEY, CLIENT_KEY)),
        "COOPQA_RATE_LIMIT": f"{RATE}/60",
        "COOPQA_LLM": "",
        "COOPQA_CHROMA_URL": "",
        "COOPQA_FEEDBACK_URL": "",
        "COOPQA_TORCH_THREADS": "1",
        "GRADIO_TEMP_DIR": str(base / "gradio-tmp"),
        "TMPDIR": str(base),
        "PYTHONUNBUFFERED": "1",
    }
    server = ServerProcess(env=env, cwd=ROOT, log_path=base / "server.log", workers=2)
    try:
        server.start(timeout=480)
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"two-worker server did not start: {exc}\n{_tail(base / 'server.log')}")
    server.data_dir = base / "data"
    server.base = base
    yield server
    server.stop()


def _tail(path, chars=3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def post_spread(url: str, path: str, bodies: list[dict], key: str) -> list[httpx.Response]:
    """POST each body on its own connection, 8 at a time, so both workers take some."""

    def one(body: dict) -> httpx.Response:
        return httpx.post(f"{url}{path}", json=body, headers=auth(key), timeout=TIMEOUT)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, bodies))


def test_both_workers_answer_concurrently(cluster, corpus):
    workers: set[str] = set()
    for _ in range(3):  # the kernel picks the worker; three rounds of 8 see both in practice
        responses = post_spread(cluster.url, "/api/ask", [{"question": QUESTION}] * 8, ASK_KEY)
        for resp in responses:
            assert resp.status_code == 200, resp.text
            body = resp.json()
            assert "143" in body["answer"] and body["citations"]
            cite = body["citations"][0]
            source = corpus.document(cite["doc"]).text[cite["start"] : cite["end"]]
            assert fold(source) == fold(cite["quote"])  # verbatim, up to line breaks
            workers.add(resp.headers["x-coopqa-worker"])
        if len(workers) == 2:
            break
    assert len(workers) == 2, f"only worker(s) {workers} answered"


def test_feedback_from_both_workers_loses_no_row(cluster):
    bodies = [
        {"rating": 1 if i % 2 else -1, "question": f"scale row {i}", "answer": f"answer {i}"}
        for i in range(30)
    ]
    responses = post_spread(cluster.url, "/api/feedback", bodies, FEEDBACK_KEY)
    assert [r.status_code for r in responses] == [201] * len(bodies), responses[0].text
    assert len({r.headers["x-coopqa-worker"] for r in responses}) == 2
    ids = [r.json()["id"] for r in responses]
    assert len(set(ids)) == len(ids)
    rows = {r.id: r for r in FeedbackStore(feedback_path(cluster.data_dir)).list(1000)}
    for body, feedback_id in zip(bodies, ids, strict=True):
        assert rows[feedback_id].question == body["question"]
        assert rows[feedback_id].rating == body["rating"]


def test_rate_limit_answers_429_with_retry_after_per_key(cluster):
    statuses, retry = [], None
    with httpx.Client(base_url=cluster.url, headers=auth(LIMITED_KEY), timeout=TIMEOUT) as http:
        for _ in range(2 * RATE + 10):  # more than both workers' buckets hold
            resp = http.post("/api/ask", json={"question": ""}, headers={"Connection": "close"})
            statuses.append(resp.status_code)
            if resp.status_code == 429:
                retry = resp
    assert set(statuses) == {400, 429} and statuses.count(429) >= 10
    assert int(retry.headers["retry-after"]) >= 1
    assert "rate limit" in retry.json()["error"]
    ok = httpx.post(f"{cluster.url}/api/ask", json={"question": ""}, headers=auth(ASK_KEY))
    assert ok.status_code == 400  # another key is not limited by this one


def test_chat_page_and_its_events_need_a_key_or_a_session(cluster):
    url = cluster.url
    page = httpx.get(f"{url}/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    for method, path in (
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("POST", "/gradio_api/queue/join"),
        ("POST", "/gradio_api/run/ask"),
        ("POST", "/gradio_api/call/ask"),
        ("POST", "/gradio_api/upload"),
        ("GET", "/gradio_api/queue/data?session_hash=x"),
        ("POST", "/api/feedback"),
        ("GET", "/api/facts"),
    ):
        resp = httpx.request(method, f"{url}{path}", json={})
        assert resp.status_code == 401, (method, path, resp.status_code)
        assert "API key" in resp.json()["error"]
    assert httpx.get(f"{url}/api/health").status_code == 200  # liveness stays open

    wrong = httpx.post(f"{url}/login", data={"key": "not-a-key", "next": "/"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    login = httpx.post(f"{url}/login", data={"key": CLIENT_KEY, "next": "//evil.example/"})
    assert login.status_code == 303 and login.headers["location"] == "/"
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and CLIENT_KEY not in cookie
    session = cookie.split(";", 1)[0]
    seen = set()
    for _ in range(6):  # the session is honoured by every worker
        resp = httpx.get(f"{url}/", headers={"Cookie": session, "Accept": "text/html"})
        assert resp.status_code == 200 and "<html" in resp.text.lower()
        seen.add(resp.headers["x-coopqa-worker"])
    client = _gradio_client(url, {"Cookie": session})  # the chat's events, with only the session
    result = client.predict(QUESTION, api_name="/ask")
    assert "143" in result["answer"]


def test_gradio_client_needs_a_key(cluster):
    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(AuthenticationError):  # refused at /config, before any event
        _gradio_client(cluster.url, None).predict(QUESTION, api_name="/ask")
    with pytest.raises(AuthenticationError):
        _gradio_client(cluster.url, auth("wrong-key")).predict(QUESTION, api_name="/ask")
    result = _gradio_client(cluster.url, auth(CLIENT_KEY)).predict(QUESTION, api_name="/ask")
    assert "143" in result["answer"]


def _gradio_client(url: str, headers: dict | None):
    from gradio_client import Client

    return Client(url, headers=headers, verbose=False, analytics_enabled=False)


# ---------------------------------------------------------------- the quick CLI


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coopqa.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
        timeout=120,
    )


@pytest.fixture
def no_torch(tmp_path) -> dict[str, str]:
    """An environment in which the in-process path cannot load a model, by either runtime."""
    for module in ("torch", "onnxruntime"):
        (tmp_path / f"{module}.py").write_text(f"raise ImportError('no {module} in this test')\n")
    return {"PYTHONPATH": str(tmp_path), "COOPQA_API_KEY": ASK_KEY}


def test_cli_ask_goes_through_the_named_server(cluster, no_torch):
    out = run_cli("ask", "--server", cluster.url, "--json", QUESTION, env=no_torch)
    assert out.returncode == 0, out.stderr
    assert "143" in out.stdout and '"citations"' in out.stdout
    bad = run_cli("ask", "--server", cluster.url, QUESTION, env={**no_torch, "COOPQA_API_KEY": ""})
    assert bad.returncode == 2 and "HTTP 401" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_ask_finds_the_server_on_its_index_only(cluster, no_torch, tmp_path):
    port = str(cluster.port)
    same = {**no_torch, "COOPQA_PORT": port, "COOPQA_DATA_DIR": str(cluster.data_dir)}
    found = run_cli("ask", QUESTION, env=same)
    assert found.returncode == 0 and "143" in found.stdout, found.stderr
    other = {**same, "COOPQA_DATA_DIR": str(tmp_path / "another-index")}
    local = run_cli("ask", QUESTION, env=other)  # not this server's index: answers in-process
    assert local.returncode != 0 and "no torch in this test" in local.stderr
    missing = run_cli("ask", "--server", "http://127.0.0.1:9", QUESTION, env=no_torch)
    assert missing.returncode == 2 and "no coopqa server answers" in missing.stderr
