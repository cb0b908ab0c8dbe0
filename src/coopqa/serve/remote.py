"""The quick CLI path: answer through a running server over HTTP (stdlib only, no model to load).

``coopqa ask`` uses a server given by ``--server URL``, or one found on the default port whose
index is the one this command would load itself (same data directory, Chroma and collection).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ..config import Settings

PROBE_TIMEOUT_S = 0.5
ASK_TIMEOUT_S = 120.0


class RemoteError(Exception):
    """The server answered with an error, or could not be reached when it was named."""


def index_fingerprint(settings: Settings) -> str:
    """Names the index a process answers from, without revealing its path."""
    place = settings.chroma_url or str(Path(settings.data_dir).resolve())
    return hashlib.sha256(f"{place}|{settings.collection}".encode()).hexdigest()[:16]


def _request(url: str, body: dict | None, key: str | None, timeout: float) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read() or b"null")
        except ValueError:
            payload = None
        return exc.code, payload


def health(base_url: str, timeout: float = PROBE_TIMEOUT_S) -> dict | None:
    """The server's /api/health, or None when nothing (or not coopqa) answers there."""
    try:
        status, payload = _request(f"{base_url.rstrip('/')}/api/health", None, None, timeout)
    except (OSError, ValueError):
        return None
    if status != 200 or not isinstance(payload, dict) or payload.get("status") != "ok":
        return None
    return payload


def find_server(settings: Settings, url: str | None, port: int) -> str | None:
    """``url`` when it answers (RemoteError if not); else a local server on ``port`` with our index."""
    if url:
        if not url.startswith(("http://", "https://")):
            raise RemoteError(f"--server must be an http(s) URL, not {url!r}")
        if health(url, timeout=5.0) is None:
            raise RemoteError(f"no coopqa server answers at {url}")
        return url.rstrip("/")
    local = f"http://127.0.0.1:{port}"
    found = health(local)
    if found and found.get("index") == index_fingerprint(settings):
        return local
    return None


def ask(base_url: str, question: str, history: list, key: str | None) -> dict[str, Any]:
    """The Answer dict from POST /api/ask; RemoteError with the server's one-line message."""
    body = {"question": question, "history": history}
    try:
        status, payload = _request(f"{base_url}/api/ask", body, key, ASK_TIMEOUT_S)
    except (OSError, ValueError) as exc:
        raise RemoteError(f"the server at {base_url} failed: {exc}") from exc
    if status != 200 or not isinstance(payload, dict) or "answer" not in payload:
        message = payload.get("error") if isinstance(payload, dict) else None
        raise RemoteError(f"server at {base_url}: HTTP {status}: {message or 'no answer'}")
    return payload
