"""The chat's rendering, conversation state, Facts and Evaluation tabs, and Gradio's own API."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from types import SimpleNamespace

import pytest

from coopqa.answer import Answer, CheckedNumber, Citation
from coopqa.answer.validation import InputError, clean_question
from coopqa.config import Settings
from coopqa.ingest.corpus import Sentence, fold
from coopqa.ingest.titles import document_titles
from coopqa.serve.feedback import FeedbackStore
from coopqa.serve.ui import (
    abbreviations_of,
    accepts_docs,
    ask_scope,
    build_ui,
    citation_view,
    example_questions,
    passage_for,
)
from coopqa.serve.ui_eval import default_run, list_runs, render_run
from coopqa.serve.ui_export import conversation_json, conversation_markdown, write_export
from coopqa.serve.ui_facts import (
    ALL_DOCS,
    document_choices,
    period_label,
    render_facts_html,
    value_label,
)
from coopqa.serve.ui_render import (
    NUMBER_MARKS,
    chip_choices,
    claim_sentence,
    claims,
    find_abbreviations,
    locate_quote,
    plain_markup,
    render_answer_body,
    render_answer_html,
    render_passage_html,
    render_question_html,
    render_streaming_html,
    render_welcome,
    stream_prefixes,
)
from coopqa.serve.ui_state import (
    add_turn,
    answer_id_in,
    export_name,
    find_turn,
    history_of,
    new_conversation,
    set_feedback,
)

from .conftest import CORPUS_DIR

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
EXAMPLES = example_questions(Settings(corpus_dirs=(CORPUS_DIR,)))


def citation_of(passage, n: int = 1, sentence: int = 0) -> Citation:
    s = passage.sentences[sentence]
    return Citation(
        n, passage.doc, passage.passage_id, passage.section, passage.page, s.text, s.start, s.end
    )


@pytest.fixture(scope="module")
def answers(assistant):
    """Real answers from the real pipeline to the example questions shown in the UI."""
    return [assistant.ask(q) for q in EXAMPLES]


def test_examples_come_from_the_corpus_folder():
    assert len(EXAMPLES) >= 3 and all(q.endswith("?") for q in EXAMPLES)
    assert example_questions(Settings(corpus_dirs=(CORPUS_DIR / "missing",))) == []


def test_user_and_answer_text_is_escaped(corpus):
    passage = corpus.passages[3]
    answer = Answer(
        question=HOSTILE,
        answer=f"{HOSTILE} 143 persons [1]",
        abstained=False,
        citations=[citation_of(passage)],
        numbers=[CheckedNumber("143", 143, "verified")],
    )
    for rendered in (render_question_html(HOSTILE), render_answer_html(answer, "a" * 12)):
        assert "<script" not in rendered and "<img" not in rendered
        assert html.escape(HOSTILE) in rendered
    assert html.unescape(re.sub(r"<[^>]+>", "", render_question_html(HOSTILE))) == HOSTILE


def test_markers_become_chips_and_quantities_not_years_carry_marks(corpus):
    passage = corpus.passages[3]
    numbers = [
        CheckedNumber(t, float(t), status)
        for t, status in [
            ("143", "verified"),
            ("2012", "verified"),
            ("4", "derived"),
            ("119", "unverified"),
            ("424", "contradicted"),
            ("2011", "contradicted"),
        ]
    ]
    text = "143 new in FY2012, 4 fewer [1]; 119 returned; 424 in all [2] [1]; FY2011 [7]."
    answer = Answer(
        question="q",
        answer=text.replace("FY2012", "2012").replace("FY2011", "2011"),
        abstained=False,
        citations=[citation_of(passage, 1, 0), citation_of(passage, 2, 2)],
        numbers=numbers,
    )
    aid = "0123456789ab"
    rendered = render_answer_html(answer, aid)
    assert re.findall(r'href="#coop-cite-(\w+)-(\d+)-(\d+)"', rendered) == [
        (aid, "1", "0"),
        (aid, "2", "0"),
        (aid, "1", "1"),
    ]
    assert "[7]" in rendered  # a marker with no citation stays plain text
    assert "2012<sup>" not in rendered and "2012" in rendered  # a verified year stays plain
    assert "2011<sup>✗</sup>" in rendered  # a contradicted year is flagged
    for number in numbers:
        if number.text != "2012":
            assert f"{number.text}<sup>{NUMBER_MARKS[number.status][0]}</sup>" in rendered
    assert rendered.count("<sup>") == 5
    assert answer_id_in(rendered) == aid
    labels = [label for label, _ in chip_choices(answer, aid)]
    assert [v for _, v in chip_choices(answer, aid)] == [f"{aid}:1:0", f"{aid}:2:0", f"{aid}:1:1"]
    section = passage.section.split(" > ")[-1][:20]
    assert labels[0].startswith("[1·1] ") and section in labels[0] and "p. 1" in labels[0]
    assert labels[1].startswith("[2] ")


def marks(answer: Answer) -> dict[str, str]:
    """Each marked number of a rendered answer with its mark."""
    found = re.findall(r"([^<>]+)<sup>(.)</sup>", render_answer_body(answer, "a1"))
    return dict(found)


@pytest.mark.parametrize(
    ("text", "number", "value"),
    [
        ("The act was enacted in April 1994 [1].", "April 1994", 1994),
        ("In FY 2012, it grew [1].", "FY 2012", 2012),
        ("In January 2005, a memorandum was signed [1].", "January 2005", 2005),
        ("Fellows joined the 18th ten months programs [1].", "18th", 18),
        ("Fellows joined the 18th ten months programs [1].", "ten months", 10),
        ("They held a two-week course [1].", "two-week", 2),
        ("It signed a five-year agreement [1].", "five-year", 5),
    ],
)
def test_dates_ordinals_and_lengths_that_name_things_carry_no_mark(text, number, value):
    checked = [CheckedNumber(number, float(value), "verified", "f.1")]
    answer = Answer("q", text, False, [Citation(1, "d", "d:1", "S", 1, "x", 0, 1)], checked)
    assert marks(answer) == {}
    contradicted = [CheckedNumber(number, float(value), "contradicted", "f.1")]
    assert marks(Answer("q", text, False, [], contradicted)) == {number: "✗"}  # still flagged


def test_stated_amounts_are_ticked_and_computed_ones_summed():
    text = "They stayed for ten months in Japan; 1 week: the course; 12 fellows [1]."
    checked = [
        CheckedNumber("ten months", 10.0, "verified", "f.1"),
        CheckedNumber("1 week", 1.0, "verified", "f.2"),
        CheckedNumber("12", 12.0, "derived", "f.3"),
    ]
    answer = Answer("q", text, False, [], checked)
    assert marks(answer) == {"ten months": "✓", "1 week": "✓", "12": "Σ"}


def test_a_derived_figure_is_summed_and_its_stated_inputs_ticked(assistant):
    answer = assistant.ask("How many persons were newly dispatched in FY2011?")
    assert "147" in answer.answer and "143 + 4" in answer.answer, answer.answer
    status = {n.text: n.status for n in answer.numbers}
    assert status == {"147": "derived", "143": "verified", "4": "verified"}
    assert marks(answer) == {"147": "Σ", "143": "✓", "4": "✓"}
    inputs = [assistant.facts.get(n.fact_id) for n in answer.numbers[1:]]
    assert all(f is not None and not f.derived for f in inputs)  # each names its stated fact


def test_each_marker_highlights_the_sentence_behind_its_own_claim():
    text = "Alpha rose to 424 people. Beta fell to 143 people. Gamma stayed at 57 staff."
    sentences = [
        Sentence(m.group(0), 100 + m.start(), 100 + m.end()) for m in re.finditer(r"[^.]+\.", text)
    ]
    sentences = [Sentence(s.text.strip(), s.end - len(s.text.strip()), s.end) for s in sentences]
    passage = SimpleNamespace(text=text, start=100, sentences=sentences, passage_id="d:1")
    first = sentences[0]
    cite = Citation(1, "d", "d:1", "S", 1, first.text, first.start, first.end)
    answer = Answer(
        question="q",
        answer="It rose to 424 [1]. What did decrease: 143 [1]; steady staff: 57 [1].",
        abstained=False,
        citations=[cite],
    )
    spans = [claim_sentence(c, passage, cite) for c in claims(answer).values()]
    assert [text[a - 100 : b - 100] for a, b in spans] == [s.text for s in sentences]
    marked = re.findall(r"<mark>(.*?)</mark>", render_passage_html(cite, passage, spans[1]))
    assert marked == ["Beta fell to 143 people."]
    assert claim_sentence("", passage, cite) == (cite.start, cite.end)


def test_follow_ups_show_how_they_were_understood():
    answer = Answer(question="And in FY2011?", answer="It was 147.", abstained=False)
    assert "Understood as" not in render_answer_html(answer, "a" * 12)
    answer.resolved_question = "How many persons were newly dispatched in FY2011?"
    shown = render_answer_html(answer, "a" * 12)
    assert f"Understood as: {html.escape(answer.resolved_question)}" in shown


def test_markup_in_a_question_is_understood_as_plain_text(assistant):
    assert plain_markup("**bold** [link](https://x.example/a) and *it* `code`") == (
        "bold link and it code"
    )
    assert plain_markup("snake_case, 2*3*4 and 2 * 3") == "snake_case, 2*3*4 and 2 * 3"
    first = "How many persons were newly dispatched in FY2012?"
    typed = "**And** in [FY2011](https://x.example/fy)?"
    answer = assistant.ask(typed, history=[{"role": "user", "content": first}])
    shown = render_answer_html(answer, "b" * 12, follow_up=True)
    understood = re.search(r'coop-understood">Understood as: ([^<]*)<', shown)
    assert understood, shown
    assert not re.search(r"\*\*|\]\(|https?:", understood.group(1)), understood.group(1)
    assert "FY2011" in understood.group(1)


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\x07", "the bell character (U+0007)"),
        ("\x00", "the null character (U+0000)"),
        ("\x1b", "the escape character (U+001B)"),
        ("\x01", "a control character (U+0001)"),
    ],
)
def test_a_control_character_is_named_in_words(char, words):
    with pytest.raises(InputError) as caught:
        clean_question(f"How many{char} persons?")
    message = str(caught.value)
    assert words in message and "\\x" not in message and "control characters" in message


def test_overview_bullets_each_start_a_line():
    answer = Answer(
        question="Give an overview",
        answer="From the headings: • Alpha: “A.” [1] • Beta: “B.” [2]",
        abstained=False,
    )
    shown = render_answer_body(answer, "a" * 12)
    assert shown.count('<br class="coop-bullet">• ') == 2
    assert shown.startswith("From the headings:<br")


def test_abbreviations_defined_in_the_corpus_are_spelled_out_once(corpus):
    found = find_abbreviations([d.text for d in corpus.documents])
    assert found.get("JICA") == "Japan International Cooperation Agency"
    known = abbreviations_of(Settings(corpus_dirs=(CORPUS_DIR,)), corpus)
    assert known["NPA"] == "National Personnel Authority"  # used, never defined: the glossary
    assert known["JICA"] == found["JICA"]
    text = "The Acme Widget Board (AWB) met. Later the AWB met again; so did the AWB."
    assert find_abbreviations(text) == {"AWB": "Acme Widget Board"}
    answer = Answer(question="q", answer="The AWB met twice; the AWB agreed.", abstained=False)
    shown = render_answer_html(answer, "a" * 12, {"AWB": "Acme Widget Board"})
    assert shown.count("(Acme Widget Board)") == 1
    spelled = Answer(question="q", answer="The Acme Widget Board (AWB) met.", abstained=False)
    assert "coop-abbr" not in render_answer_html(spelled, "a" * 12, {"AWB": "Acme Widget Board"})


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


def test_every_chip_of_a_real_answer_marks_corpus_text(assistant, answers, corpus):
    for answer in answers:
        conv, aid = add_turn(None, answer.question, answer.to_dict())
        for _, value in chip_choices(answer, aid):
            view = citation_view(assistant, conv, value)
            marked = re.findall(r"<mark>(.*?)</mark>", view, re.S)
            assert len(marked) == 1 and len(marked[0]) > 10
            assert fold(html.unescape(marked[0])) in fold(corpus.documents[0].text)
    assert "coop-passage-empty" in citation_view(assistant, new_conversation(), "nope:1:0")


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


def test_streamed_prefixes_are_already_rendered_and_carry_no_answer_id(answers):
    for answer in answers:
        for prefix in stream_prefixes(answer.answer):
            shown = render_streaming_html(answer, prefix)
            text = re.sub(r"<[^>]+>", "", shown)
            raw = [
                m
                for m in re.findall(r"\[(\d+)\]", text)
                if int(m) in {c.n for c in answer.citations}
            ]
            assert raw == [], (prefix, shown)  # a marker shows as a chip, never as "[1]"
            assert "coop-streaming" in shown and answer_id_in(shown) is None  # nothing to rate
        final = render_streaming_html(answer, answer.answer)
        assert final.replace(" coop-streaming", "").replace("streaming", "x") == (
            render_answer_html(answer, "x")
        )  # the last prefix looks exactly like the answer


def test_a_conversation_kept_in_the_browser_is_checked_before_use(answers):
    from coopqa.serve.ui_state import conversation_from

    conv = new_conversation()
    for a in answers[:2]:
        conv, aid = add_turn(conv, a.question, a.to_dict())
    conv = set_feedback(conv, aid, 41)
    kept = conversation_from(json.loads(json.dumps(conv)))
    assert [t["question"] for t in kept["turns"]] == [a.question for a in answers[:2]]
    assert [Answer.from_dict(t["answer"]) for t in kept["turns"]] == answers[:2]
    assert all("feedback" not in t for t in kept["turns"])  # never another user's feedback row
    bad_id = {"turns": [{**conv["turns"][0], "id": "<script>"}]}
    bad_answer = {"turns": [{**conv["turns"][0], "answer": {"answer": 1}}]}
    for forged in (None, "x", {"turns": "x"}, bad_id, bad_answer):
        assert conversation_from(forged) is None


def test_conversation_state_names_answers_by_id():
    conv = new_conversation()
    conv, first = add_turn(conv, "q1", {"answer": "a1", "citations": []})
    conv, second = add_turn(conv, "q2", None, "question is empty")
    assert first != second and find_turn(conv, first)["question"] == "q1"
    assert find_turn(new_conversation(), first) is None  # Clear: the old answer is gone
    assert history_of(conv["turns"]) == [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
    ]
    assert find_turn(set_feedback(conv, first, 7), first)["feedback"] == 7
    assert "feedback" not in find_turn(conv, first)  # state is copied, never changed in place
    assert answer_id_in("<div class='x'>no id</div>") is None


def test_export_round_trips_and_is_named_by_date_and_document(answers, tmp_path):
    conv = new_conversation()
    for a in answers:
        conv, _ = add_turn(conv, a.question, a.to_dict())
    conv, _ = add_turn(conv, "???", None, "question is empty")
    turns = conv["turns"]
    data = json.loads(conversation_json(turns))["conversation"]
    assert [Answer.from_dict(t["answer"]) for t in data[:-1]] == answers
    assert data[-1]["error"] == "question is empty" and data[0]["id"] == turns[0]["id"]
    titles = document_titles([CORPUS_DIR])
    markdown = conversation_markdown(turns, titles)
    for answer in answers:
        assert answer.question in markdown and answer.answer in markdown
        for cite in answer.citations:
            assert cite.quote in markdown and f"page {cite.page}" in markdown
            assert cite.passage_id not in markdown  # no internal ids for people to read
            assert f"] {titles[cite.doc]}, " in markdown
    assert json.loads(conversation_json(turns, titles))["documents"] == {
        d: titles[d] for d in {c.doc for a in answers for c in a.citations}
    }
    doc = answers[0].citations[0].doc
    assert export_name(turns, "md", date(2026, 12, 1)) == f"coopqa-{doc}-2026-12-01.md"
    assert export_name([], "json", date(2026, 12, 1)) == "coopqa-conversation-2026-12-01.json"
    path = write_export(turns, "md")
    assert path.endswith(".md") and doc in path and write_export([], "md") is None


def test_facts_tab_groups_by_document_and_subject_with_full_periods(assistant):
    assert period_label("FY2013", "FY1991–FY2013") == "FY1991–FY2013"
    assert period_label("FY2012", "FY2011 to FY2012") == "FY2011–FY2012"
    assert period_label("FY2012", "") == "FY2012" and period_label("", "") == "—"
    assert value_label(12345.0, "persons") == "12,345 persons"
    assert value_label(1991.0, "fiscal year") == "1991 fiscal year"
    facts = assistant.facts.facts
    shown = render_facts_html(facts)
    amounts = [f for f in facts if f.kind not in ("date", "ordinal")]
    assert shown.count("<tr>") == len(amounts) + len({(f.doc, f.subject) for f in amounts})
    for fact in facts:
        if fact.qualifier == "cumulative" and "–" in fact.scope:
            assert html.escape(fact.scope) in shown
    doc = facts[0].doc
    assert render_facts_html(facts, doc) == render_facts_html(facts, ALL_DOCS)
    assert "No fact matches" in render_facts_html(facts, "no-such-document")
    filtered = render_facts_html(facts, ALL_DOCS, "fy1991")
    assert 0 < filtered.count("<tr>") < shown.count("<tr>")
    assert "No fact table" in render_facts_html(None)


def test_facts_tab_shows_amounts_not_dates_or_ordinals_with_units_that_agree(assistant):
    assert value_label(1.0, "consultations") == "1 consultation"
    assert value_label(1, "weeks") == "1 week"
    assert value_label(1, "fiscal years") == "1 fiscal year"
    assert value_label(1, "training courses") == "1 training course"
    assert value_label(1, "agencies") == "1 agency" and value_label(1, "people") == "1 person"
    assert value_label(2, "weeks") == "2 weeks" and value_label(1, "status") == "1 status"
    facts = assistant.facts.facts
    assert {"date", "ordinal"} & {f.kind for f in facts}  # the real table has both kinds
    cells = re.findall(r'class="coop-fact-value">([^<]*)<', render_facts_html(facts))
    assert cells and not [c for c in cells if re.search(r"\b(?:date|ordinal)\b", c)]
    assert not [c for c in cells if re.match(r"1 \w+s\b", c) and not c.endswith("ss")]
    assert not [c for c in cells if re.fullmatch(r"[12],\d{3}( \w+)?", c)]  # no "2,004 date"


def test_documents_are_named_by_title_everywhere_people_read_them(assistant, tmp_path):
    from coopqa.ingest.titles import file_title, first_heading, name_from_file

    assert first_heading("intro line\n# Budget and staff\n## Pay\ntext", markdown=True) == (
        "Budget and staff"
    )
    (tmp_path / "my_report-2012.txt").write_text("no heading at all, just words.\n")
    assert file_title(tmp_path / "my_report-2012.txt") == "My report 2012"
    assert name_from_file("annual-report") == "Annual report"
    pdf = tmp_path / "scan.pdf"
    pdf_with_title(pdf, "Annual Report on Dispatches")
    assert file_title(pdf) == "Annual Report on Dispatches"  # no text: the metadata title

    titles = document_titles([CORPUS_DIR], assistant.documents)
    doc = assistant.documents[0]
    assert titles[doc] != doc and doc not in titles[doc] and titles[doc].strip()
    assert titles[doc] == first_heading(next(CORPUS_DIR.glob(f"{doc}.*")).read_text())
    assert document_choices(assistant, titles) == [(ALL_DOCS, ALL_DOCS), (titles[doc], doc)]
    facts = render_facts_html(assistant.facts.facts, titles=titles)
    assert f"<h3>{html.escape(titles[doc])}</h3>" in facts and f"<h3>{doc}</h3>" not in facts
    answer = assistant.ask("How many persons were newly dispatched in FY2012?")
    conv, aid = add_turn(new_conversation(), answer.question, answer.to_dict())
    view = citation_view(assistant, conv, f"{aid}:1:0", titles)
    assert html.escape(titles[doc]) in view and f">{doc}<" not in view


def test_the_empty_chat_names_each_document_with_what_it_covers(assistant):
    from coopqa.ingest.titles import cover_line, document_outline
    from coopqa.serve.ui import welcome_text

    passages = [
        SimpleNamespace(doc="a", section="Annual Report 2012"),
        SimpleNamespace(doc="a", section="Section 1. Budget > Pay"),
        SimpleNamespace(doc="a", section="Section 1. Budget > Staff"),
        SimpleNamespace(doc="a", section="2. Hiring [new]"),
    ]
    outline = document_outline(passages)
    assert outline == {"a": ["Annual Report 2012", "Section 1. Budget", "2. Hiring [new]"]}
    assert cover_line(outline["a"], "Annual Report 2012") == "Budget; Hiring [new]"
    assert cover_line(["Word " * 60], limit=40).endswith("…")
    shown = render_welcome([("Annual *Report*", "Budget; Hiring [new]")])
    assert "- **Annual \\*Report\\*** — Budget; Hiring \\[new\\]" in shown
    titles = document_titles([CORPUS_DIR], assistant.documents)
    welcome = welcome_text(assistant, titles)
    for doc in assistant.documents:
        assert f"**{titles[doc]}** — " in welcome and doc not in welcome


def pdf_with_title(path, title: str) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_metadata({"/Title": title})
    with open(path, "wb") as out:
        writer.write(out)


def write_run(root, name, files, created, items=3):
    from coopqa.evaluate.report import write_report
    from coopqa.evaluate.results import ConfigRun, EvalReport

    metrics = {"accuracy": 0.9, "hit_at_1": 0.8, "mrr": 0.85, "citation_precision": 0.95}
    run = ConfigRun("shipped", {}, metrics | {"wrong_numbers": 0, "items": items}, [], 1.0, 1.0)
    report = EvalReport(files, items, [], [], [run], created=created)
    write_report(report, root / name)


def test_evaluation_tab_shows_the_project_run_with_a_verdict_and_labels_ad_hoc(tmp_path):
    from coopqa.evaluate.results import latest_report_path

    settings = Settings(data_dir=tmp_path / "data")
    empty = render_run(default_run(list_runs(settings.data_dir)))
    assert "No evaluation run yet" in empty and "Run evaluation" in empty
    assert "coopqa eval" not in empty  # no command line for a person to type
    eval_root = latest_report_path(settings).parent.parent
    write_run(eval_root, "latest", ["eval/chapter8.jsonl"], "2026-11-30T10:00:00+00:00", 128)
    list_runs(settings.data_dir)  # the tab keeps a copy of the run it saw
    write_run(eval_root, "latest", [str(tmp_path / "three.jsonl")], "2026-12-01T09:00:00+00:00")
    runs = list_runs(settings.data_dir)
    assert [r.adhoc for r in runs] == [True, False]  # newest first; the earlier run is kept
    chosen = default_run(runs)
    assert not chosen.adhoc and "project set" in chosen.label and "128 items" in chosen.label
    shown = render_run(chosen)
    assert "2026-11-30 10:00" in shown and "eval/chapter8.jsonl" in shown
    assert "**Verdict:**" in shown and "90% of 128 questions" in shown
    assert "ad-hoc" in runs[0].label and "Ad-hoc run" in render_run(runs[0])


def test_a_run_from_the_tab_reads_as_plain_results_with_failures_listed(assistant, tmp_path):
    from coopqa.serve.ui_eval import project_sets, run_set

    assert "eval/chapter8.jsonl" in [p.replace("\\", "/") for p in project_sets()]
    items = [
        {"id": "a1", "question": "How many persons were newly dispatched in FY2012?",
         "category": "numeric", "answerable": True, "expected_numbers": [143]},
        {"id": "a2", "question": "How many persons were newly dispatched in FY2011?",
         "category": "numeric", "answerable": True, "expected_numbers": [999]},
        {"id": "u1", "question": "What is the weather forecast for Tokyo tomorrow?",
         "category": "out_of_scope", "answerable": False},
    ]  # fmt: skip
    path = tmp_path / "three.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=(CORPUS_DIR,))
    seen: list[tuple[int, int]] = []
    run_set(assistant, settings, str(path), lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]  # a step per question, for the progress bar
    shown = render_run(default_run(list_runs(settings.data_dir)))
    assert "Answered correctly **1 of 2**; refused correctly **1 of 1**" in shown
    assert "wrong numbers shown:" in shown
    visible, technical = shown.split("<details>", 1)
    assert "What went wrong (1)" in visible and "FY2011?" in visible and "999" in visible
    assert "**Got:** 147" in visible
    for term in ("hit@1", "MRR", "retrieval_mode", "false_premise"):
        assert term not in visible  # the developer's terms are folded away
    assert "Verdict:" in technical


def test_document_scope_is_passed_only_when_ask_takes_it(assistant):
    def scoped(question, history=None, docs=None):
        return docs

    assert accepts_docs(SimpleNamespace(ask=scoped))
    assert ask_scope("d1", True) == {"docs": ["d1"]} and ask_scope(ALL_DOCS, True) == {}
    assert ask_scope("d1", False) == {}
    assert accepts_docs(assistant) == ("docs" in assistant.ask.__code__.co_varnames)


def test_ui_builds_around_the_shared_assistant(assistant, shared_settings, tmp_path):
    demo = build_ui(shared_settings, assistant, FeedbackStore(tmp_path / "fb.sqlite3"))
    config = demo.get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {
        "coop-chat",
        "coop-question",
        "coop-chips",
        "coop-passage",
        "coop-feedback",
        "coop-comment",
        "coop-input-error",
        "coop-clear",
        "coop-md",
        "coop-facts",
        "coop-facts-doc",
        "coop-eval",
        "coop-eval-run",
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
    result = client.predict(EXAMPLES[0], api_name="/ask")
    assert not result["abstained"] and result["citations"]
    for cite in result["citations"]:
        source = corpus.document(cite["doc"]).text[cite["start"] : cite["end"]]
        assert fold(source) == fold(cite["quote"])
    follow = client.predict(
        "And in FY2011?", [{"role": "user", "content": EXAMPLES[0]}], api_name="/ask"
    )
    assert follow["answer"].strip()


@pytest.mark.server
def test_gradio_client_errors_are_messages(live_server):
    from gradio_client.exceptions import AppError, AuthenticationError

    with pytest.raises(AuthenticationError):  # the server refuses it at /config already
        client_for(live_server).predict(EXAMPLES[0], api_name="/ask")
    with pytest.raises(AppError, match="question is empty"):
        client_for(live_server, live_server.auth).predict("   ", api_name="/ask")
