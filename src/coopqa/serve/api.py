"""The helpdesk REST API (mounted under /api): ask, facts, feedback, health, with JSON errors.

Every error is ``{"error": "one line"}`` with the status that fits: 400 bad input or bad JSON,
401 missing/wrong API key, 413 body too large, 422 wrong shape, 500 unexpected (server lives on).
"""

# No `from __future__ import annotations`: FastAPI must see the locally built pydantic models.
import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ..answer.validation import InputError, clean_history, clean_question
from ..config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from .feedback import FeedbackStore

log = logging.getLogger("coopqa.serve.api")

API_VERSION = "1"
INTERNAL_ERROR = "internal error; the server logged it"
MAX_FACT_ROWS = 1000
DOCS_ASSETS = "/docs-assets"  # Swagger UI's own files, served from the package (under /api)


def error_body(message: str, **extra: Any) -> dict[str, Any]:
    """The JSON every API error carries."""
    return {"error": message, **extra}


def key_is_valid(header: str | None, keys: Sequence[str]) -> bool:
    """Whether an ``Authorization: Bearer KEY`` header names one of ``keys`` (constant-time)."""
    from .security import bearer_token, match_key

    return not keys or match_key(bearer_token(header), keys) is not None


def fact_rows(table: Any, query: str | None = None, limit: int = MAX_FACT_ROWS) -> list[dict]:
    """The fact table as JSON-able rows, optionally filtered by a case-insensitive substring."""
    if table is None:
        return []
    rows = [_plain(fact) for fact in getattr(table, "facts", [])]
    if query:
        needle = " ".join(query.lower().split())
        rows = [r for r in rows if needle in " ".join(str(v) for v in r.values()).lower()]
    return rows[:limit]


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and paths turned into JSON-able values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def api_models() -> dict[str, Any]:
    """Pydantic request/response models (built lazily so importing coopqa stays light)."""
    from pydantic import BaseModel, Field

    from ..answer import CheckedNumber, Citation

    class Turn(BaseModel):
        role: Literal["user", "assistant"]
        content: str

    class AskRequest(BaseModel):
        question: str = Field(description="The question, at most 4,000 characters.")
        history: list[Turn | str] | None = Field(
            default=None, description="Earlier turns, oldest first, for follow-up questions."
        )
        docs: list[str] | None = Field(
            default=None,
            description="Answer from these documents only (file names, as in /api/health).",
        )

    class AskResponse(BaseModel):
        question: str
        answer: str
        abstained: bool
        citations: list[Citation]  # the Answer's own dataclasses: one definition of the shape
        numbers: list[CheckedNumber]
        backend: str
        timings_ms: dict[str, float]
        corrections: list[str] = []
        resolved_question: str | None = None
        short: str | list[str] | None = None

    class FeedbackRequest(BaseModel):
        rating: Literal[1, -1, "up", "down"] = Field(description="1 / 'up' or -1 / 'down'.")
        question: str
        answer: str
        citations: list[Any] = Field(default_factory=list)
        comment: str | None = None

    class FeedbackResponse(BaseModel):
        id: int

    class ErrorOut(BaseModel):
        error: str

    return {k: v for k, v in locals().items() if isinstance(v, type)}


def key_dependency(settings: Settings) -> Callable[..., None]:
    """The one key check (a FastAPI dependency) shared by /api, /v1 and /mcp: 401 on a bad key."""
    from fastapi import Depends, Request
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
    from starlette.exceptions import HTTPException as StarletteHTTPException

    bearer = HTTPBearer(auto_error=False, description="One of COOPQA_API_KEYS")

    def require_key(
        request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> None:
        if not key_is_valid(request.headers.get("authorization"), settings.api_keys):
            raise StarletteHTTPException(
                401,
                "missing or wrong API key (send Authorization: Bearer KEY)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return require_key


def create_api(
    settings: Settings,
    assistant: Any,
    store: "FeedbackStore",
    require_key: Callable[..., None] | None = None,
) -> "FastAPI":
    """A FastAPI app to mount at /api; ``assistant`` and ``require_key`` are shared with /v1, /mcp."""
    from fastapi import Depends, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi_offline import FastAPIOffline
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from ..ingest.titles import document_titles
    from .remote import index_fingerprint

    m = api_models()
    AskRequest, AskResponse = m["AskRequest"], m["AskResponse"]
    FeedbackRequest, FeedbackResponse, ErrorOut = (
        m["FeedbackRequest"],
        m["FeedbackResponse"],
        m["ErrorOut"],
    )
    errors = {
        400: {"model": ErrorOut, "description": "Bad input or malformed JSON"},
        401: {"model": ErrorOut, "description": "Missing or wrong API key"},
        413: {"model": ErrorOut, "description": "Request body too large"},
        422: {"model": ErrorOut, "description": "Body has the wrong shape"},
    }

    # Swagger UI's script and style come from the fastapi-offline package, never from a CDN.
    app = FastAPIOffline(
        title="coopqa helpdesk API",
        version=API_VERSION,
        description=(
            "Cited, number-checked answers about the reports in the corpus. "
            "When the server sets COOPQA_API_KEYS, send "
            "`Authorization: Bearer KEY`."
        ),
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        static_url=DOCS_ASSETS,
    )
    require_key = require_key or key_dependency(settings)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(str(exc.detail)), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _shape_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = exc.errors()
        bad_json = [p for p in problems if p.get("type") == "json_invalid"]
        if bad_json:
            why = bad_json[0].get("ctx", {}).get("error", "")
            return JSONResponse(error_body(f"request body is not valid JSON ({why})".strip()), 400)
        return JSONResponse(
            error_body(summarize_problems(problems), detail=_jsonable(problems)), 422
        )

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(error_body(str(exc)), 400)

    def internal_error(exc: Exception) -> JSONResponse:
        log.error("unexpected error: %r", exc, exc_info=exc)
        return JSONResponse(error_body(INTERNAL_ERROR), 500)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return internal_error(exc)  # Starlette logs these again; endpoints catch their own

    titles: dict[str, str] = {}

    @app.get("/health", summary="Liveness and what the server holds")
    def health() -> dict[str, Any]:
        facts = getattr(assistant, "facts", None)
        documents = list(getattr(assistant, "documents", []))
        if set(documents) - set(titles):  # read once, again only when the index gained documents
            titles.update(document_titles(settings.corpus_dirs, documents))
        return {
            "status": "ok",
            "version": API_VERSION,
            "auth_required": bool(settings.api_keys),
            "facts": len(getattr(facts, "facts", []) or []) if facts is not None else 0,
            "retrieval": settings.retrieval_mode,
            "documents": documents,
            "titles": {doc: titles[doc] for doc in documents},  # the names people read
            "llm": bool(settings.llm),
            "index": index_fingerprint(settings),  # lets `coopqa ask` find a server on its index
        }

    @app.post(
        "/ask",
        response_model=AskResponse,
        responses=errors,
        dependencies=[Depends(require_key)],
        summary="Ask a question; get a cited, number-checked answer",
    )
    def ask(body: AskRequest) -> Any:
        question = clean_question(body.question)
        history = clean_history(
            [t if isinstance(t, str) else t.model_dump() for t in body.history or []]
        )
        try:
            return assistant.ask(question, history=history, docs=body.docs).to_dict()
        except InputError:
            raise
        except Exception as exc:
            return internal_error(exc)

    @app.get(
        "/facts",
        responses=errors,
        dependencies=[Depends(require_key)],
        summary="The fact table (stated and derived facts, each with its quote)",
    )
    def facts(q: str | None = None, limit: int = MAX_FACT_ROWS) -> dict[str, Any]:
        if q is not None and len(q) > 500:
            raise InputError("q is longer than 500 characters")
        table = getattr(assistant, "facts", None)
        rows = fact_rows(table, q, max(0, min(limit, MAX_FACT_ROWS)))
        return {"available": table is not None, "count": len(rows), "facts": rows}

    @app.post(
        "/feedback",
        status_code=201,
        response_model=FeedbackResponse,
        responses=errors,
        dependencies=[Depends(require_key)],
        summary="Thumbs up (1) or down (-1) on an answer, with an optional comment",
    )
    def feedback(body: FeedbackRequest) -> Any:
        try:
            feedback_id = store.add(
                body.rating,
                question=body.question,
                answer=body.answer,
                citations=body.citations,
                comment=body.comment,
                source="api",
            )
        except InputError:
            raise
        except Exception as exc:
            return internal_error(exc)
        return {"id": feedback_id}

    return app


def summarize_problems(problems: Sequence[dict[str, Any]]) -> str:
    """One line from pydantic's error list, e.g. 'body.question: Field required'."""
    parts = []
    for p in problems[:3]:
        if tuple(p.get("loc", ())) == ("body",) and p.get("type") == "model_attributes_type":
            return "request body must be a JSON object"
        where = ".".join(str(x) for x in p.get("loc", ()))
        parts.append(f"{where}: {p.get('msg', 'invalid')}")
    return "; ".join(parts) or "request has the wrong shape"


def _jsonable(problems: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = ("type", "loc", "msg")
    return [{k: _plain(p[k]) for k in keep if k in p} for p in problems]
