"""Fixtures for the web tests: the real server (real Assistant) in a child process on a free port.

Imported by conftest.py with ``from .server_fixtures import *``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coopqa.serve.server import ServerProcess, free_port

ROOT = Path(__file__).resolve().parents[1]
API_KEYS = ("test-key-alpha", "test-key-beta")
CORS_ORIGIN = "https://helpdesk.example.org"
WIDGET_PORT = free_port()  # a page on this port is an allowed origin (the embed widget's test)
WIDGET_ORIGIN = f"http://127.0.0.1:{WIDGET_PORT}"
CORS_ORIGINS = (CORS_ORIGIN, WIDGET_ORIGIN)
START_TIMEOUT_S = 240.0

__all__ = [
    "API_KEYS",
    "CORS_ORIGIN",
    "CORS_ORIGINS",
    "WIDGET_ORIGIN",
    "WIDGET_PORT",
    "LiveServer",
    "live_server",
]


@dataclass
class LiveServer:
    """The running server and what a test needs to talk to it."""

    data_dir: Path
    log_path: Path
    env: dict[str, str]
    process: ServerProcess = field(init=False)

    def __post_init__(self) -> None:
        self.process = ServerProcess(env=self.env, cwd=ROOT, log_path=self.log_path)

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def key(self) -> str:
        return API_KEYS[0]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def start(self) -> LiveServer:
        try:
            self.process.start(timeout=START_TIMEOUT_S)
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"server did not start: {exc}\n{self.log_tail()}")
        return self

    def restart(self, kill: bool = True) -> None:
        """Stop (SIGKILL by default: nothing gets a chance to flush) and start on the same port."""
        self.process.stop(kill=kill)
        self.process = ServerProcess(
            env=self.env, cwd=ROOT, port=self.process.port, log_path=self.log_path
        )
        self.start()

    def log_tail(self, chars: int = 3000) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """`python -m coopqa.serve.server` with API keys and a CORS allow-list, in its own data dir."""
    base = tmp_path_factory.mktemp("web")
    data_dir = base / "data"
    env = {
        "COOPQA_DATA_DIR": str(data_dir),
        "COOPQA_CORPUS_DIR": str(ROOT / "corpus"),
        "COOPQA_FACTS": str(ROOT / "corpus" / "facts.csv"),
        "COOPQA_API_KEYS": ",".join(API_KEYS),
        "COOPQA_CORS_ORIGINS": ",".join(CORS_ORIGINS),
        "GRADIO_TEMP_DIR": str(base / "gradio-tmp"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        "COOPQA_LLM": "",  # the extractive backend: no hosted model in tests
        "COOPQA_CHROMA_URL": "",
    }
    server = LiveServer(data_dir=data_dir, log_path=base / "server.log", env=env).start()
    yield server
    server.process.stop()
