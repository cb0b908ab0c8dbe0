"""Running totals asked in words the report never uses ("all-time", "cumulative"), whose figure
counts the doers of the asked verb, and which side of "than" is which (no model, no index)."""

from __future__ import annotations

from coopqa.answer.strategies.doers import subjects_of
from coopqa.answer.strategies.running import running_words

from .answering import answer_from

REPORT = """# Schools league review

## Spring chess contest

The spring chess contest is held each April. In 2019, 40 pupils from 9 schools entered the \
spring contest. A total of 640 pupils from 30 schools entered this contest during the period \
from 2001, when this contest started, to 2019.

## Autumn chess contest

The autumn chess contest is held each October. In 2019, 25 pupils from 6 schools entered the \
autumn contest. A total of 410 pupils from 22 schools entered this contest during the period \
from 2005, when this contest started, to 2019.
"""

ONE_YEAR = """# Schools league review

## Spring chess contest

In 2019, 40 pupils from 9 schools entered the spring chess contest.
"""


def test_the_words_asking_for_a_running_total():
    assert running_words("What is the all-time number of entrants?") == {
        "time"
    }  # "all" is a stop word
    assert running_words("How many cumulative entrants?") == {"cumul"}
    assert running_words("How many entrants in 2019?") == set()


def test_the_subject_of_the_asked_verb_is_counted():
    sentence = "A total of 640 pupils from 30 schools entered this contest."
    assert subjects_of(sentence, {"enter"}) == {"pupil"}
    assert subjects_of(
        "In 2019, 40 pupils from 9 schools entered the spring contest.", {"enter"}
    ) == {"pupil"}
    assert subjects_of(sentence, {"won"}) == set()


def test_an_all_time_sum_adds_the_running_totals_of_their_doers():
    question = "What is the all-time total of those who entered the two chess contests combined?"
    draft = answer_from(REPORT, question)  # the pupils entered, not the schools
    assert draft.text.startswith("1,050 pupils in total, computed as 1,050 = 640 + 410")


def test_cumulative_is_not_answered_by_one_year():
    draft = answer_from(ONE_YEAR, "How many cumulative pupils has the spring contest had?")
    assert draft.text.startswith("The document does not say anything about “cumulative”")


def test_of_two_figures_fitting_the_second_side_the_first_sides_is_not_meant():
    question = "How many more cumulative pupils has the spring contest had than the autumn contest?"
    draft = answer_from(REPORT, question)
    assert draft.text.startswith("230 pupils more, computed as 230 = 640 − 410")
