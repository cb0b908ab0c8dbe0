"""The Gradio chat: streamed answers, citation chips, number marks, feedback, facts, eval tabs.

Rendering is pure functions over ``Answer`` (escaped text, HTML built here); ``build_ui`` wires them
to Gradio components. Only verified final text is ever streamed.
"""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData / gr.LikeData hints.
import atexit
import html
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .answer import Answer, Citation
from .config import Settings
from .feedback import MAX_COMMENT_CHARS
from .validation import InputError, clean_question

log = logging.getLogger("coopqa.ui")

EXAMPLE_QUESTIONS = (
    "How many persons were newly dispatched to international organizations in FY2012?",
    "What was the total number of dispatched personnel at the end of FY2012?",
    "Whom did the NPA invite in FY2013?",
    "How many officials have taken part in the Seminar for Senior Officials since FY1991?",
    "How many persons were newly dispatched in FY2015?",
)

NUMBER_MARKS = {
    "verified": ("✓", "verified: matches the fact table or a cited quote"),
    "derived": ("Σ", "derived: computed from stated facts"),
    "unverified": ("?", "unverified: not found in the fact table or the cited quotes"),
    "contradicted": ("✗", "contradicted: the report states a different value"),
}
LEGEND = (
    "Numbers: **✓** verified against the report · **Σ** derived from stated facts · "
    "**?** unverified · **✗** contradicts the report. Click a source chip to see its passage."
)
NO_SOURCE = '<div class="coop-passage-empty">Click a source chip to see the cited passage.</div>'
ERROR_MESSAGE = "Sorry, something went wrong while answering. Please try again."
STREAM_CHUNKS = 24
STREAM_DELAY_S = 0.02

UI_CSS = """
.coop-answer, .coop-question { white-space: pre-wrap; }
.coop-abstain { border-left: 4px solid #d97706; background: #fffbeb; color: #78350f;
  padding: .5em .75em; border-radius: 6px; }
.coop-abstain-title { font-weight: 600; display: block; margin-bottom: .25em; }
.coop-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #7f1d1d;
  padding: .5em .75em; border-radius: 6px; }
.coop-correction { border-left: 4px solid #2563eb; background: #eff6ff; padding: .35em .6em;
  margin-bottom: .4em; border-radius: 6px; }
a.coop-cite { display: inline-block; min-width: 1.4em; padding: 0 .35em; margin: 0 .1em;
  border-radius: 999px; background: #e0e7ff; color: #3730a3 !important; font-size: .8em;
  font-weight: 600; text-align: center; text-decoration: none !important; cursor: pointer; }
.coop-num sup { font-weight: 700; font-size: .8em; margin-left: .1em; }
.coop-num-verified sup { color: #15803d; }
.coop-num-derived sup { color: #1d4ed8; }
.coop-num-unverified sup { color: #b45309; }
.coop-num-contradicted sup { color: #b91c1c; }
.coop-num-unverified, .coop-num-contradicted { text-decoration: underline dotted; }
#coop-chips .wrap label { border-radius: 999px !important; }
.coop-passage-head { font-size: .9em; color: #475569; margin-bottom: .4em; }
.coop-passage mark { background: #fde68a; padding: 0 .1em; }
.coop-passage-text { line-height: 1.5; }
"""

UI_HEAD = r"""
<script>
(() => {
  // Inline [n] chips in an answer pick the matching source chip below the chat.
  function pick(value, tries) {
    const input = document.querySelector('#coop-chips input[value="' + CSS.escape(value) + '"]');
    if (input) { input.click(); return; }
    if (tries > 0) setTimeout(() => pick(value, tries - 1), 150);
  }
  document.addEventListener('click', (ev) => {
    // Gradio's sanitizer drops data-* attributes, so the chip's href carries "turn-n".
    const chip = ev.target.closest ? ev.target.closest('a.coop-cite') : null;
    const m = chip ? /#coop-cite-(\d+)-(\d+)$/.exec(chip.getAttribute('href') || '') : null;
    if (!m) return;
    ev.preventDefault();
    pick(m[1] + ':' + m[2], 20);
  }, true);
})();
</script>
"""


# ---------------------------------------------------------------- rendering (pure)


def esc(text: str) -> str:
    """HTML-escape user or corpus text so nothing in it is ever interpreted as markup."""
    return html.escape(text, quote=True)


def render_question_html(question: str) -> str:
    """The user's message exactly as typed, as text."""
    return f'<div class="coop-question">{esc(question)}</div>'


def render_partial_html(text: str) -> str:
    """A streamed prefix of the (already verified) answer, as plain text."""
    return f'<div class="coop-answer coop-streaming">{esc(text)}</div>'


def render_error_html(message: str) -> str:
    return f'<div class="coop-error"><strong>⚠</strong> {esc(message)}</div>'


def _number_pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.,])" + re.escape(text) + r"(?![\w]|[.,]\d)")


def answer_spans(answer: Answer) -> list[tuple[int, int, str, Any]]:
    """Non-overlapping (start, end, kind, payload) spans of citation markers and checked numbers."""
    text = answer.answer
    known = {c.n for c in answer.citations}
    spans: list[tuple[int, int, str, Any]] = []
    for m in re.finditer(r"\[(\d{1,3})\]", text):
        if int(m.group(1)) in known:
            spans.append((m.start(), m.end(), "cite", int(m.group(1))))
    taken = [(s, e) for s, e, _, _ in spans]
    pos = 0
    for number in answer.numbers:
        if not number.text:
            continue
        found = None
        for m in _number_pattern(number.text).finditer(text, pos):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                found = m
                break
        if found is None:
            continue
        spans.append((found.start(), found.end(), "number", number))
        taken.append((found.start(), found.end()))
        pos = found.end()
    return sorted(spans, key=lambda s: s[0])


def render_answer_body(answer: Answer, turn: int) -> str:
    """Escaped answer text with [n] markers as chips and numbers carrying their check mark."""
    text = answer.answer
    out: list[str] = []
    pos = 0
    for start, end, kind, payload in answer_spans(answer):
        out.append(esc(text[pos:start]))
        if kind == "cite":
            cite = next(c for c in answer.citations if c.n == payload)
            title = f"{cite.section} · page {cite.page}"
            out.append(
                f'<a class="coop-cite" href="#coop-cite-{turn}-{payload}" '
                f'title="{esc(title)}">{payload}</a>'
            )
        else:
            mark, meaning = NUMBER_MARKS.get(payload.status, ("?", payload.status))
            out.append(
                f'<span class="coop-num coop-num-{esc(payload.status)}" title="{esc(meaning)}">'
                f"{esc(text[start:end])}<sup>{mark}</sup></span>"
            )
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def render_answer_html(answer: Answer, turn: int) -> str:
    """The final answer message: abstentions look different from answers."""
    body = render_answer_body(answer, turn)
    notes = "".join(
        f'<div class="coop-correction"><strong>Correction:</strong> {esc(c)}</div>'
        for c in answer.corrections
    )
    if answer.abstained:
        return (
            f'<div class="coop-abstain">{notes}'
            '<span class="coop-abstain-title">ⓘ Not answered by the chapter</span>'
            f"{body}</div>"
        )
    return f'<div class="coop-answer">{notes}{body}</div>'


def stream_prefixes(text: str, chunks: int = STREAM_CHUNKS) -> Iterator[str]:
    """Growing prefixes of ``text`` cut at word boundaries, about ``chunks`` of them."""
    words = re.findall(r"\S+\s*", text)
    step = max(1, -(-len(words) // max(1, chunks)))
    for i in range(step, len(words), step):
        yield "".join(words[:i])
    yield text


def chip_choices(answer: Answer | None, turn: int) -> list[tuple[str, str]]:
    """(label, value) pairs for the source chips of one answer; value is "turn:n"."""
    if answer is None:
        return []
    return [(f"[{c.n}] p. {c.page}", f"{turn}:{c.n}") for c in answer.citations]


def locate_quote(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Span of ``quote`` in ``text`` allowing any whitespace between words; nearest to ``near``."""
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    matches = list(pattern.finditer(text))
    if not matches:
        pattern = re.compile(pattern.pattern, re.IGNORECASE)
        matches = list(pattern.finditer(text))
    if not matches:
        return None
    best = min(matches, key=lambda m: abs(m.start() - near) if near is not None else 0)
    return best.start(), best.end()


def render_passage_html(citation: Citation, passage: Any | None) -> str:
    """The cited passage with the quoted span in <mark>, its heading path and page."""
    head = (
        f'<div class="coop-passage-head"><strong>[{citation.n}]</strong> '
        f'<span class="coop-section">{esc(citation.section or "(no heading)")}</span> · '
        f'<span class="coop-page">page {citation.page}</span> · '
        f"<code>{esc(citation.passage_id)}</code></div>"
    )
    text = getattr(passage, "text", None) or citation.quote
    near = citation.start - passage.start if passage is not None else None
    span = locate_quote(text, citation.quote, near)
    if span is None:
        body = f"{esc(text)}<p><em>Quoted:</em> <mark>{esc(citation.quote)}</mark></p>"
    else:
        a, b = span
        body = f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"
    return (
        f'<div class="coop-passage" data-passage="{esc(citation.passage_id)}">{head}'
        f'<div class="coop-passage-text">{body}</div></div>'
    )


def conversation_markdown(turns: Sequence[dict[str, Any]]) -> str:
    """A conversation as Markdown: each question, its answer and its numbered sources."""
    lines = ["# coopqa conversation", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {turn['question']}", ""]
        data = turn.get("answer")
        if data is None:
            lines += [f"_Error: {turn.get('error') or 'no answer'}_", ""]
            continue
        answer = Answer.from_dict(data)
        prefix = "_Not answered by the chapter._ " if answer.abstained else ""
        lines += [prefix + answer.answer, ""]
        for c in answer.citations:
            lines.append(f'- [{c.n}] {c.section}, page {c.page} ({c.passage_id}): "{c.quote}"')
        flagged = [n for n in answer.numbers if n.status not in ("verified", "derived")]
        for n in flagged:
            lines.append(f"- number {n.text}: {n.status}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def conversation_json(turns: Sequence[dict[str, Any]]) -> str:
    """A conversation as JSON: a list of {question, answer (the Answer JSON shape) or error}."""
    items = [
        {"question": t["question"], "answer": t.get("answer"), "error": t.get("error")}
        for t in turns
    ]
    return json.dumps({"conversation": items}, ensure_ascii=False, indent=2)


def history_of(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The answered turns as ask() history."""
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("answer") is not None:
            history.append({"role": "user", "content": turn["question"]})
            history.append({"role": "assistant", "content": turn["answer"]["answer"]})
    return history


def evaluation_markdown(settings: Settings) -> str:
    """The latest evaluation report, or how to produce one."""
    missing = "No evaluation run yet — run `coopqa eval eval/chapter8.jsonl`."
    try:
        from .evaluation import latest_report_path
    except ImportError:
        return missing
    try:
        path = latest_report_path(settings)
    except Exception as exc:  # a broken report must not break the page
        log.warning("cannot locate evaluation report: %r", exc)
        return missing
    if path is None or not Path(path).is_file():
        return missing
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    if Path(path).suffix.lower() == ".json":
        text = f"```json\n{text.strip()}\n```"
    return f"_Report: `{Path(path).name}`_\n\n{text}"


def passage_for(assistant: Any, citation: Citation) -> Any | None:
    """The full passage a citation points into, or None when it cannot be found."""
    lookup = getattr(assistant, "passage", None)
    if callable(lookup):
        try:
            return lookup(citation.passage_id)
        except (KeyError, LookupError, ValueError):
            return None
    corpus = getattr(assistant, "corpus", None)
    for passage in getattr(corpus, "passages", None) or []:
        if passage.passage_id == citation.passage_id:
            return passage
    return None


FACT_COLUMNS = {  # shown column -> relative width; other fields stay in GET /api/facts
    "id": 13,
    "subject": 15,
    "measure": 13,
    "value": 6,
    "unit": 6,
    "period": 7,
    "derived": 5,
    "formula": 10,
    "page": 4,
    "quote": 21,
}


def fact_table_frame(assistant: Any) -> tuple[list[str], list[list[str]], list[str] | None]:
    """Headers, rows and column widths for the Facts tab."""
    from .api import fact_rows

    rows = fact_rows(getattr(assistant, "facts", None))
    if not rows:
        return ["fact"], [["No fact table is loaded."]], None
    keys = list(dict.fromkeys(k for row in rows for k in row))
    headers = [k for k in FACT_COLUMNS if k in keys] or keys
    widths = None
    if all(h in FACT_COLUMNS for h in headers):
        total = sum(FACT_COLUMNS[h] for h in headers)
        widths = [f"{100 * FACT_COLUMNS[h] / total:.1f}%" for h in headers]

    def cell(v: Any) -> str:
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, bool):
            return "yes" if v else ""
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

    return headers, [[cell(row.get(h, "")) for h in headers] for row in rows], widths


EXPORT_TTL_S = 600  # an export only has to live until the browser has fetched it


def export_root() -> Path:
    """This process's export folder; removed at exit, its old exports pruned at each export."""
    root = Path(tempfile.gettempdir()) / f"coopqa-exports-{os.getpid()}"
    if not root.exists():
        root.mkdir(mode=0o700)
        atexit.register(shutil.rmtree, root, True)
    return root


def prune_exports(root: Path, max_age_s: float = EXPORT_TTL_S) -> None:
    cutoff = time.time() - max_age_s
    for folder in root.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def write_export(turns: Sequence[dict[str, Any]], fmt: str, root: Path | None = None) -> str:
    """Write the conversation to a fresh file under ``root`` and return its path."""
    root = root or export_root()
    prune_exports(root)
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=root))
    if fmt == "json":
        path = folder / "conversation.json"
        path.write_text(conversation_json(turns), encoding="utf-8")
    else:
        path = folder / "conversation.md"
        path.write_text(conversation_markdown(turns), encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------- Gradio wiring


def build_ui(settings: Settings, assistant: Any, store: Any) -> Any:
    """The Gradio Blocks app sharing ``assistant`` and the feedback ``store`` with the API."""
    import gradio as gr

    from .security import Guard

    guard = Guard(settings.api_keys)

    def respond(question: str, chat: list, turns: list) -> Iterator[tuple]:
        chat, turns = list(chat or []), list(turns or [])
        try:
            question = clean_question(question)
        except InputError as exc:
            gr.Warning(str(exc))
            yield gr.update(), chat, turns, gr.update(), gr.update(), gr.update()
            return
        turn = len(turns)
        chat += [
            {"role": "user", "content": render_question_html(question)},
            {"role": "assistant", "content": render_partial_html("…")},
        ]
        yield "", chat, turns, gr.update(choices=[], value=None), NO_SOURCE, -1
        record: dict[str, Any] = {"question": question, "answer": None, "error": None}
        try:
            answer = assistant.ask(question, history=history_of(turns))
        except InputError as exc:
            record["error"] = str(exc)
            chat[-1] = {"role": "assistant", "content": render_error_html(str(exc))}
            yield "", chat, turns + [record], gr.update(choices=[], value=None), NO_SOURCE, -1
            return
        except Exception as exc:
            log.exception("answering %r failed: %r", question[:200], exc)
            record["error"] = ERROR_MESSAGE
            chat[-1] = {"role": "assistant", "content": render_error_html(ERROR_MESSAGE)}
            yield "", chat, turns + [record], gr.update(choices=[], value=None), NO_SOURCE, -1
            return
        for prefix in stream_prefixes(answer.answer):
            if prefix == answer.answer:
                break
            chat[-1] = {"role": "assistant", "content": render_partial_html(prefix)}
            yield gr.update(), chat, turns, gr.update(), gr.update(), gr.update()
            time.sleep(STREAM_DELAY_S)
        record["answer"] = answer.to_dict()
        chat[-1] = {"role": "assistant", "content": render_answer_html(answer, turn)}
        choices = chip_choices(answer, turn)
        chips = gr.update(choices=choices, value=None, visible=bool(choices))
        yield gr.update(), chat, turns + [record], chips, NO_SOURCE, turn

    def show_citation(value: str | None, turns: list) -> str:
        if not value or ":" not in value:
            return NO_SOURCE
        t, n = value.split(":", 1)
        try:
            data = turns[int(t)]["answer"]
            cite = next(c for c in Answer.from_dict(data).citations if c.n == int(n))
        except (ValueError, IndexError, KeyError, TypeError, StopIteration):
            return NO_SOURCE
        return render_passage_html(cite, passage_for(assistant, cite))

    def select_turn(turns: list, shown: int, evt: gr.SelectData) -> tuple:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turn = index // 2
        if turn == shown or not 0 <= turn < len(turns) or turns[turn].get("answer") is None:
            return gr.update(), gr.update(), shown
        choices = chip_choices(Answer.from_dict(turns[turn]["answer"]), turn)
        return gr.update(choices=choices, value=None, visible=bool(choices)), NO_SOURCE, turn

    def rate(turns: list, rated: dict, target: dict, evt: gr.LikeData) -> tuple:
        """Store a thumbs up/down at once; reveal the comment box in the same update."""
        unchanged = (rated, gr.update(), gr.update(), gr.update(), target)
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turn = index // 2
        if evt.liked in (True, "Like"):
            rating = 1
        elif evt.liked in (False, "Dislike"):
            rating = -1
        else:
            return unchanged
        if not 0 <= turn < len(turns) or turns[turn].get("answer") is None:
            gr.Info("Only answers can be rated.")
            return unchanged
        data = turns[turn]["answer"]
        rated = dict(rated or {})
        try:
            if str(turn) in rated:
                store.update(rated[str(turn)], rating=rating)
            else:
                rated[str(turn)] = store.add(
                    rating,
                    question=turns[turn]["question"],
                    answer=data["answer"],
                    citations=data.get("citations", []),
                    source="ui",
                )
        except Exception as exc:
            log.exception("storing feedback failed: %r", exc)
            gr.Warning("Could not save your feedback; please try again.")
            return unchanged
        thumb = "👍" if rating > 0 else "👎"
        note = f"Thanks for the {thumb} on answer {turn + 1}. Add a comment (optional):"
        keep = target.get("id") == rated[str(turn)] if target else False
        return (
            rated,
            gr.update(visible=True),
            note,
            gr.update() if keep else "",  # a comment being typed for this answer stays
            {"turn": turn, "id": rated[str(turn)]},
        )

    def save_comment(comment: str, target: dict) -> tuple:
        if not target:
            return gr.update(), gr.update()
        if not (comment or "").strip():
            gr.Info("Type a comment first.")
            return gr.update(), gr.update()
        try:
            store.update(target["id"], comment=comment)
        except InputError as exc:
            gr.Warning(str(exc))
            return gr.update(), gr.update()
        except Exception as exc:
            log.exception("storing a comment failed: %r", exc)
            gr.Warning("Could not save your comment; please try again.")
            return gr.update(), gr.update()
        return f"Comment on answer {target['turn'] + 1} saved. Thank you!", ""

    def export(turns: list, fmt: str) -> Any:
        if not turns:
            gr.Info("Nothing to export yet.")
            return gr.update()
        return gr.update(value=write_export(turns, fmt), visible=True)

    def api_ask(question: str, history: list | None = None, request: gr.Request = None) -> dict:
        """Ask a question; returns the answer dict (the Answer JSON shape)."""
        headers = {k.lower(): v for k, v in request.headers.items()} if request else {}
        if guard.required and guard.key_for(headers) is None:  # the server's check, once more
            raise gr.Error("missing or wrong API key (send Authorization: Bearer KEY)")
        try:
            return assistant.ask(question, history=history or []).to_dict()
        except InputError as exc:
            raise gr.Error(str(exc)) from exc

    headers, rows, widths = fact_table_frame(assistant)
    private = {"api_visibility": "private"}

    # Gradio's cached copies of exports go after an hour, and all of them at shutdown.
    with gr.Blocks(
        title="coopqa — NPA Chapter 8: International Cooperation", delete_cache=(600, 3600)
    ) as demo:
        turns = gr.State([])
        shown = gr.State(-1)  # the turn whose sources the chips show
        rated = gr.State({})
        target = gr.State({})
        gr.Markdown(
            "## coopqa — Chapter 8 “International Cooperation”, NPA annual report\n"
            "Every sentence cites its passage; every number is checked against the report."
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(
                            label="Conversation",
                            elem_id="coop-chat",
                            height=460,
                            feedback_options=("Like", "Dislike"),
                            buttons=["copy_all"],
                            latex_delimiters=[],
                            placeholder="Ask about Chapter 8 of the NPA annual report.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                label="Question",
                                elem_id="coop-question",
                                placeholder="e.g. How many persons were dispatched in FY2012?",
                                max_lines=4,
                                scale=5,
                            )
                            send = gr.Button("Ask", variant="primary", elem_id="coop-send")
                        gr.Markdown(LEGEND, elem_id="coop-legend")
                        gr.Markdown("**Examples**")
                        with gr.Row(elem_id="coop-examples"):
                            examples = [
                                gr.Button(q, size="sm", variant="secondary")
                                for q in EXAMPLE_QUESTIONS
                            ]
                    with gr.Column(scale=2):
                        chips = gr.Radio(
                            choices=[],
                            label="Sources of the selected answer",
                            elem_id="coop-chips",
                            interactive=True,
                        )
                        passage = gr.HTML(NO_SOURCE, elem_id="coop-passage")
                        with gr.Group(visible=False, elem_id="coop-feedback") as feedback_box:
                            feedback_note = gr.Markdown()
                            comment = gr.Textbox(
                                label="Comment (optional)",
                                elem_id="coop-comment",
                                max_length=MAX_COMMENT_CHARS,
                                max_lines=4,
                            )
                            save = gr.Button("Save comment", size="sm", elem_id="coop-save")
                        with gr.Row():
                            export_md = gr.Button("Export Markdown", size="sm", elem_id="coop-md")
                            export_js = gr.Button("Export JSON", size="sm", elem_id="coop-json")
                        exported = gr.File(
                            label="Exported conversation",
                            elem_id="coop-export",
                            interactive=False,
                            visible=False,
                            height=90,
                        )
            with gr.Tab("Facts", id="facts"):
                gr.Markdown("Stated and derived facts, each with the quote it rests on.")
                gr.Dataframe(
                    value=rows,
                    headers=headers,
                    column_widths=widths,
                    show_search="search",
                    interactive=False,
                    wrap=True,
                    max_height=640,
                    elem_id="coop-facts",
                )
            with gr.Tab("Evaluation", id="evaluation"):
                report = gr.Markdown(elem_id="coop-eval")
                refresh = gr.Button("Reload report", size="sm")

        outputs = [question, chat, turns, chips, passage, shown]
        question.submit(respond, [question, chat, turns], outputs, **private)
        send.click(respond, [question, chat, turns], outputs, **private)
        for button in examples:
            button.click(respond, [button, chat, turns], outputs, **private)
        chips.change(show_citation, [chips, turns], passage, **private)
        chat.select(select_turn, [turns, shown], [chips, passage, shown], **private)
        chat.like(
            rate,
            [turns, rated, target],
            [rated, feedback_box, feedback_note, comment, target],
            **private,
        )
        save.click(save_comment, [comment, target], [feedback_note, comment], **private)
        export_md.click(lambda t: export(t, "md"), [turns], exported, **private)
        export_js.click(lambda t: export(t, "json"), [turns], exported, **private)
        refresh.click(lambda: evaluation_markdown(settings), None, report, **private)
        demo.load(lambda: evaluation_markdown(settings), None, report, **private)
        gr.api(api_ask, api_name="ask")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo
