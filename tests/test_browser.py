"""A real headless Chromium (Debian's, driven by Playwright) using the chat on the live server.

One browser for the module, a desktop (1400×1000) and a phone (390×844) context in it.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest

from coopqa.config import Settings
from coopqa.ingest.corpus import fold
from coopqa.serve.feedback import FeedbackStore, feedback_path
from coopqa.serve.ui import example_questions

from .server_fixtures import ROOT

CHROMIUM = Path("/usr/bin/chromium")
DOCS = ROOT / "docs"
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
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
STEP_MS = 30_000  # every wait is bounded; Gradio keeps connections open, so never wait for idle
QUESTION = "How many persons were newly dispatched to international organizations in FY2012?"
FOLLOW_UP = "And in FY2011?"
OTHER = "What was the total number of dispatched personnel at the end of FY2012?"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
EXAMPLES = example_questions(Settings(corpus_dirs=(ROOT / "corpus",)))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


# The login cookie of the first page, reused by later pages: the server allows only a few
# logins a minute from one address, and these tests open many pages.
SESSION: dict[str, list] = {}


def open_page(browser, live_server, viewport, **extra):
    state = {"cookies": SESSION["cookies"], "origins": []} if SESSION else None
    context = browser.new_context(
        viewport=viewport, accept_downloads=True, storage_state=state, **extra
    )
    context.set_default_timeout(STEP_MS)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    if page.locator("#coop-key").count():  # the server requires a key: log in, as a user does
        page.locator("#coop-key").fill(live_server.key)
        page.locator("#coop-login").click()
    page.locator("#coop-question textarea").wait_for(state="visible")
    page.locator("#coop-chat .placeholder-content").wait_for(state="visible")  # the app is up
    SESSION.setdefault("cookies", context.cookies())  # cookies only: never another page's storage
    return page


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, live_server):
    page = open_page(browser, live_server, PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


FINAL = (
    "#coop-chat .bot .coop-answer:not(.coop-streaming), #coop-chat .bot .coop-abstain,"
    " #coop-chat .bot .coop-error"
)


def finished(page) -> int:
    return page.locator(FINAL).count()


def wait_answer(page, before: int) -> None:
    """Until one more final answer is on screen and nothing is streaming."""
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n"
        " && !document.querySelector('#coop-chat .coop-streaming')",
        arg=[FINAL, before],
        timeout=STEP_MS,
    )


EMPTIED = "() => document.querySelector('#coop-question textarea').value === ''"


def ask(page, text: str):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = finished(page)
    box = page.locator("#coop-question textarea")
    box.fill(text)
    box.press("Enter")
    try:  # asking empties the box at once
        page.wait_for_function(EMPTIED, timeout=8_000)
    except PlaywrightTimeout:  # Gradio drops a submit while the last answer's event completes
        box.press("Enter")
    wait_answer(page, before)
    return page.locator("#coop-chat .bot").last


def feedback_rows(live_server):
    return FeedbackStore(feedback_path(live_server.data_dir)).list(500)


def in_view(page, locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= -1 and box["y"] + min(box["height"], 40) <= height


def test_chat_streams_cites_highlights_and_takes_feedback(page, live_server, corpus):
    page.evaluate(
        """() => { window.__partial = 0;
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('#coop-chat .coop-streaming')) {
            if (el.textContent.trim().length > 1) window.__partial += 1;
          }
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    answer = ask(page, QUESTION)
    assert page.evaluate("window.__partial") > 0, "the answer should arrive in pieces"
    assert answer.locator(".coop-answer").count() == 1  # an answer, not an abstention
    assert answer.locator(".coop-num sup").count() > 0  # quantities carry their mark
    marks = [t.strip() for t in answer.locator(".coop-num").all_inner_texts()]
    assert not any(re.fullmatch(r"(FY)?20\d\d\s*✓", m) for m in marks), marks  # years plain

    mark = page.locator("#coop-passage mark")
    mark.wait_for(state="visible")  # sources open on their own after an answer
    answer.locator("a.coop-cite").first.click()
    quoted = fold(mark.inner_text())
    assert len(quoted) > 20 and quoted in fold(corpus.documents[0].text)
    head = page.locator("#coop-passage .coop-passage-head").inner_text()
    assert re.search(r"page \d", head) and "Section" in head
    label = page.locator("#coop-chips label").first.inner_text()
    assert re.search(r"\[1\S*\] \S.* · p\. \d", label)  # chips name the section and page

    buttons = page.locator("#coop-chat .bot").last.locator("xpath=..").locator("..")
    answer.hover()
    like = page.locator("#coop-chat").get_by_role("button", name="Like", exact=True).last
    dislike = page.locator("#coop-chat").get_by_role("button", name="Dislike", exact=True).last
    assert like.bounding_box()["x"] < dislike.bounding_box()["x"], "👍 comes before 👎"
    like.click()
    page.locator("#coop-feedback").first.get_by_text("Thanks for the 👍").wait_for()
    comment = page.locator("#coop-comment input, #coop-comment textarea").first
    comment.fill("clear and cited")
    comment.press("Enter")  # Enter saves
    page.get_by_text("saved. Thank you!").wait_for()
    fb = page.locator("#coop-feedback").first.bounding_box()
    chat = page.locator("#coop-chat").bounding_box()
    assert 0 <= fb["y"] - (chat["y"] + chat["height"]) < 40  # the comment box sits with the chat
    del buttons
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot.png"), full_page=True)

    rows = [r for r in feedback_rows(live_server) if r.comment == "clear and cited"]
    assert rows and rows[0].rating == 1 and rows[0].question == QUESTION and rows[0].source == "ui"
    doc = corpus.documents[0].doc
    assert rows[0].citations and rows[0].citations[0]["passage_id"].startswith(f"{doc}:")


def test_clear_starts_a_new_conversation_and_thumbs_land_on_the_visible_answer(
    page, live_server, corpus
):
    ask(page, QUESTION)
    page.locator("#coop-clear").click()
    page.wait_for_function("() => document.querySelectorAll('#coop-chat .bot').length === 0")
    page.locator("#coop-passage .coop-passage-empty").wait_for()
    alone = ask(page, FOLLOW_UP)  # no earlier turn any more: not understood as a follow-up
    assert alone.locator(".coop-understood").count() == 0
    assert "147" not in alone.inner_text()

    page.locator("#coop-chat").get_by_role(
        "button", name="Clear", exact=True
    ).click()  # the trash icon
    page.wait_for_function("() => document.querySelectorAll('#coop-chat .bot').length === 0")
    first = ask(page, OTHER)
    follow = ask(page, FOLLOW_UP)
    assert "Understood as:" in follow.inner_text() and "FY2011" in follow.inner_text()
    assert follow.locator(".coop-answer").count() == 1

    before = {r.id for r in feedback_rows(live_server)}
    first.hover()
    page.locator("#coop-chat").get_by_role("button", name="Like", exact=True).first.click()
    page.locator("#coop-feedback").first.get_by_text("answer 1").wait_for()
    new = [r for r in feedback_rows(live_server) if r.id not in before]
    assert len(new) == 1 and new[0].question == OTHER and new[0].rating == 1

    first.locator(".coop-answer").click(position={"x": 4, "y": 4})  # its own sources
    page.wait_for_function("() => [...document.querySelectorAll('#coop-chips input')].length > 0")
    values = page.locator("#coop-chips input").evaluate_all("els => els.map(e => e.value)")
    assert values and len({v.split(":")[0] for v in values}) == 1

    with page.expect_download() as download:
        page.locator("#coop-json").click()  # one click
    name = download.value.suggested_filename
    doc = re.escape(corpus.documents[0].doc)
    assert re.fullmatch(rf"coopqa-{doc}-\d{{4}}-\d\d-\d\d\.json", name), name
    exported = json.loads(Path(download.value.path()).read_text())["conversation"]
    assert [t["question"] for t in exported] == [OTHER, FOLLOW_UP]  # nothing from before Clear


def test_each_chip_marks_the_sentence_behind_its_own_claim(page):
    answer = ask(page, "How many persons were newly dispatched and how many returned in FY2012?")
    chips = answer.locator("a.coop-cite")
    assert chips.count() >= 2
    text = answer.inner_text()
    marked = []
    for i in range(chips.count()):
        chips.nth(i).click()
        page.wait_for_function(
            "v => document.querySelector('#coop-chips input:checked')?.value === v",
            arg=re.sub(
                r"^#coop-cite-(\w+)-(\d+)-(\d+)$", r"\1:\2:\3", chips.nth(i).get_attribute("href")
            ),
        )
        page.wait_for_timeout(300)
        marked.append(page.locator("#coop-passage mark").inner_text())
    claims = re.split(r"\s*\b\d\b\s*(?=\S|$)", text)
    for claim_text, sentence in zip(claims, marked, strict=False):
        numbers = [n for n in re.findall(r"\b\d{2,4}\b", claim_text) if not n.startswith("20")]
        assert all(n in sentence for n in numbers), (claim_text, sentence)
    assert len(set(marked)) >= 2, marked


def test_user_text_is_shown_as_text_never_run(page):
    ask(page, f"{HOSTILE} {QUESTION}")
    user = page.locator("#coop-chat .user").last
    assert HOSTILE in user.inner_text()
    assert page.evaluate("window.__pwned") is None and not page.dialogs
    assert page.locator("#coop-chat script, #coop-chat img[src='x']").count() == 0


def test_input_errors_stay_visible_and_the_box_counts_characters(page):
    box = page.locator("#coop-question textarea")
    assert int(box.get_attribute("maxlength")) == 4000
    box.fill("x" * 50)
    page.locator("#coop-counter-text").get_by_text("50 / 4,000").wait_for()
    box.fill("   ")
    box.press("Enter")
    error = page.locator("#coop-input-error .coop-error")
    error.wait_for()
    time.sleep(11)  # a toast would be gone by now
    assert error.is_visible() and "empty" in error.inner_text()
    box.press_sequentially("How many")  # the error was about the last question, not this one
    error.wait_for(state="hidden")
    box.fill("")
    box.press("Enter")  # the same error again: shown again
    error.wait_for(state="visible")


def paste(page, text: str) -> None:
    """A real paste event carrying ``text`` into the question box."""
    page.locator("#coop-question textarea").focus()
    page.evaluate(
        """text => { const data = new DataTransfer(); data.setData('text/plain', text);
                     document.activeElement.dispatchEvent(new ClipboardEvent('paste',
                       {clipboardData: data, bubbles: true, cancelable: true})); }""",
        text,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_paste_over_the_limit_is_cut_at_a_word_and_says_so(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    words = ("dispatched officials " * 400)[:5000]  # 5,000 characters, a word cut at the end
    box = page.locator("#coop-question textarea")
    paste(page, words)
    note = page.locator("#coop-paste-note")
    note.wait_for(state="visible")
    kept = box.input_value()
    assert 3900 < len(kept) <= 4000 and words.startswith(kept)
    assert kept.split()[-1] in ("dispatched", "officials")  # whole words only
    assert "5,000" in note.inner_text() and "4,000" in note.inner_text()
    page.locator("#coop-counter-text").get_by_text(f"{len(kept):,} / 4,000").wait_for()
    box.fill("")
    note.wait_for(state="hidden")  # an emptied box has nothing cut
    paste(page, words[:3000])  # a paste that fits is the browser's own: no note
    assert note.inner_text() == ""
    page.context.close()


def test_abstention_earlier_answers_and_markdown_export(page, live_server):
    first = ask(page, "What is the weather forecast for Tokyo tomorrow?")
    assert first.locator(".coop-abstain").count() == 1
    assert page.locator("#coop-chips input").count() == 0  # an abstention cites nothing
    examples = page.locator("#coop-examples button")
    for n in (1, 2):
        examples.nth(n - 1).click()  # an example question, one click
        wait_answer(page, n)
    with page.expect_download() as download:
        page.locator("#coop-md").click()
    assert download.value.suggested_filename.endswith(".md")
    text = Path(download.value.path()).read_text()
    assert text.count("\n## ") == 3 and EXAMPLES[0] in text
    href = download.value.url  # fetched with the page's session; without it, refused
    assert httpx.get(href, timeout=10).status_code == 401  # an export needs a key or a session
    assert httpx.get(href, headers=live_server.auth, timeout=10).text == text


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_question_coopqa_cannot_read_gets_a_clear_reply(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    reply = ask(page, "2012年度末の派遣者数は何人ですか？")
    box = reply.locator(".coop-abstain")
    assert box.count() == 1 and "Not answered" in box.inner_text()
    assert "I can only answer questions in English" in box.inner_text()
    assert "英語の質問にのみお答えできます" in box.inner_text()
    assert page.locator("#coop-chips input").count() == 0  # no unrelated quotes
    pasted = ask(page, "The report describes many programmes in detail. " * 20)
    assert "not a question" in pasted.locator(".coop-abstain").inner_text()
    page.context.close()


def test_phone_answer_passage_and_comment_box_are_on_screen(phone, live_server):
    height = PHONE["height"]
    examples = phone.locator("#coop-examples button")
    examples.first.scroll_into_view_if_needed()
    examples.first.tap()
    wait_answer(phone, 0)
    phone.wait_for_timeout(400)
    answer = phone.locator("#coop-chat .bot").last
    assert in_view(phone, answer, height), answer.bounding_box()  # the view follows the answer

    answer.locator("a.coop-cite").first.tap()
    sheet = phone.locator("#coop-side.coop-sheet-open")
    sheet.wait_for()
    mark = phone.locator("#coop-passage mark")
    mark.wait_for(state="visible")
    phone.wait_for_timeout(400)
    assert in_view(phone, mark, height), mark.bounding_box()
    top_of_sheet = sheet.bounding_box()["y"]
    assert answer.bounding_box()["y"] + 30 < top_of_sheet  # the answer stays visible above it
    phone.screenshot(path=str(DOCS / "screenshot-phone.png"))

    phone.locator(".coop-sheet-close").tap()
    phone.wait_for_function("() => !document.querySelector('#coop-side.coop-sheet-open')")
    answer.tap(position={"x": 4, "y": 4})
    phone.locator("#coop-chat").get_by_role("button", name="Like", exact=True).last.tap()
    box = phone.locator("#coop-feedback").first
    box.get_by_text("Thanks for the 👍").wait_for()
    phone.wait_for_timeout(400)
    assert in_view(phone, box, height), box.bounding_box()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


LONG = "What did the NPA do with Vietnam?"  # a long answer: two quotes


def inside(box, viewport) -> bool:
    """A bounding box wholly inside the viewport, on both axes."""
    return (
        box is not None
        and box["x"] >= -1
        and box["y"] >= -1
        and box["x"] + box["width"] <= viewport["width"] + 1
        and box["y"] + box["height"] <= viewport["height"] + 1
    )


def open_sheet(phone, answer) -> None:
    answer.locator("a.coop-cite").first.tap()
    phone.locator("#coop-side.coop-sheet-open").wait_for()
    phone.locator("#coop-passage mark").wait_for(state="visible")
    phone.wait_for_timeout(300)


def sheet_closes(phone) -> None:
    phone.wait_for_function("() => !document.querySelector('#coop-side.coop-sheet-open')")


def test_phone_sheet_fits_the_screen_and_closes_every_way(phone):
    answer = ask(phone, LONG)
    open_sheet(phone, answer)
    sheet = phone.locator("#coop-side.coop-sheet-open")
    close = phone.locator("#coop-side .coop-sheet-close")
    text = phone.locator("#coop-passage .coop-passage-text")
    sheet_box, text_box = sheet.bounding_box(), text.bounding_box()
    assert inside(sheet_box, PHONE), sheet_box
    assert inside(close.bounding_box(), PHONE), close.bounding_box()  # ✕ on screen
    assert text_box["x"] >= 0 and text_box["x"] + text_box["width"] <= PHONE["width"], text_box
    assert phone.evaluate("document.querySelector('#coop-side').scrollWidth") <= PHONE["width"]
    scrolls = phone.evaluate(
        "(() => { const s = document.querySelector('#coop-side');"
        " return s.scrollHeight > s.clientHeight; })()"
    )
    assert scrolls  # a long passage scrolls vertically, in one column
    assert inside(phone.locator("#coop-passage mark").bounding_box() | {"height": 10}, PHONE)

    close.tap()  # ✕
    sheet_closes(phone)
    open_sheet(phone, answer)
    phone.keyboard.press("Escape")  # Escape
    sheet_closes(phone)
    open_sheet(phone, answer)
    phone.locator("#coop-title").tap(position={"x": 5, "y": 5})  # a tap outside it
    sheet_closes(phone)
    open_sheet(phone, answer)
    url = phone.url
    phone.go_back()  # the back gesture closes the sheet and stays on the page
    sheet_closes(phone)
    assert phone.url == url and phone.locator("#coop-chat .bot").count() >= 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_newest_answer_starts_in_view(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    ask(page, QUESTION)
    answer = ask(page, LONG)
    page.wait_for_timeout(400)
    first_line = answer.bounding_box()
    chat = page.locator("#coop-chat").bounding_box()
    assert chat["y"] - 1 <= first_line["y"] <= chat["y"] + chat["height"] - 40, (first_line, chat)
    if first_line["height"] > chat["height"]:  # taller than the chat: its start, not its end
        assert first_line["y"] <= chat["y"] + 60, (first_line, chat)
    assert inside(first_line | {"height": 40}, viewport), first_line  # its first line is on screen
    if viewport is PHONE:  # the bubble uses the screen's width
        assert first_line["width"] >= 0.8 * chat["width"], (first_line, chat)
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_first_screen_names_the_documents_and_shows_examples(browser, live_server, viewport):
    from coopqa.ingest.titles import document_titles

    page = open_page(browser, live_server, viewport)
    welcome = page.locator("#coop-chat .placeholder-content")
    welcome.wait_for()
    for title in document_titles([ROOT / "corpus"]).values():
        line = welcome.locator("li", has_text=title)
        assert line.count() == 1 and len(line.inner_text()) > len(title) + 10  # and what it covers
        assert inside(line.bounding_box(), viewport)
    shown = page.locator("#coop-chat button.example")
    assert 2 <= shown.count() <= 3
    for i in range(shown.count()):
        assert shown.nth(i).inner_text().strip() == EXAMPLES[i]
        assert inside(shown.nth(i).bounding_box(), viewport), i  # seen without scrolling
    assert page.locator("#coop-docs").count() == 0 or not page.locator("#coop-docs").is_visible()
    shown.first.click()  # one click asks it
    wait_answer(page, 0)
    assert page.locator("#coop-chat .user").first.inner_text().strip() == EXAMPLES[0]
    page.context.close()


WATCH_STREAM = """() => {
  window.__stream = {seen: 0, raw: [], thumbs: 0};
  new MutationObserver(() => {
    const part = document.querySelector('#coop-chat .coop-streaming');
    if (!part) return;
    window.__stream.seen += 1;
    const text = part.textContent;
    if (/\\[\\d+\\]/.test(text)) window.__stream.raw.push(text.slice(0, 80));
    const row = part.closest('.message-row');
    const buttons = row && row.nextElementSibling;
    if (buttons && buttons.matches('.message-buttons') && buttons.offsetParent !== null
        && buttons.querySelector('button[aria-label="Like"]')) window.__stream.thumbs += 1;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_streaming_shows_rendered_text_and_thumbs_only_at_the_end(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    page.evaluate(WATCH_STREAM)
    answer = ask(page, LONG)  # a marker mid-answer
    watched = page.evaluate("window.__stream")
    assert watched["seen"] > 2  # it did stream
    assert watched["raw"] == [] and watched["thumbs"] == 0, watched
    assert answer.locator("a.coop-cite").count() >= 1
    page.locator("#coop-chat").get_by_role("button", name="Like", exact=True).last.wait_for()
    page.context.close()


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_accessible_names_order_sizes_and_contrast(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    assert "coopqa" in page.get_by_role("heading", level=1).inner_text()
    answer = ask(page, QUESTION)
    chip = answer.get_by_role("link", name=re.compile(r"^Source 1 ?: .+, page \d+$")).first
    assert chip.bounding_box()["width"] < 40  # it shows only "1"
    order = page.evaluate(
        """() => { const bots = document.querySelectorAll('#coop-chat .message-buttons');
                   const last = bots[bots.length - 1];
                   return [...last.querySelectorAll('button')].map(b => b.getAttribute('aria-label'))
                     .filter(l => /like/i.test(l || '')); }"""
    )
    assert order == ["Like", "Dislike"]  # the page order, which is the tab order
    page.locator("#coop-chat").get_by_role("button", name="Like", exact=True).last.click()
    page.get_by_role("textbox", name="Your comment on this answer").wait_for(state="visible")
    sizes = page.evaluate(
        """() => ['#coop-examples button', '#coop-md', '#coop-json', '#coop-counter-text']
             .map(sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize))"""
    )
    assert min(sizes) >= 14, sizes
    api = page.locator("footer").get_by_text("Use via API").first
    colour = api.evaluate("el => getComputedStyle(el.closest('a, button') || el).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    background = "rgb(255, 255, 255)" if "0, 0, 0, 0" in background else background
    assert contrast(colour, background) >= 4.5, (colour, background)
    page.context.close()


def write_run(data_dir: Path, name: str, files: list[str], created: str, items: int) -> None:
    from coopqa.evaluate.report import write_report
    from coopqa.evaluate.results import ConfigRun, EvalReport

    metrics = {"accuracy": 0.891, "hit_at_1": 0.79, "mrr": 0.87, "citation_precision": 0.96}
    run = ConfigRun("shipped", {}, metrics | {"wrong_numbers": 0, "items": items}, [], 1.0, 1.0)
    write_report(EvalReport(files, items, [], [], [run], created=created), data_dir / "eval" / name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_facts_and_evaluation_tabs(browser, live_server, viewport):
    write_run(
        live_server.data_dir, "runs/early", ["eval/chapter8.jsonl"], "2026-11-27T17:12:00", 128
    )
    write_run(live_server.data_dir, "latest", ["/tmp/three.jsonl"], "2026-12-01T08:00:00", 3)
    page = open_page(browser, live_server, viewport)
    try:
        size = "phone" if viewport is PHONE else "desktop"
        page.get_by_role("tab", name="Facts").click()
        facts = page.locator("#coop-facts")
        facts.locator("tbody tr").first.wait_for()
        font = facts.locator("td").first.evaluate("e => getComputedStyle(e).fontFamily")
        assert "mono" not in font.lower()
        assert facts.locator("h3").count() >= 1 and facts.locator("summary").count() > 3
        page.locator("#coop-facts-filter textarea, #coop-facts-filter input").first.fill("fy1991")
        page.wait_for_function(
            "() => { const r = document.querySelectorAll('#coop-facts tbody tr');"
            " return r.length > 0 && r.length < 10; }"
        )
        rows = facts.locator("tbody tr").all_inner_texts()
        assert rows and all("fy1991" in r.lower() for r in rows)
        assert any("FY1991–FY2013" in r for r in rows)  # the full period, not just "FY2013"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.screenshot(path=str(DOCS / f"facts-{size}.png"))

        page.get_by_role("tab", name="Evaluation").click()
        report = page.locator("#coop-eval")
        report.get_by_text("The project's evaluation").wait_for()
        text = report.inner_text()
        assert "eval/chapter8.jsonl" in text and "2026-11-27 17:12" in text and "128" in text
        assert "Answered correctly: about 89% of 128 questions" in text
        report.locator("summary", has_text="Technical details").click()  # folded away
        report.get_by_text("89% of 128 questions answered correctly").wait_for()
        page.locator("#coop-eval-run input").click()
        page.get_by_role("option", name=re.compile("three.jsonl.*ad-hoc")).click()
        report.get_by_text("Ad-hoc run", exact=True).wait_for()
        if viewport is PHONE:  # the desktop one is taken after a real run, below
            page.screenshot(path=str(DOCS / f"evaluation-{size}.png"))
    finally:
        page.context.close()


def test_api_docs_render_offline_and_docs_leads_there(browser, live_server):
    """Swagger UI draws the API from this server's own files: every other host is cut off."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(STEP_MS)
    outside: list[str] = []

    def only_here(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page = context.new_page()
    page.route("**/*", only_here)
    page.goto(live_server.url + "/docs", wait_until="domcontentloaded")
    assert page.url == live_server.url + "/api/docs"
    title = page.locator(".swagger-ui .info .title")
    title.wait_for(state="visible")
    assert "coopqa helpdesk API" in title.inner_text()
    page.locator(".opblock-summary-path", has_text="/ask").first.wait_for(state="visible")
    assert outside == []
    context.close()


KEPT = "() => localStorage.getItem('coopqa-conversation')"


def kept_settles(page, before) -> str:
    """The conversation kept in the browser's storage once it differs from ``before`` and has
    stayed the same for a while (each save, and each page load, writes it anew)."""
    page.wait_for_function(f"before => ({KEPT})() !== before", arg=before)
    value, same = page.evaluate(KEPT), 0
    for _ in range(40):
        page.wait_for_timeout(250)
        now = page.evaluate(KEPT)
        same = same + 1 if now == value else 0
        value = now
        if same >= 3:
            break
    return value


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_reload_keeps_the_conversation_until_clear(browser, live_server, viewport):
    page = open_page(browser, live_server, viewport)
    ask(page, QUESTION)
    first = kept_settles(page, None)
    ask(page, FOLLOW_UP)
    kept_settles(page, first)
    page.reload(wait_until="domcontentloaded")
    bots = page.locator("#coop-chat .bot .coop-answer")
    bots.nth(1).wait_for()
    assert "143" in bots.nth(0).inner_text() and "147" in bots.nth(1).inner_text()
    assert page.locator("#coop-chat .coop-understood").count() == 1  # the follow-up, as before
    bots.nth(1).locator("a.coop-cite").first.click()  # its chips still open its sources
    page.locator("#coop-passage mark").wait_for()
    ask(page, OTHER)  # and the conversation goes on from it
    assert page.locator("#coop-chat .bot .coop-answer").count() == 3
    page.wait_for_timeout(1000)
    third = kept_settles(page, None)
    page.locator("#coop-clear").click()
    page.locator("#coop-chat .placeholder-content").wait_for()
    kept_settles(page, third)
    page.reload(wait_until="domcontentloaded")
    page.locator("#coop-chat .placeholder-content").wait_for()
    page.wait_for_timeout(1000)
    assert page.locator("#coop-chat .bot").count() == 0  # Clear forgot it
    page.context.close()


def test_running_the_evaluation_from_the_tab(page):
    """Last in the file: its run becomes the newest one, which the tab test above does not expect."""
    page.get_by_role("tab", name="Evaluation").click()
    page.evaluate(
        """() => { window.__progress = [];
             new MutationObserver(() => { const t = document.body.innerText.match(
               /Question \\d+ of \\d+/); if (t) window.__progress.push(t[0]); })
             .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    page.locator("#coop-eval-start").click()
    report = page.locator("#coop-eval")
    line = report.get_by_text(re.compile(r"Answered correctly \d+ of \d+; refused correctly"))
    line.wait_for(timeout=120_000)
    text = report.inner_text()
    assert "eval/chapter8.jsonl" in text and "wrong numbers shown:" in text
    assert "quality bar" in text and "hit@1" not in text and "MRR" not in text
    if "What went wrong" in text:
        assert report.get_by_text("Expected:").first.is_visible()
    assert page.evaluate("window.__progress.length") > 0  # a progress bar counted the questions
    page.screenshot(path=str(DOCS / "evaluation-desktop.png"))  # a real run, in plain words
