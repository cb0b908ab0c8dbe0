"""Access control in one place: an API key or a session signed at login, and a per-key rate limit.

``AccessMiddleware`` wraps the whole server (the API, the Gradio chat page and its events, and any
route mounted later), so every route that answers or writes is guarded by the same ``Guard``.
Sessions are signed with the key that opened them: removing a key from COOPQA_API_KEYS ends them,
and every worker process checks them without shared state.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote

SESSION_COOKIE = "coopqa_session"
SESSION_SECONDS = 12 * 3600
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
MAX_LOGIN_BODY = 4096
MAX_BUCKETS = 10_000  # identities remembered by the limiter before idle ones are dropped
PUBLIC_PATHS = frozenset(
    {
        LOGIN_PATH,
        LOGOUT_PATH,
        "/api/health",
        "/api/docs",
        "/api/docs/oauth2-redirect",
        "/api/openapi.json",
        "/docs",
        "/favicon.ico",
        "/widget.js",
    }  # the embed script itself: its calls to /api/ask carry the page's key
)
PUBLIC_PREFIXES = ("/api/docs-assets/",)  # Swagger UI's script, style and icon
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_LIMIT = (10, 60.0)  # login attempts per client address: keys cannot be guessed at speed


# ---------------------------------------------------------------- keys and sessions


def match_key(token: str | None, keys: Sequence[str]) -> str | None:
    """The configured key equal to ``token`` (compared in constant time against every key)."""
    if not token:
        return None
    found = None
    for key in keys:
        if secrets.compare_digest(token.encode(), key.encode()):
            found = key
    return found


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def key_id(key: str) -> str:
    """A short public name for a key: what the limiter and the logs see, never the key."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _mac(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_session(key: str, now: float | None = None, ttl: int = SESSION_SECONDS) -> str:
    """A cookie value naming ``key`` by its id, valid until now + ttl, signed with the key."""
    expires = int((time.time() if now is None else now) + ttl)
    body = f"{key_id(key)}.{expires}"
    return f"{body}.{_mac(key, body)}"


def session_key(value: str | None, keys: Sequence[str], now: float | None = None) -> str | None:
    """The key a session cookie was signed with, if the signature holds and it has not expired."""
    parts = (value or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    kid, expires, mac = parts
    if int(expires) < (time.time() if now is None else now):
        return None
    for key in keys:
        if key_id(key) == kid and hmac.compare_digest(_mac(key, f"{kid}.{expires}"), mac):
            return key
    return None


def cookie_value(cookie_header: str | None, name: str = SESSION_COOKIE) -> str | None:
    for part in (cookie_header or "").split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v.strip()
    return None


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, keys: Sequence[str]) -> str | None:
    """What `coopqa serve` prints when it listens beyond this machine with no key required."""
    if keys or is_loopback(host):
        return None
    return (
        f"coopqa: warning: serving on {host} without COOPQA_API_KEYS: anyone who can reach this "
        "address can ask, write feedback and export. Set COOPQA_API_KEYS to require a key."
    )


# ---------------------------------------------------------------- rate limit


class RateLimiter:
    """Token buckets: ``count`` requests per ``seconds`` per identity, refilled continuously."""

    def __init__(self, count: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(count)
        self.rate = count / seconds if count else 0.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def hit(self, identity: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is free."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[identity] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[identity] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._forget_full(now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing."""
        for name, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then) * self.rate >= self.capacity:
                del self._buckets[name]


# ---------------------------------------------------------------- the check


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


class Guard:
    """Who is asking (key or signed session) and whether they may, as one reusable check."""

    def __init__(self, keys: Sequence[str], rate_limit: tuple[int, float] = (0, 60.0)) -> None:
        self.keys = tuple(keys)
        self.limiter = RateLimiter(*rate_limit)
        self.login_limiter = RateLimiter(*LOGIN_LIMIT)

    @classmethod
    def from_settings(cls, settings: Any) -> Guard:
        return cls(settings.api_keys, settings.rate_limit)

    @property
    def required(self) -> bool:
        return bool(self.keys)

    def key_for(self, headers: dict[str, str]) -> str | None:
        """The key behind a request: ``Authorization: Bearer KEY`` or a signed session cookie."""
        token = bearer_token(headers.get("authorization"))
        if token is not None:
            return match_key(token, self.keys)
        return session_key(cookie_value(headers.get("cookie")), self.keys)

    def check(self, method: str, headers: dict[str, str], client: str) -> Refusal | None:
        """None when the request may go on; else the refusal to send (401 or 429)."""
        key = self.key_for(headers) if self.required else None
        if self.required and key is None:
            return Refusal(
                401,
                "missing or wrong API key (send Authorization: Bearer KEY, or log in at /login)",
                (("www-authenticate", "Bearer"),),
            )
        if method in SAFE_METHODS:
            return None
        identity = f"key:{key_id(key)}" if key else f"addr:{client}"
        wait = self.limiter.hit(identity)
        if wait > 0:
            return retry_refusal(wait)
        return None


def retry_refusal(wait: float) -> Refusal:
    seconds = max(1, math.ceil(wait))
    return Refusal(
        429,
        f"rate limit reached; retry in {seconds} s",
        (("retry-after", str(seconds)),),
    )


# ---------------------------------------------------------------- ASGI


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _respond(
    send: Callable, status: int, body: bytes, content_type: str, extra: Sequence = ()
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *((k.encode(), v.encode()) for k, v in extra),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def login_page(message: str = "", next_path: str = "/") -> bytes:
    note = f'<p role="alert" style="color:#b91c1c">{html.escape(message)}</p>' if message else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>coopqa — log in</title>"
        "<meta name='viewport' content='width=device-width'></head>"
        "<body style='font-family:sans-serif;max-width:28em;margin:4em auto'>"
        "<h2>coopqa</h2><p>This server requires an API key.</p>"
        f"{note}<form method='post' action='{LOGIN_PATH}'>"
        f"<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>"
        "<label>API key <input type='password' name='key' id='coop-key' autocomplete='off' "
        "required autofocus></label> <button type='submit' id='coop-login'>Log in</button>"
        "</form></body></html>"
    ).encode()


def safe_next(path: str | None) -> str:
    """Only a path on this server: never ``//host`` or a full URL (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


class AccessMiddleware:
    """Guards every HTTP and websocket route but PUBLIC_PATHS; serves /login and /logout itself."""

    def __init__(self, app: Any, guard: Guard, secure_cookie: bool = False) -> None:
        self.app = app
        self.guard = guard
        self.secure = secure_cookie

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if scope["type"] == "http" and path in (LOGIN_PATH, LOGOUT_PATH):
            await self._login(scope, receive, send)
            return
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        method = scope.get("method", "GET")
        client = (scope.get("client") or ("?", 0))[0]
        refusal = self.guard.check(method, headers, client)
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif refusal.status == 401 and method == "GET" and "text/html" in headers.get("accept", ""):
            target = quote(safe_next(path), safe="/")
            await _respond(
                send, 303, b"", "text/plain", [("location", f"{LOGIN_PATH}?next={target}")]
            )
        else:
            error: object = refusal.message
            if path == "/v1" or path.startswith("/v1/"):  # OpenAI clients read error.message
                kind = "invalid_api_key" if refusal.status == 401 else "rate_limit_exceeded"
                error = {"message": refusal.message, "type": "invalid_request_error", "code": kind}
            body = json.dumps({"error": error}).encode()
            await _respond(send, refusal.status, body, "application/json", refusal.headers)

    async def _login(self, scope: dict, receive: Callable, send: Callable) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        next_path = safe_next((query.get("next") or ["/"])[0])
        if scope["path"] == LOGOUT_PATH:
            expired = f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            await _respond(
                send, 303, b"", "text/plain", [("location", LOGIN_PATH), ("set-cookie", expired)]
            )
            return
        if scope["method"] != "POST":
            if not self.guard.required:
                await _respond(send, 303, b"", "text/plain", [("location", next_path)])
                return
            await _respond(send, 200, login_page("", next_path), "text/html; charset=utf-8")
            return
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.guard.login_limiter.hit(f"login:{client}")
        if wait > 0:
            refusal = retry_refusal(wait)
            page = login_page(refusal.message, next_path)
            await _respond(send, 429, page, "text/html; charset=utf-8", refusal.headers)
            return
        body = await _read_body(receive, MAX_LOGIN_BODY)
        form = parse_qs(body.decode("utf-8", "replace")) if body is not None else {}
        key = match_key((form.get("key") or [""])[0].strip(), self.guard.keys)
        next_path = safe_next((form.get("next") or [next_path])[0])
        if key is None:
            page = login_page("That key is not valid.", next_path)
            await _respond(send, 401, page, "text/html; charset=utf-8")
            return
        cookie = (
            f"{SESSION_COOKIE}={sign_session(key)}; Path=/; Max-Age={SESSION_SECONDS}; "
            "HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
        )
        await _respond(
            send, 303, b"", "text/plain", [("location", next_path), ("set-cookie", cookie)]
        )


async def _read_body(receive: Callable, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit``."""
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
