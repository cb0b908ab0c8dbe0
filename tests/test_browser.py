"""A real headless Chromium (Debian's, driven by Playwright) using the chat on the live server."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from coopqa.corpus import fold
from coopqa.feedback import FeedbackStore, feedback_path

from .server_fixtures import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "screenshot.png"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEP_MS = 30_000  # every wait is bounded; Gradio keeps connections open, so never wait for idle
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(STEP_MS)
        yield context
        context.close()


@pytest.fixture
def page(browser, live_server):
    page = browser.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    if page.locator("#coop-key").count():  # the server requires a key: log in, as a user does
        page.locator("#coop-key").fill(live_server.key)
        page.locator("#coop-login").click()
    page.locator("#coop-question textarea").wait_for(state="visible")
    yield page
    page.close()


def ask(page, text: str) -> None:
    before = page.locator("#coop-chat .bot").count()
    box = page.locator("#coop-question textarea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#coop-chat .bot').length > n"
        " && !document.querySelector('#coop-chat .coop-streaming')",
        arg=before,
        timeout=STEP_MS,
    )


def test_chat_streams_cites_highlights_and_takes_feedback(page, live_server, corpus):
    page.evaluate(
        """() => { window.__partial = 0;
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('#coop-chat .coop-streaming')) {
            if (el.textContent.trim().length > 1) window.__partial += 1;
          }
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    ask(page, QUESTION)
    assert page.evaluate("window.__partial") > 0, "the answer should arrive in pieces"

    answer = page.locator("#coop-chat .bot").last
    assert answer.locator(".coop-answer").count() == 1  # an answer, not an abstention
    assert answer.locator(".coop-num sup").count() > 0  # numbers carry their mark
    chip = answer.locator("a.coop-cite").first
    chip.click()
    mark = page.locator("#coop-passage mark")
    mark.wait_for(state="visible")
    quoted = fold(mark.inner_text())
    assert len(quoted) > 20 and quoted in fold(corpus.documents[0].text)
    head = page.locator("#coop-passage .coop-passage-head").inner_text()
    assert re.search(r"page \d", head) and "Section" in head

    page.locator("#coop-chips label").first.click()  # the chip row below works the same way
    mark.wait_for(state="visible")

    answer.hover()
    page.locator("#coop-chat").get_by_role("button", name="Like").last.click()
    page.locator("#coop-feedback").get_by_text("Thanks for the 👍").wait_for()
    page.locator("#coop-comment textarea").fill("clear and cited")
    page.locator("#coop-save").click()
    page.get_by_text("saved. Thank you!").wait_for()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    store = FeedbackStore(feedback_path(live_server.data_dir))
    rows = [r for r in store.list(50) if r.source == "ui" and r.comment == "clear and cited"]
    assert rows and rows[0].rating == 1 and QUESTION in rows[0].question
    assert rows[0].citations and rows[0].citations[0]["passage_id"].startswith(
        "npa-annual-report-ch8-international-cooperation:"
    )


def test_user_text_is_shown_as_text_never_run(page):
    ask(page, f"{HOSTILE} {QUESTION}")
    user = page.locator("#coop-chat .user").last
    assert HOSTILE in user.inner_text()
    assert page.evaluate("window.__pwned") is None and not page.dialogs
    assert page.locator("#coop-chat script, #coop-chat img[src='x']").count() == 0


def test_abstention_earlier_answers_and_export(page, live_server):
    ask(page, "What is the weather forecast for Tokyo tomorrow?")
    first = page.locator("#coop-chat .bot").first
    assert first.locator(".coop-abstain").count() == 1
    assert "Not answered by the chapter" in first.inner_text()
    assert page.locator("#coop-chips input").count() == 0  # an abstention cites nothing

    for n, example in enumerate(page.locator("#coop-examples button").all()[:2], start=1):
        example.click()  # an example question, one click
        page.locator("#coop-chat .bot").nth(n).locator("a.coop-cite").first.wait_for()
        page.wait_for_function("!document.querySelector('#coop-chat .coop-streaming')")
    page.locator("#coop-chips input[value^='2:']").first.wait_for(state="attached")

    earlier = page.locator("#coop-chat .bot").nth(1).locator(".coop-answer")
    earlier.click(position={"x": 4, "y": 4})  # an earlier answer shows its own sources
    page.locator("#coop-chips input[value^='1:']").first.wait_for(state="attached")

    page.locator("#coop-json").click()
    link = page.locator("#coop-export a").first
    link.wait_for()
    href = link.get_attribute("href")
    assert httpx.get(href, timeout=10).status_code == 401  # an export needs a key or a session
    exported = httpx.get(href, headers=live_server.auth, timeout=10).json()["conversation"]
    assert [t["answer"]["abstained"] for t in exported] == [True, False, False]
    page.locator("#coop-md").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#coop-export a')]"
        ".some(a => a.href.endsWith('conversation.md'))"
    )


def test_facts_and_evaluation_tabs(page):
    page.get_by_role("tab", name="Facts").click()
    table = page.locator("#coop-facts")
    rows = table.locator(".virtual-row[role=row]")  # Gradio 6 renders data rows as divs
    rows.first.wait_for()
    search = table.locator("input[placeholder^='Search']")
    search.fill("fy1991")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        texts = rows.all_inner_texts()
        if texts and all("fy1991" in t.lower() for t in texts):
            break
        time.sleep(0.2)
    assert texts and all("fy1991" in t.lower() for t in texts)
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#coop-eval").get_by_text("coopqa eval").wait_for()
