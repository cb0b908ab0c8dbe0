"""``coopqa serve --workers N``: N stateless API worker processes on one port, one chat process.

The REST API (and any stateless route) is answered by whichever worker the kernel hands a
connection to. Gradio keeps a chat's state and event queue in the memory of one process, so the
workers forward every non-API request to one chat process on a loopback port: a conversation
never straddles two processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from ..config import Settings

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
    }
)
CHAT_UPSTREAM_ENV = "COOPQA_CHAT_UPSTREAM"


class ChatProxy:
    """ASGI app that streams a request to ``upstream`` and its answer back (SSE included)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._client: Any = None

    def client(self) -> Any:
        import httpx

        if self._client is None:  # made inside the worker's event loop
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(None, connect=5.0), limits=limits
            )
        return self._client

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1011})
            return
        import httpx

        body = b""
        while True:  # the body limit middleware in front has bounded it already
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        path = scope.get("raw_path") or scope["path"].encode()
        url = self.upstream + path.decode("latin-1")
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        client_ip = (scope.get("client") or ("", 0))[0]
        headers.append((b"x-forwarded-for", client_ip.encode()))
        request = self.client().build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self.client().send(request, stream=True)
        except httpx.HTTPError:
            await _json(send, 502, {"error": "the chat process is not answering; try again"})
            return
        try:
            out = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": out}
            )
            await _stream(response, receive, send)
        finally:
            await response.aclose()


async def _stream(response: Any, receive: Callable, send: Callable) -> None:
    """Copy the upstream body; stop as soon as the client goes (SSE streams never end alone)."""

    async def copy() -> None:
        async for chunk in response.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    copying, watching = asyncio.create_task(copy()), asyncio.create_task(disconnected())
    done, pending = await asyncio.wait({copying, watching}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in done:
        if task is copying and task.exception() is not None:
            raise task.exception()


async def _json(send: Callable, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


# ---------------------------------------------------------------- processes


def worker_app() -> Any:
    """The app of one API worker (``uvicorn --factory``); settings come from COOPQA_*."""
    from ..ingest.embeddings import configure
    from .server import create_app

    configure(threads=int(os.environ.get("COOPQA_TORCH_THREADS", "0")) or None)
    return create_app(Settings.from_env(), chat_upstream=os.environ.get(CHAT_UPSTREAM_ENV))


def start_chat_process(env: dict[str, str], log: Any = None) -> tuple[subprocess.Popen, str]:
    """The one process that holds the Gradio chat, on a free loopback port."""
    from .server import DEFAULT_HOST, free_port

    port = free_port()
    cmd = [sys.executable, "-m", "coopqa.serve.server", "--host", DEFAULT_HOST, "--port", str(port)]
    cmd += ["--workers", "1"]
    # The workers in front already limit every request by key; here all clients share one address.
    child_env = {**os.environ, **env, "COOPQA_RATE_LIMIT": "0", "COOPQA_TORCH_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=child_env, stdout=log, stderr=log)
    return proc, f"http://{DEFAULT_HOST}:{port}"


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float = 300.0) -> None:
    from .remote import health

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the chat process exited with {proc.returncode}")
        if health(url) is not None:
            return
        time.sleep(0.3)
    raise TimeoutError(f"the chat process did not answer within {timeout:.0f}s")


def serve_workers(settings: Settings, host: str, port: int, workers: int, common: dict) -> int:
    """Build the index once, start the chat process, then N API workers on ``port``."""
    import uvicorn

    from .server import default_workers, prepare_index, settings_env

    prepare_index(settings)
    env = settings_env(settings)
    chat, upstream = start_chat_process(env)
    # Stopped while waiting for the chat process: still run the `finally` that stops it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        wait_until_up(chat, upstream)
        os.environ.update(env)
        os.environ[CHAT_UPSTREAM_ENV] = upstream
        # Each worker gets its share of the cores for torch, so workers do not oversubscribe them.
        os.environ.setdefault("COOPQA_TORCH_THREADS", str(max(1, default_workers() // workers)))
        uvicorn.run("coopqa.serve.scaleout:worker_app", factory=True, workers=workers, **common)
    finally:
        chat.terminate()
        try:
            chat.wait(15)
        except subprocess.TimeoutExpired:
            chat.kill()
    return 0
