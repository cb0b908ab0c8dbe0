"""An OpenAI-compatible chat endpoint (mounted under /v1): any OpenAI client can use coopqa as a model.

``POST /v1/chat/completions`` (streamed or not) and ``GET /v1/models`` (one model, ``coopqa``). The
whole ``messages`` list is the conversation: the last user message is the question, the earlier
user/assistant turns its history. ``content`` is the answer with its ``[n]`` markers and a source
list; the checked details (citations, numbers, abstained, corrections) ride in the extra top-level
field ``coopqa``. Errors use OpenAI's shape, ``{"error": {"message", "type", "code"}}``.
"""

# No `from __future__ import annotations`: FastAPI must see the locally built pydantic models.
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..answer.validation import MAX_HISTORY_TURNS, InputError, clean_history, clean_question
from ..config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("coopqa.serve.openai_api")

MODEL_ID = "coopqa"
EXTRA_FIELD = "coopqa"
STREAM_PIECES = 12  # the verified answer is sent in about this many chunks
_IGNORED_ROLES = ("system", "developer")  # instructions never override coopqa's own rules
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    500: "server_error",
}
_ERROR_CODES = {401: "invalid_api_key", 404: "model_not_found"}


def openai_error(status: int, message: str) -> dict[str, Any]:
    """The error body OpenAI clients read their exception message from."""
    kind = _ERROR_TYPES.get(status, "invalid_request_error")
    return {
        "error": {"message": message, "type": kind, "param": None, "code": _ERROR_CODES.get(status)}
    }


def message_text(content: Any, where: str) -> str:
    """A message's text: a string, or the text parts of a content-part list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text":
                raise InputError(f"{where}: only text content parts are supported")
            texts.append(str(part.get("text", "")))
        return "\n".join(texts)
    if content is None:
        return ""
    raise InputError(f"{where}.content must be a string or a list of text parts")


def split_conversation(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """(question, history) from an OpenAI ``messages`` list; InputError when it has no question."""
    if not messages:
        raise InputError("messages is empty; send at least one user message")
    turns = []
    for i, message in enumerate(messages):
        role = message.get("role")
        if role in _IGNORED_ROLES:
            continue
        if role not in ("user", "assistant"):
            raise InputError(
                f"messages[{i}].role {role!r} is not supported (user, assistant, system)"
            )
        turns.append(
            {"role": role, "content": message_text(message.get("content"), f"messages[{i}]")}
        )
    if not turns or turns[-1]["role"] != "user":
        raise InputError("the last message must be a user message (the question)")
    question = clean_question(turns[-1]["content"])
    # Chat front-ends resend the whole conversation: the latest turns are the ones that matter.
    history = clean_history(turns[:-1][-MAX_HISTORY_TURNS:])
    return question, history


def render_content(answer: dict[str, Any]) -> str:
    """The answer text with its [n] markers, then one line per cited source."""
    lines = [answer["answer"].strip()]
    if answer.get("corrections"):
        lines += ["", *(f"Note: {c}" for c in answer["corrections"])]
    if answer.get("citations"):
        lines += ["", "Sources:"]
        lines += [
            f"[{c['n']}] {c['doc']}, {c['section']}, page {c['page']}" for c in answer["citations"]
        ]
    return "\n".join(lines)


def extra_field(answer: dict[str, Any]) -> dict[str, Any]:
    """What an OpenAI response has no place for: the checked details of the Answer."""
    keep = ("abstained", "short", "citations", "numbers", "corrections", "resolved_question")
    keep += ("backend",)
    return {k: answer.get(k) for k in keep} | {"timings_ms": answer.get("timings_ms", {})}


def completion(answer: dict[str, Any], completion_id: str, created: int) -> dict[str, Any]:
    """A ``chat.completion`` object for a finished Answer."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": render_content(answer)},
                "finish_reason": "stop",
            }
        ],
        EXTRA_FIELD: extra_field(answer),
    }


def pieces(text: str, count: int = STREAM_PIECES) -> list[str]:
    """``text`` cut at spaces into about ``count`` pieces that join back to exactly ``text``."""
    if not text:
        return []
    size = max(1, len(text) // count)
    out, start = [], 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def chunks(answer: dict[str, Any], completion_id: str, created: int) -> Iterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects: the role, the content in pieces, then stop + details."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces(render_content(answer)):
        yield chunk({"content": piece})
    yield chunk({}, "stop") | {EXTRA_FIELD: extra_field(answer)}


def sse(events: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Server-sent events as OpenAI streams them, ending with ``data: [DONE]``."""
    for event in events:
        yield f"data: {json.dumps(event)}\n\n"
    yield "data: [DONE]\n\n"


def _models() -> dict[str, Any]:
    from pydantic import BaseModel, ConfigDict, Field

    class ChatMessage(BaseModel):
        model_config = ConfigDict(extra="allow")  # name, tool_calls … are accepted and ignored
        role: str
        content: str | list[dict[str, Any]] | None = None

    class ChatRequest(BaseModel):
        model_config = ConfigDict(extra="allow")  # temperature, max_tokens … do not apply
        model: str = Field(description=f"Always {MODEL_ID!r}.")
        messages: list[ChatMessage] = Field(
            description="The conversation; the last is the question."
        )
        stream: bool = False
        docs: list[str] | None = Field(
            default=None, description="coopqa's own: answer from these documents only."
        )

    return {"ChatRequest": ChatRequest}


def create_openai_api(settings: Settings, assistant: Any, require_key: Callable) -> "FastAPI":
    """A FastAPI app to mount at /v1; ``require_key`` is the same key check as /api's."""
    from fastapi import Depends, FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, StreamingResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from .api import summarize_problems

    ChatRequest = _models()["ChatRequest"]
    app = FastAPI(
        title="coopqa OpenAI-compatible API",
        description=f"Chat completions with model {MODEL_ID!r}; details in the {EXTRA_FIELD!r} field.",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    def fail(status: int, message: str, headers: Any = None) -> JSONResponse:
        return JSONResponse(openai_error(status, message), status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return fail(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _shape_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return fail(400, summarize_problems(exc.errors()))

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        return fail(400, str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error: %r", exc, exc_info=exc)
        return fail(500, "internal error; the server logged it")

    @app.get("/models", dependencies=[Depends(require_key)], summary="The one model: coopqa")
    def models() -> dict[str, Any]:
        card = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "coopqa"}
        return {"object": "list", "data": [card]}

    @app.post(
        "/chat/completions",
        dependencies=[Depends(require_key)],
        summary="Answer the last user message, with the earlier messages as the conversation",
    )
    def chat(body: ChatRequest) -> Any:
        if body.model != MODEL_ID:
            return fail(404, f"model {body.model!r} does not exist; use {MODEL_ID!r}")
        question, history = split_conversation([m.model_dump() for m in body.messages])
        answer = assistant.ask(question, history=history, docs=body.docs).to_dict()
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.stream:
            return completion(answer, completion_id, created)
        # Only verified text is streamed: the Answer is complete before the first byte leaves.
        events = sse(chunks(answer, completion_id, created))
        return StreamingResponse(events, media_type="text/event-stream")

    return app
