"""The embed widget in a real headless Chromium: host pages on other ports include /widget.js."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from coopqa.ingest.corpus import fold
from coopqa.ingest.titles import document_titles
from coopqa.serve.server import free_port

from .server_fixtures import ROOT, WIDGET_PORT
from .test_browser import CHROMIUM, FLAGS, STEP_MS

RED = "rgb(255, 0, 0)"
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
# The host page styles every button and text red: none of it may reach the widget.
HOST_PAGE = """<!doctype html><html><head><title>Intranet</title>
<style>* {{ color: rgb(255, 0, 0) !important; font-family: serif !important; }}
button {{ background: rgb(255, 0, 0) !important; }}</style></head>
<body><h1>Helpdesk</h1><button id="host-button">Host button</button>
<script src="{server}/widget.js" data-key="{key}" defer></script></body></html>"""

pytestmark = pytest.mark.server
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


@contextmanager
def host_page(port: int, html: str) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1:``port`` serving ``html`` at /."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-widget")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        context.set_default_timeout(STEP_MS)
        yield context
        context.close()


def open_and_ask(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    opener = page.locator("#coopqa-widget").get_by_role("button", name="Ask coopqa")
    opener.focus()
    page.keyboard.press("Enter")  # keyboard only: open, type, Enter
    box = page.get_by_label("Your question")
    box.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "coopqa-widget"  # focus is inside
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")


@pytest.mark.browser
@needs_chromium
def test_widget_on_an_allowed_origin_answers_and_opens_a_chip(browser, live_server, corpus):
    html = HOST_PAGE.format(server=live_server.url, key=live_server.key)
    page = browser.new_page()
    with host_page(WIDGET_PORT, html) as url:
        open_and_ask(page, url)
        widget = page.locator("#coopqa-widget")
        answer = widget.locator(".answer")
        answer.wait_for()
        assert "143" in answer.inner_text()
        chip = widget.locator("button.chip").first
        chip.focus()
        page.keyboard.press("Enter")
        quote = widget.locator("blockquote.quote")
        quote.wait_for()
        assert chip.get_attribute("aria-expanded") == "true"
        text = fold(quote.inner_text().split("\n")[0])
        assert len(text) > 20 and text in fold(corpus.documents[0].text)
        doc = corpus.documents[0].doc  # the source line names the document by its title
        where = quote.locator(".where").inner_text()
        assert where.startswith(document_titles([ROOT / "corpus"])[doc]) and doc not in where

        styles = page.evaluate(
            """() => {
              const root = document.querySelector('#coopqa-widget').shadowRoot;
              const look = el => { const s = getComputedStyle(el);
                                   return [s.color, s.backgroundColor, s.fontFamily]; };
              return {button: look(root.querySelector('.open')),
                      label: look(root.querySelector('label')),
                      host: look(document.querySelector('#host-button'))};
            }"""
        )
        for color, background, font in (styles["button"], styles["label"]):
            assert RED not in (color, background) and font.strip() != "serif", styles
        assert styles["host"][:2] == [RED, RED]  # and the page keeps its own styles

        page.keyboard.press("Escape")  # Escape closes the panel, focus returns to the button
        page.get_by_label("Your question").wait_for(state="hidden")
    page.close()


@pytest.mark.browser
@needs_chromium
def test_widget_keeps_the_conversation_clears_the_box_and_chips_the_not_answered_box(
    browser, live_server
):
    html = HOST_PAGE.format(server=live_server.url, key=live_server.key)
    page = browser.new_page()
    with host_page(WIDGET_PORT, html) as url:
        open_and_ask(page, url)
        widget = page.locator("#coopqa-widget")
        box = page.get_by_label("Your question")
        widget.locator(".turn .answer").first.wait_for()
        assert box.input_value() == ""  # ready for the next question
        box.fill("And in FY2011?")
        box.press("Enter")
        widget.locator(".turn .answer").nth(1).wait_for()
        turns = widget.locator(".turn")
        assert turns.count() == 2 and "143" in turns.nth(0).inner_text()  # the first stays
        assert turns.nth(1).locator(".q").inner_text() == "And in FY2011?"
        understood = turns.nth(1).locator(".understood").inner_text()
        assert understood.startswith("Understood as:") and "FY2011" in understood
        assert "147" in turns.nth(1).locator(".answer").inner_text()
        box.fill("How many persons were newly dispatched in FY2015?")
        box.press("Enter")
        refused = widget.locator(".turn .abstain")
        refused.wait_for()
        assert "[1]" not in refused.inner_text()
        chip = refused.locator("button.chip").first
        chip.click()  # a chip like the others
        widget.locator(".turn").nth(2).locator("blockquote.quote").wait_for()
        assert chip.get_attribute("aria-expanded") == "true"
        assert turns.nth(0).locator("blockquote.quote").count() == 0  # its own answer's quotes
    page.close()


@pytest.mark.browser
@needs_chromium
def test_widget_on_an_origin_off_the_list_is_refused(browser, live_server):
    html = HOST_PAGE.format(server=live_server.url, key=live_server.key)
    page = browser.new_page()
    asked = []
    page.on("response", lambda r: asked.append(r.status) if r.url.endswith("/api/ask") else None)
    with host_page(free_port(), html) as url:
        open_and_ask(page, url)
        alert = page.locator("#coopqa-widget").get_by_role("alert")
        alert.wait_for()
        assert "COOPQA_CORS_ORIGINS" in alert.inner_text()
        assert page.locator("#coopqa-widget .answer").count() == 0
    page.close()
    assert 200 not in asked  # the browser never received an answer


def test_widget_script_is_served_as_javascript(live_server):
    resp = httpx.get(f"{live_server.url}/widget.js", timeout=30)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in resp.text and "/api/ask" in resp.text
