"""The chat's rendering (escaping, chips, number marks, highlights, export) and Gradio's own API."""

from __future__ import annotations

import html
import json
import re

import pytest

from coopqa.answer import Answer, CheckedNumber, Citation
from coopqa.corpus import fold
from coopqa.feedback import FeedbackStore
from coopqa.ui import (
    EXAMPLE_QUESTIONS,
    NUMBER_MARKS,
    build_ui,
    chip_choices,
    conversation_json,
    conversation_markdown,
    evaluation_markdown,
    fact_table_frame,
    history_of,
    locate_quote,
    passage_for,
    render_answer_html,
    render_passage_html,
    render_question_html,
    stream_prefixes,
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def citation_of(passage, n: int = 1, sentence: int = 0) -> Citation:
    s = passage.sentences[sentence]
    return Citation(
        n, passage.doc, passage.passage_id, passage.section, passage.page, s.text, s.start, s.end
    )


@pytest.fixture(scope="module")
def answers(assistant):
    """Real answers from the real pipeline to the example questions shown in the UI."""
    return [assistant.ask(q) for q in EXAMPLE_QUESTIONS]


def test_user_and_answer_text_is_escaped(corpus):
    passage = corpus.passages[3]
    answer = Answer(
        question=HOSTILE,
        answer=f"{HOSTILE} 143 persons [1]",
        abstained=False,
        citations=[citation_of(passage)],
        numbers=[CheckedNumber("143", 143, "verified")],
    )
    for rendered in (render_question_html(HOSTILE), render_answer_html(answer, 0)):
        assert "<script" not in rendered and "<img" not in rendered
        assert html.escape(HOSTILE) in rendered
    assert html.unescape(re.sub(r"<[^>]+>", "", render_question_html(HOSTILE))) == HOSTILE


def test_citation_markers_become_chips_and_numbers_carry_marks(corpus):
    passage = corpus.passages[3]
    numbers = [
        CheckedNumber(t, float(t), status)
        for t, status in [
            ("143", "verified"),
            ("4", "derived"),
            ("119", "unverified"),
            ("424", "contradicted"),
        ]
    ]
    text = "143 new, 4 fewer [1]; 119 returned; 424 in all [2]; see [7]."
    answer = Answer(
        question="q",
        answer=text,
        abstained=False,
        citations=[citation_of(passage, 1, 0), citation_of(passage, 2, 2)],
        numbers=numbers,
    )
    rendered = render_answer_html(answer, turn=5)
    assert re.findall(r'href="#coop-cite-(\d+)-(\d+)"', rendered) == [("5", "1"), ("5", "2")]
    assert "[7]" in rendered  # a marker with no citation stays plain text
    for number in numbers:
        mark, _ = NUMBER_MARKS[number.status]
        assert f'coop-num-{number.status}"' in rendered
        assert f"{number.text}<sup>{mark}</sup>" in rendered
    assert rendered.count("<sup>") == len(numbers)  # the "1" inside "[1]" is not a number
    assert chip_choices(answer, 5) == [("[1] p. 1", "5:1"), ("[2] p. 1", "5:2")]


def test_abstention_looks_different(corpus):
    base = dict(question="q", citations=[], numbers=[])
    abstained = render_answer_html(
        Answer(answer="The chapter does not say.", abstained=True, **base), 0
    )
    answered = render_answer_html(Answer(answer="It says so.", abstained=False, **base), 0)
    assert 'class="coop-abstain"' in abstained and "Not answered by the chapter" in abstained
    assert "coop-abstain" not in answered and 'class="coop-answer"' in answered


def test_passage_view_highlights_exactly_the_quote(assistant, answers, corpus):
    cited = [(a, c) for a in answers for c in a.citations]
    assert cited, "the example questions should produce citations"
    for _, cite in cited:
        passage = passage_for(assistant, cite)
        assert passage is not None and passage.passage_id == cite.passage_id
        view = render_passage_html(cite, passage)
        marked = re.findall(r"<mark>(.*?)</mark>", view, re.S)
        assert len(marked) == 1
        source = corpus.document(cite.doc).text[cite.start : cite.end]
        assert fold(html.unescape(marked[0])) == fold(source)
        assert html.escape(cite.section) in view and f"page {cite.page}" in view


def test_quote_is_found_across_line_breaks_and_nearest_the_offset():
    text = "alpha beta gamma. alpha beta gamma."
    assert locate_quote(text, "alpha\n  beta gamma.", near=17) == (18, 35)
    assert locate_quote(text, "alpha beta", near=0) == (0, 10)
    assert locate_quote(text, "delta") is None


def test_streaming_only_grows_toward_the_final_text(answers):
    for answer in answers:
        prefixes = list(stream_prefixes(answer.answer))
        assert prefixes[-1] == answer.answer and len(prefixes) <= 30
        assert all(answer.answer.startswith(p) for p in prefixes)
        assert all(len(a) < len(b) for a, b in zip(prefixes, prefixes[1:], strict=False))


def test_export_round_trips(answers):
    turns = [{"question": a.question, "answer": a.to_dict(), "error": None} for a in answers]
    turns.append({"question": "???", "answer": None, "error": "question is empty"})
    data = json.loads(conversation_json(turns))["conversation"]
    assert [Answer.from_dict(t["answer"]) for t in data[:-1]] == answers
    assert data[-1]["error"] == "question is empty"
    markdown = conversation_markdown(turns)
    for answer in answers:
        assert answer.question in markdown and answer.answer in markdown
        for cite in answer.citations:
            assert cite.quote in markdown and f"page {cite.page}" in markdown
    assert len(history_of(turns)) == 2 * len(answers)


def test_evaluation_tab_shows_the_latest_report_or_how_to_make_one(shared_settings, tmp_path):
    from coopqa.evaluation import latest_report_path

    settings = shared_settings.with_(data_dir=tmp_path / "eval-data")
    assert "No evaluation run yet" in evaluation_markdown(settings)
    path = latest_report_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text("# Evaluation\n\n| metric | value |\n|---|---|\n| accuracy | 0.93 |\n")
    shown = evaluation_markdown(settings)
    assert "accuracy | 0.93" in shown and path.name in shown


def test_facts_tab_lists_every_fact(assistant):
    headers, rows, widths = fact_table_frame(assistant)
    assert len(rows) == len(assistant.facts.facts)
    assert all(len(row) == len(headers) for row in rows)
    assert "quote" in headers and "value" in headers
    assert widths is None or len(widths) == len(headers)
    quotes = [row[headers.index("quote")] for row in rows]
    assert all(isinstance(q, str) for q in quotes) and any(quotes)


def test_ui_builds_around_the_shared_assistant(assistant, shared_settings, tmp_path):
    demo = build_ui(shared_settings, assistant, FeedbackStore(tmp_path / "fb.sqlite3"))
    config = demo.get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {
        "coop-chat",
        "coop-question",
        "coop-chips",
        "coop-passage",
        "coop-facts",
        "coop-eval",
    } <= ids


# ---------------------------------------------------------------- Gradio's API, live


def client_for(live_server, headers=None):
    from gradio_client import Client

    return Client(
        live_server.url,
        headers=headers,
        verbose=False,
        analytics_enabled=False,
        download_files=False,
    )


@pytest.mark.server
def test_gradio_client_asks_with_a_key(live_server, corpus):
    client = client_for(live_server, live_server.auth)
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {
        "/ask"
    }
    result = client.predict(EXAMPLE_QUESTIONS[0], api_name="/ask")
    assert not result["abstained"] and result["citations"]
    for cite in result["citations"]:
        source = corpus.document(cite["doc"]).text[cite["start"] : cite["end"]]
        assert fold(source) == fold(cite["quote"])
    follow = client.predict(
        "And in FY2011?", [{"role": "user", "content": EXAMPLE_QUESTIONS[0]}], api_name="/ask"
    )
    assert follow["answer"].strip()


@pytest.mark.server
def test_gradio_client_errors_are_messages(live_server):
    from gradio_client.exceptions import AppError, AuthenticationError

    with pytest.raises(AuthenticationError):  # the server refuses it at /config already
        client_for(live_server).predict(EXAMPLE_QUESTIONS[0], api_name="/ask")
    with pytest.raises(AppError, match="question is empty"):
        client_for(live_server, live_server.auth).predict("   ", api_name="/ask")
