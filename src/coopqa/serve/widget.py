"""The embed widget: ``GET /widget.js`` serves the one-file script a page includes to ask coopqa.

The script calls ``/api/ask`` from the embedding page, so the browser only lets it through from
origins on ``COOPQA_CORS_ORIGINS`` (the CORS middleware of the server decides, not the script).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

WIDGET_PATH = "/widget.js"
CACHE_SECONDS = 300


@cache
def widget_source() -> bytes:
    """The widget script, shipped inside the package."""
    return resources.files(__package__ or "coopqa").joinpath("static", "widget.js").read_bytes()


def widget_response() -> Any:
    """The script as a response: JavaScript, cacheable for a few minutes, never sniffed."""
    from starlette.responses import Response

    headers = {"Cache-Control": f"public, max-age={CACHE_SECONDS}"}
    return Response(widget_source(), media_type="text/javascript", headers=headers)


def add_widget_route(app: Any) -> None:
    """Serve the widget at /widget.js on ``app`` (before Gradio's catch-all routes)."""
    app.add_api_route(WIDGET_PATH, widget_response, methods=["GET"], include_in_schema=False)
