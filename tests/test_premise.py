"""A rise or fall the question takes for granted, against the changes a hand-made report states
(no model, no index)."""

from __future__ import annotations

from coopqa.answer.number_checks import asked_direction

from .answering import answer_from

REPORT = """# Harbour review

## Traffic

In 2019, 52 ferries called at the port, a decrease of 6 ferries from 2018. In 2019, 340 yachts \
moored in the marina, an increase of 25 yachts from 2018.
"""


def test_the_direction_a_question_takes_for_granted():
    assert asked_direction("Why did the ferries rise?") == "increase"
    assert asked_direction("What caused the drop in yachts?") == "decrease"
    assert asked_direction("Why did the ferries call?") is None


def test_a_rise_asked_about_a_stated_fall_is_corrected_with_its_sentence():
    draft = answer_from(REPORT, "Why did the number of ferries calling at the port rise in 2019?")
    assert draft.text.startswith("It did not increase: “In 2019, 52 ferries called")
    assert "a decrease of 6 ferries" in draft.text


def test_a_fall_asked_about_a_stated_rise_is_corrected():
    draft = answer_from(REPORT, "What caused the yachts moored in the marina to fall in 2019?")
    assert draft.text.startswith("It did not decrease: “In 2019, 340 yachts")


def test_a_premise_the_document_bears_out_is_not_corrected():
    draft = answer_from(REPORT, "Why did the yachts moored in the marina increase in 2019?")
    assert not draft.text.startswith("It did not")


def test_no_correction_when_the_question_is_no_why():
    draft = answer_from(REPORT, "How many ferries called at the port in 2019, after the rise?")
    assert not draft.text.startswith("It did not")


SERVICE = """# Council services

## Island ferry

The island ferry carried 900 passengers in 2018. The council will continue to run the island \
ferry also in 2020, adding a winter timetable.
"""


def test_a_stop_asked_about_what_the_document_says_goes_on_is_corrected():
    draft = answer_from(SERVICE, "Why did the council stop running the island ferry in 2020?")
    assert draft.text.startswith("It did not stop: “The council will continue"), draft.text
    draft = answer_from(SERVICE, "Why was the island ferry discontinued in 2020?")
    assert draft.text.startswith("It did not discontinue:"), draft.text


def test_no_stop_correction_for_another_year_or_a_stopping_adjective():
    from coopqa.answer.strategies.premise import STOPPING, _verbs

    assert not answer_from(
        SERVICE, "Why did the council stop the island ferry in 2019?"
    ).text.startswith("It did not")
    assert _verbs("Why did earnings from discontinued operations fall?", STOPPING) == []
