"""Figures across the parts a question counts, on a hand-made report (no model, no index): the
sum or list of one figure per heading, and nothing when the parts do not match the count."""

from __future__ import annotations

import pytest

from coopqa.answer.strategies.parts import asked_words, parts_asked

from .answering import answer_from

REPORT = """# Outreach

## 1. Harbour workshop

In 2019, 12 volunteers from 4 towns took part in the two-day workshop. A total of 140 \
volunteers from 9 towns took part in this workshop during the period from 2010 to 2019.

## 2. River workshop

In 2019, 7 volunteers from 3 towns took part in the one-day workshop. A total of 60 \
volunteers from 5 towns took part in this workshop during the period from 2015 to 2019.

## 3. Forest workshop

In 2019, 5 volunteers from 2 towns took part in the one-day workshop. A total of 30 \
volunteers from 3 towns took part in this workshop during the period from 2017 to 2019.
"""


def test_the_counted_parts_and_what_is_counted():
    parts = parts_asked("How many boats did the two northern harbours hold in total?")
    assert parts is not None and parts.count == 2 and parts.noun == "harbour"
    assert "northern" in parts.modifiers
    assert parts_asked("How many boats did the harbour hold?") is None
    assert parts_asked("How many boats were there in 2019?") is None  # a year counts nothing
    assert asked_words("How many boats did the harbours hold?") == {"boat"}
    assert asked_words("List the visitor numbers for each harbour.") == {"visitor"}


def test_a_total_across_the_counted_parts_of_one_year():
    draft = answer_from(
        REPORT, "How many volunteers in total took part in the three workshops in 2019?"
    )
    assert not draft.abstained
    assert draft.text.startswith("24 volunteers in total, computed as 24 = 12 + 7 + 5")
    assert len(draft.quotes) == 3


def test_without_a_year_the_totals_since_each_began_are_added():
    draft = answer_from(
        REPORT,
        "Adding up the three workshops, how many volunteers have taken part since each began?",
    )
    assert "230 = 140 + 60 + 30" in draft.text


def test_a_modifier_narrows_the_parts_to_the_count():
    draft = answer_from(
        REPORT, "How many volunteers did the two one-day workshops have between them in 2019?"
    )
    assert "12 = 7 + 5" in draft.text


def test_each_of_the_parts_is_listed():
    draft = answer_from(REPORT, "List the 2019 volunteer numbers for each of the three workshops.")
    assert draft.text.startswith("12 volunteers; 7 volunteers; 5 volunteers")


@pytest.mark.parametrize(
    "question",
    [
        "How many volunteers in total took part in the two workshops in 2019?",  # three fit
        "How many volunteers in total took part in the four workshops in 2019?",
    ],
)
def test_no_sum_when_the_parts_do_not_match_the_count(question):
    draft = answer_from(REPORT, question)
    assert "in total, computed as" not in draft.text
