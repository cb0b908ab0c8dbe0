"""The Gradio chat: one conversation state per session that every control reads.

Rendering lives in ui_render (answers), ui_facts (Facts tab) and ui_eval (Evaluation tab); the
conversation itself in ui_state. ``build_ui`` only wires them to Gradio components.
"""

# No `from __future__ import annotations`: Gradio reads the gr.SelectData / gr.LikeData hints.
import inspect
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..answer import Answer
from ..answer.validation import InputError, clean_question
from ..config import MAX_QUESTION_CHARS, Settings
from ..ingest.titles import cover_line, document_outline, document_titles, title_of
from .feedback import MAX_COMMENT_CHARS
from .ui_assets import UI_CSS, UI_HEAD
from .ui_eval import default_run, list_runs, project_sets, render_run, run_set
from .ui_export import write_export
from .ui_facts import ALL_DOCS, document_choices, render_facts_html
from .ui_render import (
    chip_choices,
    claim_sentence,
    claims,
    find_abbreviations,
    render_answer_html,
    render_error_html,
    render_partial_html,
    render_passage_html,
    render_question_html,
    render_streaming_html,
    render_welcome,
    stream_prefixes,
)
from .ui_state import (
    add_turn,
    answer_id_in,
    conversation_from,
    find_turn,
    history_of,
    new_conversation,
    set_feedback,
)

__all__ = ["UI_CSS", "UI_HEAD", "abbreviations_of", "build_ui", "example_questions"]

log = logging.getLogger("coopqa.serve.ui")

LEGEND = (
    "Numbers: **✓** stated in the report · **Σ** computed from stated facts · "
    "**?** unverified · **✗** contradicts the report (dates and ordinals stay plain). "
    "Click a source chip to see its passage."
)
NO_SOURCE = '<div class="coop-passage-empty">Click a source chip to see the cited passage.</div>'
ERROR_MESSAGE = "Sorry, something went wrong while answering. Please try again."
EXAMPLES_FILE = "examples.json"  # {"examples": ["question", ...]} beside the documents
GLOSSARY_FILE = "abbreviations.json"  # {"abbreviations": {"ABBR": "Full name"}}: reviewed
STREAM_DELAY_S = 0.02
FIRST_EXAMPLES = 3  # examples in the empty chat, seen without scrolling on a phone too


def _corpus_json(settings: Settings, name: str, key: str) -> Any:
    """``key`` of the first readable ``<corpus dir>/name`` JSON file, or None."""
    for folder in settings.corpus_dirs:
        path = Path(folder) / name
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")).get(key)
            except (OSError, ValueError, AttributeError) as exc:
                log.warning("cannot read %s: %r", path, exc)
    return None


def example_questions(settings: Settings) -> list[str]:
    """Example questions from ``<corpus>/examples.json``; none when there is no such file."""
    found = _corpus_json(settings, EXAMPLES_FILE, "examples") or []
    return [str(q) for q in found if str(q).strip()][:8]


def abbreviations_of(settings: Settings, corpus: Any) -> dict[str, str]:
    """Abbreviations the documents define, plus the reviewed ``abbreviations.json`` ones."""
    found = find_abbreviations([d.text for d in getattr(corpus, "documents", ())])
    glossary = _corpus_json(settings, GLOSSARY_FILE, "abbreviations") or {}
    if isinstance(glossary, dict):
        found.update({str(k): str(v) for k, v in glossary.items() if k not in found})
    return found


def passage_for(assistant: Any, citation: Any) -> Any | None:
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


def citation_view(
    assistant: Any, conv: dict | None, value: str | None, titles: dict[str, str] | None = None
) -> str:
    """The passage behind one source chip ("answer id:n:k"), its claim's sentence marked."""
    parts = (value or "").split(":")
    turn = find_turn(conv, parts[0]) if len(parts) == 3 else None
    if turn is None or turn.get("answer") is None:
        return NO_SOURCE
    answer = Answer.from_dict(turn["answer"])
    try:
        n, k = int(parts[1]), int(parts[2])
        cite = next(c for c in answer.citations if c.n == n)
    except (ValueError, StopIteration):
        return NO_SOURCE
    passage = passage_for(assistant, cite)
    span = claim_sentence(claims(answer).get((n, k), ""), passage, cite) if passage else None
    return render_passage_html(cite, passage, span, title_of(cite.doc, titles))


def chat_messages(conv: dict, abbreviations: dict[str, str] | None = None) -> list[dict]:
    """The chat's messages for a conversation (to show one kept across a reload)."""
    messages = []
    for i, turn in enumerate(conv["turns"]):
        messages.append({"role": "user", "content": render_question_html(turn["question"])})
        if turn.get("answer") is None:
            shown = render_error_html(turn.get("error") or ERROR_MESSAGE)
        else:
            answer = Answer.from_dict(turn["answer"])
            shown = render_answer_html(answer, turn["id"], abbreviations, follow_up=i > 0)
        messages.append({"role": "assistant", "content": shown})
    return messages


def passages_of(assistant: Any) -> list[Any]:
    """The passages the assistant answers from (its index, or its corpus when it has one)."""
    found = getattr(getattr(assistant, "searcher", None), "passages", None)
    if found is None:
        found = getattr(getattr(assistant, "corpus", None), "passages", None)
    return list(found or [])


def welcome_text(assistant: Any, titles: dict[str, str]) -> str:
    """The empty chat names each document by title, with one line on what it covers."""
    outline = document_outline(passages_of(assistant))
    docs = list(getattr(assistant, "documents", None) or outline)
    return render_welcome(
        [(title_of(d, titles), cover_line(outline.get(d, []), title_of(d, titles))) for d in docs]
    )


def accepts_docs(assistant: Any) -> bool:
    """Whether Assistant.ask takes a ``docs`` scope (the document picker is shown only then)."""
    try:
        return "docs" in inspect.signature(assistant.ask).parameters
    except (TypeError, ValueError):
        return False


def ask_scope(doc: str | None, supported: bool) -> dict[str, Any]:
    """ask() keyword arguments for the picked document; all documents means no scope."""
    return {"docs": [doc]} if supported and doc and doc != ALL_DOCS else {}


# ---------------------------------------------------------------- Gradio wiring


def build_ui(settings: Settings, assistant: Any, store: Any) -> Any:
    """The Gradio Blocks app sharing ``assistant`` and the feedback ``store`` with the API."""
    import gradio as gr

    from .security import Guard

    guard = Guard(settings.api_keys)
    corpus = getattr(assistant, "corpus", None)
    abbreviations = abbreviations_of(settings, corpus)
    scoped = accepts_docs(assistant)
    fact_list = getattr(getattr(assistant, "facts", None), "facts", None)
    examples_text = example_questions(settings)
    titles = document_titles(settings.corpus_dirs, getattr(assistant, "documents", None) or [])

    def chips_for(conv: dict, aid: str, pick_first: bool) -> tuple[Any, str]:
        turn = find_turn(conv, aid)
        data = turn.get("answer") if turn else None
        choices = chip_choices(Answer.from_dict(data), aid) if data else []
        value = choices[0][1] if choices and pick_first else None
        view = citation_view(assistant, conv, value, titles) if value else NO_SOURCE
        return gr.update(choices=choices, value=value, visible=bool(choices)), view

    def exports(conv: dict) -> tuple[Any, Any]:
        turns = conv["turns"] if conv else []
        return tuple(
            gr.update(value=write_export(turns, fmt, titles=titles), interactive=bool(turns))
            for fmt in ("md", "json")
        )

    def respond(question: str, doc: str, chat: list, conv: dict | None) -> Iterator[tuple]:
        conv = conv or new_conversation()
        chat = list(chat or [])
        keep = (gr.update(),) * 5  # chips, passage, shown, markdown export, json export
        try:
            question = clean_question(question)
        except InputError as exc:  # stays on screen under the box until the next question
            yield (
                gr.update(),
                chat,
                conv,
                *keep,
                gr.update(value=render_error_html(str(exc)), visible=True),
            )
            return
        chat += [
            {"role": "user", "content": render_question_html(question)},
            {"role": "assistant", "content": render_partial_html("…")},
        ]
        yield "", chat, conv, *keep, gr.update(value="", visible=False)
        try:
            answer = assistant.ask(
                question, history=history_of(conv["turns"]), **ask_scope(doc, scoped)
            )
        except Exception as exc:
            message = str(exc) if isinstance(exc, InputError) else ERROR_MESSAGE
            if not isinstance(exc, InputError):
                log.exception("answering %r failed: %r", question[:200], exc)
            conv, _ = add_turn(conv, question, None, message)
            chat[-1] = {"role": "assistant", "content": render_error_html(message)}
            yield "", chat, conv, *keep[:3], *exports(conv), gr.update()
            return
        follow_up = bool(history_of(conv["turns"]))
        for prefix in stream_prefixes(answer.answer):
            if prefix == answer.answer:
                break
            shown = render_streaming_html(answer, prefix, abbreviations, follow_up)
            chat[-1] = {"role": "assistant", "content": shown}
            yield gr.update(), chat, conv, *keep, gr.update()
            time.sleep(STREAM_DELAY_S)
        conv, aid = add_turn(conv, question, answer.to_dict())
        html = render_answer_html(answer, aid, abbreviations, follow_up)
        chat[-1] = {"role": "assistant", "content": html}
        chips_update, view = chips_for(conv, aid, pick_first=True)  # sources open on their own
        yield gr.update(), chat, conv, chips_update, view, aid, *exports(conv), gr.update()

    def respond_example(doc: str, chat: list, conv: dict | None, evt: gr.SelectData) -> Iterator:
        """An example shown in the empty chat, asked at one click."""
        value = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
        yield from respond(value, doc, chat, conv)

    def restore(data: Any) -> tuple:
        """The conversation kept in this browser, shown again after a reload."""
        conv = conversation_from(data)
        if not conv or not conv["turns"]:
            return gr.update(), gr.update(), gr.update(), gr.update()
        return chat_messages(conv, abbreviations), conv, *exports(conv)

    def clear() -> tuple:
        """A new conversation: nothing of the old one stays reachable from any control."""
        conv = new_conversation()
        return (
            [],
            conv,
            gr.update(choices=[], value=None, visible=False),
            NO_SOURCE,
            "",
            *exports(conv),
            gr.update(value="", visible=False),
            gr.update(visible=False),
            "",
            "",
        )

    def show_citation(value: str | None, conv: dict) -> str:
        return citation_view(assistant, conv, value, titles)

    def select_answer(conv: dict, shown: str, evt: gr.SelectData) -> tuple:
        aid = answer_id_in(evt.value)
        if not aid or aid == shown or find_turn(conv, aid) is None:
            return gr.update(), gr.update(), shown
        chips_update, view = chips_for(conv, aid, pick_first=False)
        return chips_update, view, aid

    def rate(conv: dict, target: str, evt: gr.LikeData) -> tuple:
        """Store a 👍/👎 against the answer the thumb belongs to, by its id; open the comment box."""
        unchanged = (conv, gr.update(), gr.update(), gr.update(), target)
        rating = {True: 1, "Like": 1, False: -1, "Dislike": -1}.get(evt.liked)
        aid = answer_id_in(evt.value)
        turn = find_turn(conv, aid)
        if rating is None:
            return unchanged
        if turn is None or turn.get("answer") is None:
            gr.Info("Only answers in this conversation can be rated.")
            return unchanged
        data = turn["answer"]
        try:
            if turn.get("feedback"):
                store.update(turn["feedback"], rating=rating)
                feedback_id = turn["feedback"]
            else:
                feedback_id = store.add(
                    rating,
                    question=turn["question"],
                    answer=data["answer"],
                    citations=data.get("citations", []),
                    source="ui",
                )
        except Exception as exc:
            log.exception("storing feedback failed: %r", exc)
            gr.Warning("Could not save your feedback; please try again.")
            return unchanged
        number = [t["id"] for t in conv["turns"]].index(aid) + 1
        thumb = "👍" if rating > 0 else "👎"
        note = f"Thanks for the {thumb} on answer {number}. Add a comment (Enter saves):"
        return (
            set_feedback(conv, aid, feedback_id),
            gr.update(visible=True),
            note,
            gr.update() if target == aid else "",  # a comment being typed for it stays
            aid,
        )

    def save_comment(comment: str, conv: dict, target: str) -> tuple:
        turn = find_turn(conv, target)
        if turn is None or not turn.get("feedback"):
            return "That answer is no longer in this conversation.", gr.update()
        if not (comment or "").strip():
            return "Type a comment first, then press Enter.", gr.update()
        try:
            store.update(turn["feedback"], comment=comment)
        except InputError as exc:
            return str(exc), gr.update()
        except Exception as exc:
            log.exception("storing a comment failed: %r", exc)
            return "Could not save your comment; please try again.", gr.update()
        number = [t["id"] for t in conv["turns"]].index(target) + 1
        return f"Comment on answer {number} saved. Thank you!", ""

    def api_ask(question: str, history: list | None = None, request: gr.Request = None) -> dict:
        """Ask a question; returns the answer dict (the Answer JSON shape)."""
        headers = {k.lower(): v for k, v in request.headers.items()} if request else {}
        if guard.required and guard.key_for(headers) is None:  # the server's check, once more
            raise gr.Error("missing or wrong API key (send Authorization: Bearer KEY)")
        try:
            return assistant.ask(question, history=history or []).to_dict()
        except InputError as exc:
            raise gr.Error(str(exc)) from exc

    def eval_choices() -> tuple[Any, str]:
        runs = list_runs(settings.data_dir)
        chosen = default_run(runs)
        choices = [(r.label, str(r.path)) for r in runs]
        value = str(chosen.path) if chosen else None
        return gr.update(choices=choices, value=value), render_run(chosen)

    bar = gr.Progress()  # Gradio fills in the caller's own progress bar

    def eval_start(path: str | None, progress: gr.Progress = bar) -> tuple[Any, str]:
        """Run a question set through the shared assistant, with a progress bar, and show it."""
        if not path or path not in project_sets():  # only the project's own sets, by name
            return gr.update(), "Pick a question set first."

        def step(done: int, total: int) -> None:
            progress(done / max(total, 1), desc=f"Question {done} of {total}")

        try:
            run_set(assistant, settings, path, step)
        except Exception as exc:
            log.exception("evaluation of %s failed: %r", path, exc)
            return gr.update(), f"The evaluation could not run: {exc}"
        return eval_choices()

    def eval_show(path: str | None) -> str:
        runs = {str(r.path): r for r in list_runs(settings.data_dir)}
        return render_run(runs.get(path or ""))

    private = {"api_visibility": "private"}
    docs = document_choices(assistant, titles)

    # Gradio's cached copies of exports go after an hour, and all of them at shutdown.
    with gr.Blocks(title="coopqa — cited answers from reports", delete_cache=(600, 3600)) as demo:
        conv_state = gr.State(None)  # the conversation: see ui_state
        # A copy in the browser's storage until Clear, so a reload keeps the conversation.
        kept = gr.BrowserState(None, storage_key="coopqa-conversation")
        shown = gr.State("")  # the answer id whose sources the chips show
        target = gr.State("")  # the answer id the comment box belongs to
        gr.Markdown(
            "# coopqa — cited answers from reports\n"
            "Every sentence cites its passage; every number is checked against the report.",
            elem_id="coop-title",
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(elem_id="coop-layout"):
                    with gr.Column(scale=3, elem_id="coop-main"):
                        picker = gr.Dropdown(
                            docs,
                            value=ALL_DOCS,
                            label="Documents",
                            elem_id="coop-docs",
                            visible=scoped and len(docs) > 2,  # "All documents" and 2+
                        )
                        chat = gr.Chatbot(
                            label="Conversation",
                            elem_id="coop-chat",
                            height=460,
                            feedback_options=("Like", "Dislike"),
                            buttons=["copy_all"],
                            latex_delimiters=[],
                            placeholder=welcome_text(assistant, titles),
                            examples=[{"text": q} for q in examples_text[:FIRST_EXAMPLES]],
                            autoscroll=False,  # the page script keeps an answer's start in view
                        )
                        with gr.Group(visible=False, elem_id="coop-feedback") as feedback_box:
                            feedback_note = gr.Markdown(elem_id="coop-feedback-note")
                            with gr.Row(equal_height=True):
                                comment = gr.Textbox(
                                    label="Your comment on this answer",
                                    show_label=False,
                                    placeholder="What was good or wrong? (Enter saves)",
                                    elem_id="coop-comment",
                                    max_length=MAX_COMMENT_CHARS,
                                    max_lines=1,
                                    scale=5,
                                )
                                save = gr.Button("Save", size="sm", elem_id="coop-save", scale=1)
                        input_error = gr.HTML("", elem_id="coop-input-error", visible=False)
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                label="Question",
                                elem_id="coop-question",
                                placeholder="Type a question about the reports; Enter asks.",
                                max_lines=4,
                                max_length=MAX_QUESTION_CHARS,
                                scale=5,
                            )
                            with gr.Column(scale=1, min_width=90):
                                send = gr.Button("Ask", variant="primary", elem_id="coop-send")
                                new = gr.Button("Clear", size="sm", elem_id="coop-clear")
                        gr.HTML(
                            f'<div id="coop-counter-text">0 / {MAX_QUESTION_CHARS:,}</div>'
                            '<div id="coop-paste-note" role="status" aria-live="polite"></div>',
                            elem_id="coop-counter",
                        )
                        gr.Markdown(LEGEND, elem_id="coop-legend")
                        with gr.Row(elem_id="coop-examples", visible=bool(examples_text)):
                            examples = [
                                gr.Button(q, size="sm", variant="secondary") for q in examples_text
                            ]
                    with gr.Column(scale=2, elem_id="coop-side"):
                        chips = gr.Radio(
                            choices=[],
                            label="Sources of the selected answer",
                            elem_id="coop-chips",
                            interactive=True,
                            visible=False,
                        )
                        passage = gr.HTML(NO_SOURCE, elem_id="coop-passage")
                        with gr.Row():
                            export_md = gr.DownloadButton(
                                "Export Markdown", size="sm", elem_id="coop-md", interactive=False
                            )
                            export_js = gr.DownloadButton(
                                "Export JSON", size="sm", elem_id="coop-json", interactive=False
                            )
            with gr.Tab("Facts", id="facts"):
                with gr.Row():
                    facts_doc = gr.Dropdown(
                        docs, value=ALL_DOCS, label="Document", elem_id="coop-facts-doc"
                    )
                    facts_filter = gr.Textbox(
                        label="Filter",
                        placeholder="words, e.g. a measure or a year",
                        elem_id="coop-facts-filter",
                    )
                facts = gr.HTML(render_facts_html(fact_list, titles=titles), elem_id="coop-facts")
            with gr.Tab("Evaluation", id="evaluation"):
                sets = project_sets()
                with gr.Row():
                    eval_set = gr.Dropdown(
                        sets,
                        value=sets[0] if sets else None,
                        label="Question set",
                        elem_id="coop-eval-set",
                        scale=4,
                    )
                    run_eval_button = gr.Button(
                        "Run evaluation", variant="primary", elem_id="coop-eval-start", scale=1
                    )
                with gr.Row():
                    run_picker = gr.Dropdown([], label="Run", elem_id="coop-eval-run", scale=4)
                    refresh = gr.Button("Reload", size="sm", scale=1)
                report = gr.Markdown(elem_id="coop-eval")

        outputs = [question, chat, conv_state, chips, passage, shown, export_md, export_js]
        outputs.append(input_error)
        inputs = [question, picker, chat, conv_state]
        asked = [
            question.submit(respond, inputs, outputs, **private),
            send.click(respond, inputs, outputs, **private),
            *(
                button.click(respond, [button, picker, chat, conv_state], outputs, **private)
                for button in examples
            ),
            chat.example_select(respond_example, [picker, chat, conv_state], outputs, **private),
        ]
        cleared = [chat, conv_state, chips, passage, shown, export_md, export_js, input_error]
        cleared += [feedback_box, feedback_note, target]
        asked += [
            chat.clear(clear, None, cleared, **private),
            new.click(clear, None, cleared, **private),
        ]
        for event in asked:  # keep (or, after Clear, forget) the conversation in the browser
            event.then(lambda conv: conv, conv_state, kept, **private)
        demo.load(restore, kept, [chat, conv_state, export_md, export_js], **private)
        chips.change(show_citation, [chips, conv_state], passage, **private)
        chat.select(select_answer, [conv_state, shown], [chips, passage, shown], **private)
        chat.like(
            rate,
            [conv_state, target],
            [conv_state, feedback_box, feedback_note, comment, target],
            **private,
        ).then(None, js="() => window.coopShowFeedback && window.coopShowFeedback()")
        save.click(save_comment, [comment, conv_state, target], [feedback_note, comment], **private)
        comment.submit(
            save_comment, [comment, conv_state, target], [feedback_note, comment], **private
        )
        for control in (facts_doc, facts_filter):
            control.change(
                lambda d, q: render_facts_html(fact_list, d, q, titles),
                [facts_doc, facts_filter],
                facts,
                **private,
            )
        run_picker.input(eval_show, run_picker, report, **private)
        refresh.click(eval_choices, None, [run_picker, report], **private)
        run_eval_button.click(eval_start, eval_set, [run_picker, report], **private)
        demo.load(eval_choices, None, [run_picker, report], **private)
        gr.api(api_ask, api_name="ask")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo
