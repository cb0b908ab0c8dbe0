"""A small OpenAI-compatible chat server for tests: scripted replies, every request recorded.

Runs ``POST /v1/chat/completions`` (plain JSON or ``"stream": true`` server-sent events) and
``GET /v1/models`` on 127.0.0.1 in a background thread, so the real langchain-openai client can
talk to it. A reply is a string, a function of the request body returning a string, or an
``HTTPFailure`` to answer with an error status.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class HTTPFailure:
    """Answer a request with this status (and optionally after a delay, to test timeouts)."""

    status: int = 500
    message: str = "scripted failure"
    delay_s: float = 0.0


Reply = str | Callable[[dict[str, Any]], str] | HTTPFailure


class ScriptedLLMServer:
    """Replies from a queue in order; ``default`` answers when the queue is empty."""

    def __init__(self, default: Reply | None = None) -> None:
        self.port = 0  # chosen at the first start, kept for a restart
        self.replies: deque[Reply] = deque()
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting --------------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self.replies.clear()
            self.requests.clear()

    def next_reply(self, body: dict[str, Any]) -> Reply | None:
        with self._lock:
            self.requests.append(body)
            return self.replies.popleft() if self.replies else self.default

    # -- life cycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self.port, "server never started"
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedLLMServer:
        """Listen (again, on the same port after a stop) and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"scripted": self})
        self._httpd = _QuietServer(("127.0.0.1", self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        self._httpd = None

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (to test a server that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunks(text: str, model: str) -> list[dict[str, Any]]:
    """The streamed form of a reply: role, the content in a few pieces, then the stop."""
    base = {
        "id": "chatcmpl-stream",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
    }
    pieces = [text[i : i + 16] for i in range(0, len(text), 16)] or [""]
    out = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
    out += [{**base, "choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    out.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return out


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout tests) is expected; anything else is reported."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    scripted: ScriptedLLMServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "body is not JSON"}})
            return
        reply = self.scripted.next_reply(body)
        if reply is None:
            self._json(500, {"error": {"message": "no scripted reply left"}})
            return
        if isinstance(reply, HTTPFailure):
            time.sleep(reply.delay_s)
            self._json(reply.status, {"error": {"message": reply.message, "type": "scripted"}})
            return
        text = reply(body) if callable(reply) else reply
        model = str(body.get("model", "scripted"))
        if body.get("stream"):
            self._stream(chunks(text, model))
        else:
            self._json(200, completion(text, model))

    def _json(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, events: list[dict[str, Any]]) -> None:
        lines = [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
        payload = "".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
