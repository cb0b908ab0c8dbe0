"""The answer templates: pure functions, no model, no index."""

from __future__ import annotations

import re

import pytest

from coopqa.answer import Answer, CheckedNumber
from coopqa.answer.overview import overview_request
from coopqa.answer.wording import (
    ELLIPSIS,
    bullets,
    covers,
    does_not_say,
    elide,
    elided_segments,
    heading_words,
    join_items,
    lead_and_quote,
    leans_on_earlier,
    mentions_period,
    not_mentioned,
    quote_cited,
    value_span,
    with_antecedent,
)
from coopqa.facts.phrasing import figure, how_many, it_gives
from coopqa.serve.ui_render import answer_spans

SENTENCE = (
    "As a result, the total number of dispatched personnel was 424 as of the end of FY2012, "
    "an increase of 14 persons from that in FY2011."
)


def numbers_in(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)


# ------------------------------------------------------------------------ a number stated once


def test_the_lead_states_the_figure_and_the_quote_does_not_repeat_it():
    text = lead_and_quote("424 persons", SENTENCE, [(424, False)], 1)
    assert text.startswith("424 persons: “")
    assert numbers_in(text).count("424") == 1
    assert "14 persons" in text  # other figures of the sentence stay
    assert text.endswith("” [1]")
    for piece in elided_segments(text.split("“", 1)[1].rsplit("”", 1)[0]):
        assert piece in SENTENCE  # every word inside the quotation marks is the sentence's


def test_the_unit_and_qualifier_go_with_the_elided_number():
    sentence = "The symposium, which over 120 people attended, had two parts."
    start, end = value_span(sentence, 120)
    assert sentence[start:end] == "over 120 people"
    assert (
        elide(sentence, [(start, end)])
        == f"The symposium, which {ELLIPSIS} attended, had two parts."
    )
    returned = "Meanwhile, 119 persons returned home in FY2012."
    assert (
        elide(returned, [value_span(returned, 119)])
        == f"Meanwhile, {ELLIPSIS} returned home in FY2012."
    )


def test_an_ellipsis_sits_against_following_punctuation():
    assert elide("from FY1986, when it started", [(5, 11)]) == f"from {ELLIPSIS}, when it started"


def test_a_value_the_sentence_does_not_hold_leaves_it_whole():
    assert value_span(SENTENCE, 999) is None
    assert lead_and_quote("999 persons", SENTENCE, [(999, False)], 2).endswith(f"“{SENTENCE}” [2]")


def test_a_year_is_not_taken_for_a_quantity():
    assert value_span("In FY2013, 2 parts were held.", 2013) is None
    assert value_span("In FY2013, 2 parts were held.", 2013, time=True) == (3, 9)
    assert value_span("In FY2013, 2 parts were held.", 2) == (11, 18)


def test_the_period_is_repeated_only_when_the_quote_lacks_it():
    assert mentions_period(SENTENCE, "end of FY2012")
    assert not mentions_period(SENTENCE, "FY2013")
    assert not mentions_period(SENTENCE, "")


# ---------------------------------------------------------------------------- no internal labels


@pytest.mark.parametrize(
    ("value", "measure", "when", "expected"),
    [
        ("143 persons", "newly dispatched", "in FY2012", "143 persons newly dispatched in FY2012"),
        (
            "3 weeks",
            "length of the seminar",
            "in FY2013",
            "3 weeks, the length of the seminar in FY2013",
        ),
        (
            "FY1986",
            "fiscal year the seminar started",
            "",
            "FY1986, the fiscal year the seminar started",
        ),
        (
            "4 persons",
            "decrease in newly dispatched",
            "",
            "a decrease of 4 persons (newly dispatched)",
        ),
        ("14 persons", "increase in on dispatch", "", "an increase of 14 persons (on dispatch)"),
    ],
)
def test_a_figure_is_phrased_from_value_measure_and_period(value, measure, when, expected):
    assert figure(value, measure, when) == expected


def test_a_figure_never_carries_a_subject_label_in_parentheses():
    text = figure("147 persons", "newly dispatched", "in FY2011")
    assert "(" not in text and "…" not in text


# ------------------------------------------------------------------------ grammatical templates


@pytest.mark.parametrize(
    ("unit", "measure", "kind", "expected"),
    [
        ("persons", "newly dispatched", "count", "how many persons were newly dispatched"),
        ("persons", "on dispatch in total", "count", "how many persons were on dispatch in total"),
        (
            "officials",
            "participated in the seminar",
            "count",
            "how many officials participated in the seminar",
        ),
        ("persons", "returned home", "count", "how many persons returned home"),
        (
            "requests",
            "received by the office",
            "count",
            "how many requests were received by the office",
        ),
        ("weeks", "length of the seminar", "duration", "the length of the seminar"),
        ("persons", "decrease in newly dispatched", "count", "the decrease in newly dispatched"),
    ],
)
def test_what_was_asked_reads_as_an_indirect_question(unit, measure, kind, expected):
    assert how_many(unit, measure, kind) == expected


def test_does_not_say_sentences_are_whole_sentences():
    text = does_not_say("chapter", how_many("persons", "newly dispatched"), "in FY2011")
    assert text == "The chapter does not say how many persons were newly dispatched in FY2011."
    assert does_not_say("documents", "this") == "The documents do not say this."


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("budget", "The chapter does not say anything about budgets."),
        ("Salary", "The chapter does not say anything about salaries."),
        ("women", "The chapter does not say anything about women."),
        ("funding", "The chapter does not say anything about funding."),
        ("costs", "The chapter does not say anything about costs."),
    ],
)
def test_an_unmentioned_topic_is_named_as_a_reader_would(topic, expected):
    text = not_mentioned("chapter", topic)
    assert text == expected and " here" not in text


def test_lists_join_like_prose():
    assert join_items(["a"]) == "a"
    assert join_items(["a", "b"]) == "a and b"
    assert join_items(["a", "b", "c"]) == "a, b and c"
    assert it_gives(["10 officials in FY2013", "158 officials in total"]) == (
        "It gives 10 officials in FY2013 and 158 officials in total."
    )
    assert it_gives([]) == ""


# ------------------------------------------------------------------- a quote that leans back


@pytest.mark.parametrize(
    "sentence",
    [
        "This seminar lasted two weeks.",
        "These countries have asked for help.",
        "In addition, it supported the trainees.",
        "The office supported trainees of the program mentioned above.",
        "Officials from these countries attended.",
        "They returned in March.",
        "Such dispatches need consent.",
        "The above-mentioned agreement was renewed.",
    ],
)
def test_a_sentence_that_points_back_is_recognised(sentence):
    assert leans_on_earlier(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The office held a seminar for senior officials.",
        "In FY2013, 9 officials from 9 countries participated.",
        "Thirty officials attended the course this year.",
        "Developing countries face common tasks.",
    ],
)
def test_a_sentence_that_stands_alone_is_not(sentence):
    assert not leans_on_earlier(sentence)


def test_a_leaning_quote_follows_its_antecedent_both_cited():
    text = with_antecedent("The office runs a seminar.", 1, "This seminar lasts a week.", 2)
    assert text == "“The office runs a seminar.” [1] “This seminar lasts a week.” [2]"


# ------------------------------------------------------------------------------------ overview


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("Summarize the chapter in three bullet points", 3),
        ("Summarise this document in 4 points, please", 4),
        ("What is this document about?", None),
        ("Give an overview", None),
        ("Give me an outline of the report", None),
        ("What are the key points?", None),
        ("What does the chapter cover?", None),
    ],
)
def test_summary_requests_are_recognised_with_their_count(question, count):
    request = overview_request(question)
    assert request is not None and request.count == count


@pytest.mark.parametrize(
    "question",
    [
        "Summarise the 2012 figures: new entries, exits and the year-end total.",
        "What is the seminar about?",
        "What is it about?",
        "How many persons returned?",
        "Give an overview of the budget",
    ],
)
def test_a_summary_of_one_topic_is_not_a_document_overview(question):
    assert overview_request(question) is None


def test_overview_of_several_documents_is_asked_in_the_plural():
    assert overview_request("Summarize the documents").all_documents
    assert not overview_request("Summarize the document").all_documents


def test_headings_lose_their_numbering():
    assert heading_words("Section 1. Status of Dispatches") == "Status of Dispatches"
    assert heading_words("2. Cooperation with Others") == "Cooperation with Others"
    assert heading_words("NOTE 5. INVESTMENTS") == "INVESTMENTS"
    assert heading_words("(3) Support for Training") == "Support for Training"
    assert heading_words("Results") == "Results"


def test_bullets_are_one_line_each_marked():
    assert bullets(["a [1]", "b [2]"]) == "• a [1] • b [2]"


# ------------------------------------------------------------- only quantities carry marks


def test_only_quantities_are_marked_years_are_plain_unless_contradicted():
    answer = Answer(
        question="q",
        abstained=False,
        answer="147 persons in FY2011, against 143 in FY2012 and 2010 [1].",
        numbers=[
            CheckedNumber("147", 147, "derived", "x"),
            CheckedNumber("FY2011", 2011, "verified", "x"),
            CheckedNumber("143", 143, "verified", "x"),
            CheckedNumber("FY2012", 2012, "verified", "x"),
            CheckedNumber("2010", 2010, "contradicted", "x"),
        ],
    )
    marked = [answer.answer[s:e] for s, e, kind, _ in answer_spans(answer) if kind == "number"]
    assert marked == ["147", "143", "2010"]


def test_out_of_scope_names_what_the_documents_cover():
    text = covers(
        "chapter", ["Chapter 8. Working Abroad", "Section 1. Dispatches", "Section 1. Dispatches"]
    )
    assert (
        text
        == "The chapter does not say anything about this. It covers Working Abroad and Dispatches."
    )
    assert covers("documents", []) == "The documents do not say anything about this."


def test_the_quote_behind_a_marker_is_found_with_titles_inside_it():
    text = "3 weeks: “The “Big” seminar ran … weeks.” [2] Also [1]."
    start, end = quote_cited(text, 2)
    assert text[:start] + text[end:] == "3 weeks Also [1]."
    assert quote_cited(text, 5) is None
