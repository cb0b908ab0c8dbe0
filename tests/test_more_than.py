"""How many more of one thing than of another, on a hand-made report (no model, no index)."""

from __future__ import annotations

from coopqa.answer.strategies.more_than import sides
from coopqa.answer.strategies.parts import asked_words

from .answering import answer_from

REPORT = """# Harbour review

## Traffic

In 2019, 52 ferries docked at the harbour. Meanwhile, 31 ferries sailed to the islands in 2019. \
The marina held 340 yachts in 2019.
"""


def test_the_two_sides_of_than():
    assert sides("How many more boats docked than sailed?") == (" boats docked ", " sailed?")
    assert sides("How many boats docked?") is None


def test_the_difference_of_the_figures_each_side_names():
    draft = answer_from(
        REPORT, "In 2019, how many more ferries docked at the harbour than sailed to the islands?"
    )
    assert draft.text.startswith("21 ferries more, computed as 21 = 52 − 31")
    assert len(draft.quotes) == 2


def test_no_difference_when_the_first_is_the_smaller():
    draft = answer_from(
        REPORT, "In 2019, how many more ferries sailed to the islands than docked at the harbour?"
    )
    assert "computed as" not in draft.text


def test_how_many_more_counts_the_noun_after_more():
    assert asked_words("How many more ferries docked than sailed?") == {"ferri"}
    assert asked_words("How many fewer boats sailed?") == {"boat"}


def test_the_counted_noun_picks_between_figures_of_one_sentence():
    report = """# Schools league review

## Spring chess contest

A total of 640 pupils from 30 schools entered this contest during the period from 2001, when \
this contest started, to 2019.

## Autumn chess contest

A total of 410 pupils from 22 schools entered this contest during the period from 2005, when \
this contest started, to 2019.
"""
    question = "How many more pupils entered the spring contest than the autumn contest in total?"
    assert answer_from(report, question).text.startswith("230 pupils more, computed as")
