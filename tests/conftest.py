"""Shared fixtures: the real corpus, the real model, real Chroma (embedded and server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from coopqa.config import Settings, offline_environment

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"
CHAPTER = CORPUS_DIR / "npa-annual-report-ch8-international-cooperation.txt"

offline_environment()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def corpus():
    from coopqa.ingest.corpus import load_corpus

    return load_corpus([CORPUS_DIR])


@pytest.fixture(scope="session")
def embedder():
    from coopqa.ingest.embeddings import MiniLMEmbeddings

    return MiniLMEmbeddings()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", corpus_dirs=(CORPUS_DIR,), facts_path=CORPUS_DIR / "facts.csv"
    )


@pytest.fixture(scope="session")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("shared"),
        corpus_dirs=(CORPUS_DIR,),
        facts_path=CORPUS_DIR / "facts.csv",
    )


@pytest.fixture(scope="session")
def assistant(shared_settings: Settings, embedder):
    from coopqa.chain import Assistant

    return Assistant(shared_settings, embedder=embedder)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` on 127.0.0.1, from the chromadb package."""
    import httpx

    exe = shutil.which("chroma") or str(Path(os.sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"chroma server did not start: {(path / 'server.log').read_text()[-2000:]}")
    if proc.poll() is not None:
        pytest.fail(f"chroma server exited: {(path / 'server.log').read_text()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


from .server_fixtures import *  # noqa: E402,F403 - web tests: the live server
