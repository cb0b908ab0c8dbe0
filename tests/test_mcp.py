"""The MCP tools through the `mcp` SDK's own client: streamable HTTP at /mcp, and `coopqa mcp` on stdio."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx
import pytest

from coopqa.ingest.corpus import fold

from .server_fixtures import ROOT

pytestmark = pytest.mark.server
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
TOOLS = {"ask", "search", "facts"}
CALL_TIMEOUT_S = 120


async def _session(transport, check) -> None:
    from mcp import Client

    async with Client(transport, read_timeout_seconds=CALL_TIMEOUT_S) as client:
        await check(client)


def _http(url: str, key: str):
    import httpx2  # the SDK's own HTTP client
    from mcp.client.streamable_http import streamable_http_client

    timeout = httpx2.Timeout(30, read=CALL_TIMEOUT_S)
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=timeout)
    return http, streamable_http_client(f"{url}/mcp", http_client=http)


def run_http(url: str, key: str, check) -> None:
    async def main() -> None:
        http, transport = _http(url, key)
        async with http:
            await _session(transport, check)

    asyncio.run(asyncio.wait_for(main(), CALL_TIMEOUT_S * 2))


async def check_tools(client, corpus) -> None:
    listed = {t.name: t for t in (await client.list_tools()).tools}
    assert set(listed) == TOOLS
    assert listed["ask"].input_schema["required"] == ["question"]
    assert {"answer", "citations", "numbers", "abstained"} <= set(
        listed["ask"].output_schema["properties"]
    )

    answer = await client.call_tool("ask", {"question": QUESTION})
    assert not answer.is_error, answer.content
    data = answer.structured_content
    assert data["abstained"] is False and "143" in data["answer"] and data["citations"]
    assert data["short"] == "143 persons" and "short" in listed["ask"].output_schema["properties"]
    for cite in data["citations"]:
        text = corpus.document(cite["doc"]).text
        assert fold(text[cite["start"] : cite["end"]]) == fold(cite["quote"])

    hits = (await client.call_tool("search", {"query": QUESTION, "k": 3})).structured_content
    assert len(hits["results"]) == 3
    assert any("143" in h["text"] for h in hits["results"])

    rows = (await client.call_tool("facts", {"query": "dispatch", "limit": 5})).structured_content
    assert rows["available"] and 0 < rows["count"] <= 5


async def check_bad_arguments(client) -> None:
    empty = await client.call_tool("ask", {"question": "   "})
    assert empty.is_error and "question is empty" in empty.content[0].text
    too_many = await client.call_tool("search", {"query": "dispatch", "k": 500})
    assert too_many.is_error and "k" in too_many.content[0].text
    assert "less than or equal to 20" in too_many.content[0].text
    wrong_type = await client.call_tool("ask", {"question": 42})
    assert wrong_type.is_error and "question" in wrong_type.content[0].text
    unknown = await client.call_tool("ask", {"question": QUESTION, "docs": ["no-such.txt"]})
    assert unknown.is_error and "unknown document 'no-such.txt'" in unknown.content[0].text
    after = await client.call_tool("facts", {"limit": 1})  # the server lives on
    assert not after.is_error and after.structured_content["count"] == 1


def test_http_tools_answer_with_the_answer_shape(live_server, corpus):
    run_http(live_server.url, live_server.key, lambda c: check_tools(c, corpus))


def test_http_bad_arguments_are_tool_errors(live_server):
    run_http(live_server.url, live_server.key, check_bad_arguments)


def test_http_needs_the_api_key(live_server):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    for auth in ({}, {"Authorization": "Bearer wrong"}):
        resp = httpx.post(f"{live_server.url}/mcp", json=body, headers=headers | auth, timeout=30)
        assert resp.status_code == 401
        assert resp.json()["error"].startswith(
            "missing or wrong API key (send Authorization: Bearer KEY"
        )
    with pytest.raises(BaseException):  # noqa: B017 - the SDK wraps the 401 in an ExceptionGroup
        run_http(live_server.url, "wrong", lambda c: c.list_tools())


def test_stdio_command_serves_the_same_tools(live_server, corpus):
    from mcp import StdioServerParameters

    # The SDK passes only this env: the user's HOME, so the model export is found in its cache.
    home = os.environ.get("HOME", str(ROOT))
    env = {**live_server.env, "PATH": os.environ.get("PATH", ""), "HOME": home}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "coopqa.cli", "mcp"], env=env, cwd=str(ROOT)
    )

    async def check(client) -> None:
        await check_tools(client, corpus)
        await check_bad_arguments(client)

    asyncio.run(asyncio.wait_for(_session(params, check), CALL_TIMEOUT_S * 3))
