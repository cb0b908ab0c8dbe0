"""MCP tools ``ask``, ``search`` and ``facts`` (the `mcp` SDK), over stdio and streamable HTTP.

``coopqa mcp`` serves them on stdin/stdout for desktop assistants; the web server mounts the same
tools at ``/mcp`` behind the API's key check. Results are structured: ``ask`` returns the Answer
shape of DESIGN.md. A bad argument comes back as a tool error (``isError``) naming what was wrong.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations for their schemas.
import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from ..answer.validation import InputError
from ..config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVER_NAME = "coopqa"
MCP_PATH = "/mcp"
MAX_SEARCH_K = 20
MAX_FACTS = 1000
INSTRUCTIONS = (
    "Cited, number-checked answers about the reports in coopqa's corpus. Use `ask` for an answer "
    "with citations (verbatim quotes) and checked numbers; `abstained: true` means the documents "
    "do not say. Use `search` for the passages behind a question, `facts` for the fact table."
)


def passage_row(result: Any) -> dict[str, Any]:
    """One search hit as JSON: where the passage is, its score and its text."""
    p = result.passage
    keep = ("passage_id", "doc", "section", "page", "start", "end", "text")
    return {k: getattr(p, k) for k in keep} | {"score": round(float(result.score), 4)}


def build_mcp(assistant: Any) -> Any:
    """An MCPServer with the three tools, each a thin shell over the one Assistant."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from pydantic import BaseModel, Field

    from .api import api_models, fact_rows

    models = api_models()
    AskResponse, Turn = models["AskResponse"], models["Turn"]

    class Passage(BaseModel):
        passage_id: str
        doc: str
        section: str
        page: int
        start: int
        end: int
        text: str
        score: float

    class SearchResults(BaseModel):
        query: str
        results: list[Passage]

    class FactRows(BaseModel):
        available: bool = Field(description="False when no fact table is loaded.")
        count: int
        facts: list[dict[str, Any]]

    DOCS = Field(description="Only these documents (file names); all when omitted.")
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS)

    @server.tool(description="Ask a question; get a cited, number-checked answer (or abstention).")
    def ask(
        question: Annotated[str, Field(description="The question, at most 4,000 characters.")],
        history: Annotated[
            list[Turn] | None, Field(description="Earlier turns, oldest first, for follow-ups.")
        ] = None,
        docs: Annotated[list[str] | None, DOCS] = None,
    ) -> AskResponse:
        turns = [t.model_dump() for t in history or []]
        try:
            return assistant.ask(question, history=turns, docs=docs).to_dict()
        except InputError as exc:
            raise ToolError(str(exc)) from exc

    @server.tool(description="The passages retrieved for a question, best first, with their text.")
    def search(
        query: Annotated[str, Field(description="A question or keywords.")],
        k: Annotated[int, Field(ge=1, le=MAX_SEARCH_K, description="How many passages.")] = 5,
        docs: Annotated[list[str] | None, DOCS] = None,
    ) -> SearchResults:
        try:
            hits = assistant.search(query, k=k, docs=docs)
        except InputError as exc:
            raise ToolError(str(exc)) from exc
        return {"query": query, "results": [passage_row(h) for h in hits]}

    @server.tool(description="Rows of the fact table (stated and derived facts with their quotes).")
    def facts(
        query: Annotated[
            str | None, Field(max_length=500, description="Case-insensitive substring filter.")
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_FACTS, description="At most this many rows.")
        ] = 50,
    ) -> FactRows:
        table = getattr(assistant, "facts", None)
        rows = fact_rows(table, query, limit)
        return {"available": table is not None, "count": len(rows), "facts": rows}

    return server


def build_mcp_http(assistant: Any) -> Any:
    """The tools with a streamable-HTTP session manager (run it in the web app's lifespan)."""
    from mcp.server.transport_security import TransportSecuritySettings

    server = build_mcp(assistant)
    # Stateless JSON: each call stands alone, so no session state to lose or to bound.
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        # Host/Origin checks belong to the server as a whole (keys, CORS), as for /api.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return server


def mount_mcp(app: "FastAPI", server: Any, require_key: Callable[..., None]) -> None:
    """Serve ``server`` (from build_mcp_http) at /mcp on ``app``, behind ``require_key``."""
    from fastapi import Depends, Request
    from fastapi.responses import JSONResponse
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.responses import Response

    from .api import error_body

    handler = StreamableHTTPASGIApp(server.session_manager)

    class _Delegate(Response):
        """Hands the raw request to the MCP transport once the key check has passed."""

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await handler(scope, receive, send)

    def endpoint() -> Response:
        return _Delegate()

    app.add_api_route(
        MCP_PATH,
        endpoint,
        methods=["GET", "POST", "DELETE"],
        dependencies=[Depends(require_key)],
        include_in_schema=False,
    )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The app's own routes (/mcp, /widget.js) answer errors like /api: {"error": "..."}.
        return JSONResponse(error_body(str(exc.detail)), exc.status_code, headers=exc.headers)


def run_stdio(settings: Settings) -> int:
    """``coopqa mcp``: the tools on stdin/stdout until the client closes them."""
    from .server import make_assistant

    # stdout carries the protocol: anything a library prints while loading goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        assistant = make_assistant(settings)
        server = build_mcp(assistant)
    server.run("stdio")
    return 0
