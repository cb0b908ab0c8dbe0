"""A running total without its last year, on a hand-made report (no model, no index)."""

from __future__ import annotations

from coopqa.answer.strategies.cumulative import span_asked

from .answering import answer_from

REPORT = """# Outreach

## 1. Harbour workshop

In 2019, 12 volunteers from 4 towns took part in the two-day workshop. A total of 140 \
volunteers from 9 towns took part in this workshop during the period from 2010 to 2019.

## 2. River workshop

In 2019, 7 volunteers from 3 towns took part in the one-day workshop. A total of 60 \
volunteers from 5 towns took part in this workshop during the period from 2015 to 2019.
"""


def test_the_years_a_question_leaves_out():
    assert span_asked("Excluding 2019, how many came?") == (None, 2019)
    assert span_asked("How many came before FY2019, i.e. from FY2010 through FY2018?") == (
        2010,
        2019,
    )
    assert span_asked("How many came from 2010 to 2018?") == (2010, 2019)
    assert span_asked("How many came in 2019?") is None


def test_the_total_less_its_last_year():
    draft = answer_from(
        REPORT, "Excluding 2019, how many volunteers took part in the River workshop?"
    )
    assert draft.text.startswith("53 volunteers before 2019, computed as 53 = 60 − 7")
    draft = answer_from(
        REPORT, "How many volunteers took part in the Harbour workshop from 2010 through 2018?"
    )
    assert "128 = 140 − 12" in draft.text


def test_no_difference_when_two_totals_fit_or_none_ends_there():
    assert (
        "computed as" not in answer_from(REPORT, "How many volunteers took part before 2019?").text
    )
    draft = answer_from(
        REPORT, "How many volunteers took part in the Harbour workshop from 2010 to 2019?"
    )
    assert "computed as" not in draft.text


def test_since_it_began_is_the_running_total_that_fits():
    draft = answer_from(
        REPORT, "How many volunteers took part in the River workshop since it began?"
    )
    assert draft.text.startswith("“A total of 60 volunteers")
    assert (
        "60 volunteers"
        not in answer_from(REPORT, "How many volunteers took part since it began?").text
    )
