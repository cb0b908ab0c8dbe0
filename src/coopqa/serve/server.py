"""One server: the Gradio chat at /, the helpdesk API under /api, OpenAI-compatible /v1, MCP at
/mcp and the embed widget at /widget.js.

``create_app`` builds one Assistant (model + index loaded once) and shares it between the API and
the UI; ``serve`` runs it with uvicorn; ``ServerProcess`` runs it in a subprocess (tests, bench).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings, offline_environment

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("coopqa.serve.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
UI_MAX_REQUEST_BYTES = 2_000_000  # Gradio's own requests carry the whole chat history
_DRAIN_LIMIT = 4_000_000
_FILE_URL = re.compile(r"^/gradio_api/file(=|/)\s*[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


# ---------------------------------------------------------------- ASGI middleware


async def _send_json(send: Callable, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    """Refuse bodies over a path's limit with 413, judged by Content-Length and by bytes read."""

    def __init__(self, app: Any, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_json(send, 400, {"error": "Content-Length is not a number"})
                return
            if int(declared) > limit:
                if int(declared) <= _DRAIN_LIMIT:
                    await _drain(receive)
                await _send_json(send, 413, _too_big(int(declared), limit))
                return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                await _send_json(send, 413, _too_big(total, limit, at_least=True))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _drain(receive: Callable) -> None:
    total = 0
    while total <= _DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        total += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _too_big(size: int, limit: int, at_least: bool = False) -> dict[str, str]:
    more = "more than " if at_least else ""
    return {"error": f"request body is {more}{size:,} bytes; the limit is {limit:,}"}


class GuardMiddleware:
    """Security headers on every response; Gradio's file route may not fetch URLs for anyone."""

    def __init__(self, app: Any, frame_ancestors: tuple[str, ...]) -> None:
        self.app = app
        ancestors = " ".join(("'self'", *frame_ancestors))
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"content-security-policy", f"frame-ancestors {ancestors}".encode()),
            (b"x-coopqa-worker", str(os.getpid()).encode()),  # which worker answered (ops, tests)
        ]

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _FILE_URL.match(scope["path"]):
            await _send_json(send, 403, {"error": "this server does not fetch URLs"})
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- the app


def make_assistant(settings: Settings) -> Any:
    """The one Assistant of a process, with its index built if missing."""
    from ..chain import Assistant

    assistant = Assistant(settings)
    ensure = getattr(assistant, "ensure_index", None)
    if callable(ensure):
        ensure()
    return assistant


def create_app(
    settings: Settings, assistant: Any | None = None, chat_upstream: str | None = None
) -> FastAPI:
    """FastAPI app: Gradio UI at /, REST API at /api (docs at /api/docs), one shared Assistant.

    With ``chat_upstream`` (an API worker of ``serve --workers N``) the chat is forwarded there.
    """
    offline_environment()
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    from .api import create_api, key_dependency
    from .feedback import FeedbackStore
    from .mcp_server import build_mcp_http, mount_mcp
    from .openai_api import create_openai_api
    from .security import AccessMiddleware, Guard
    from .widget import add_widget_route

    if assistant is None:
        assistant = make_assistant(settings)
    store = FeedbackStore.from_settings(settings)

    tools = build_mcp_http(assistant)
    app = FastAPI(
        title="coopqa",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lambda _: tools.session_manager.run(),  # kept when Gradio wraps the lifespan
    )
    app.state.assistant = assistant
    app.state.feedback = store
    require_key = key_dependency(settings)  # one key check for /api, /v1 and /mcp
    app.mount("/api", create_api(settings, assistant, store, require_key))
    app.mount("/v1", create_openai_api(settings, assistant, require_key))
    mount_mcp(app, tools, require_key)
    add_widget_route(app)
    add_docs_redirect(app)

    if chat_upstream:
        from .scaleout import ChatProxy

        app.mount("/", ChatProxy(chat_upstream))
    else:
        _mount_chat(app, settings, assistant, store)

    def limit_for(path: str) -> int:
        api = path == "/api" or path.startswith("/api/")
        return settings.max_request_bytes if api else UI_MAX_REQUEST_BYTES

    # The last one added runs first: CORS headers reach even the 403/413 answers below it.
    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    app.state.guard = Guard.from_settings(settings)  # routes added later use the same check
    app.add_middleware(AccessMiddleware, guard=app.state.guard)
    app.add_middleware(GuardMiddleware, frame_ancestors=tuple(settings.cors_origins))
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    return app


def add_docs_redirect(app: FastAPI) -> None:
    """``/docs`` (where FastAPI apps usually keep them) leads to the API docs at ``/api/docs``."""
    from fastapi.responses import RedirectResponse

    @app.get("/docs", include_in_schema=False)
    def docs() -> RedirectResponse:
        return RedirectResponse("/api/docs", status_code=307)


def default_workers() -> int:
    """One worker per core: each answers on its own interpreter (no shared GIL)."""
    return max(1, os.cpu_count() or 1)


def prepare_index(settings: Settings) -> None:
    """Build the index once before workers start, so they never race to build it."""
    from ..ingest.index import PassageIndex

    if PassageIndex.open(settings, None).active_name() is None:
        make_assistant(settings)


def _mount_chat(app: FastAPI, settings: Settings, assistant: Any, store: Any) -> None:
    import gradio as gr

    from .ui import UI_CSS, UI_HEAD, build_ui

    blocks = build_ui(settings, assistant, store)
    private = [str(Path(settings.data_dir).resolve())]
    private += [str(Path(p).resolve()) for p in settings.corpus_dirs]
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=DEFAULT_HOST,
        footer_links=["api"],
        run_history=False,
        allowed_paths=[],
        blocked_paths=private,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        css=UI_CSS,
        head=UI_HEAD,
    )


def serve(
    settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workers: int = 1
) -> int:
    """Run the server until interrupted (``coopqa serve`` and app.py); N>1 worker processes."""
    import uvicorn

    from .security import exposure_warning

    if workers < 1:
        raise ValueError("--workers must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    warning = exposure_warning(host, settings.api_keys)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    common = {"host": host, "port": port, "log_level": "warning", "timeout_graceful_shutdown": 3}
    if workers == 1:
        app = create_app(settings)
        _announce(host, port, workers)
        uvicorn.run(app, **common)
        return 0
    from .scaleout import serve_workers

    _announce(host, port, workers)
    return serve_workers(settings, host, port, workers, common)


def _announce(host: str, port: int, workers: int) -> None:
    print(
        f"coopqa: chat at http://{host}:{port}/  API docs at http://{host}:{port}/api/docs"
        f"  ({workers} worker{'s' if workers > 1 else ''})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m coopqa.serve.server [--host H] [--port P] [--workers N]`` with settings from COOPQA_*."""
    parser = argparse.ArgumentParser(
        prog="coopqa-server",
        description="Serve the coopqa web chat at / and the HTTP API at /api (settings: COOPQA_*).",
    )
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    return serve(Settings.from_env(), args.host, args.port, args.workers)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("COOPQA_HOST", DEFAULT_HOST))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("COOPQA_PORT", DEFAULT_PORT))
    )
    workers = int(os.environ.get("COOPQA_WORKERS", "0")) or default_workers()
    parser.add_argument(
        "--workers",
        type=int,
        default=workers,
        help=f"worker processes (default: COOPQA_WORKERS or one per core, here {workers})",
    )


# ---------------------------------------------------------------- running it in a subprocess


def settings_env(settings: Settings) -> dict[str, str]:
    """COOPQA_* variables that make ``Settings.from_env()`` in a child process equal ``settings``."""
    return {
        "COOPQA_DATA_DIR": str(Path(settings.data_dir).resolve()),
        "COOPQA_CORPUS_DIR": os.pathsep.join(str(Path(p).resolve()) for p in settings.corpus_dirs),
        "COOPQA_FACTS": str(Path(settings.facts_path).resolve()),
        "COOPQA_CHROMA_URL": settings.chroma_url or "",
        "COOPQA_COLLECTION": settings.collection,
        "COOPQA_LLM": settings.llm or "",
        "COOPQA_RETRIEVAL": settings.retrieval_mode,
        "COOPQA_USE_FACTS": "1" if settings.use_facts else "0",
        "COOPQA_TOP_K": str(settings.top_k),
        "COOPQA_API_KEYS": ",".join(settings.api_keys),
        "COOPQA_CORS_ORIGINS": ",".join(settings.cors_origins),
        "COOPQA_MAX_REQUEST_BYTES": str(settings.max_request_bytes),
        "COOPQA_FEEDBACK_URL": settings.feedback_url or "",
        "COOPQA_RATE_LIMIT": "{}/{}".format(*settings.rate_limit),
    }


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class ServerProcess:
    """The real server in a child process on a free local port; ``start`` waits for /api/health."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        port: int | None = None,
        log_path: Path | str | None = None,
        workers: int = 1,
    ) -> None:
        self.workers = workers
        self.workers_seen: set[str] = set()
        self.env = {**os.environ, **(env or {})}
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.host = DEFAULT_HOST
        self.port = port or free_port()
        self.log_path = Path(log_path) if log_path else None
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 120.0) -> ServerProcess:
        import httpx

        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        cmd = [
            sys.executable,
            "-m",
            "coopqa.serve.server",
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        cmd += ["--workers", str(self.workers)]
        # Its own process group: stopping it also stops its worker processes.
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.cwd,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"server exited with {code}; see {self.log_path}")
            try:
                resp = httpx.get(f"{self.url}/api/health", timeout=2)
                if resp.status_code == 200:
                    self.workers_seen.add(resp.headers.get("x-coopqa-worker", ""))
                    if len(self.workers_seen) >= self.workers:  # every worker answers
                        return self
                    time.sleep(0.1)  # a new connection may reach another worker
                    continue
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"server did not answer /api/health within {timeout:.0f}s")

    def stop(self, kill: bool = False, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self._signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.proc.wait(5)

    def _signal(self, sig: int) -> None:
        """The whole process group: the server, its workers and its chat process."""
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self) -> ServerProcess:
        return self if self.alive() else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    sys.exit(main())
