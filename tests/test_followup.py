"""Follow-ups merged into the previous turn's reading: the slots a follow-up names replace the old
ones and every other word carries over; a question naming its own subject stands alone."""

from __future__ import annotations

import pytest

from coopqa.answer.followup import CONTEXT_MARK, is_follow_up, resolve
from coopqa.answer.slots import is_follow_up as leans_on
from coopqa.answer.slots import read_slots

from .answering import corpus_settings


def _after(previous: str | list[str], question: str) -> str:
    earlier = [previous] if isinstance(previous, str) else previous
    return resolve(question, [{"role": "user", "content": q} for q in earlier]).search


TOTAL = "What was the total number of posted keepers at the end of FY2019?"


@pytest.mark.parametrize("follow_up", ["and in FY2018?", "What about FY2018?"])
def test_a_new_period_replaces_the_old_and_keeps_every_other_word(follow_up):
    assert _after(TOTAL, follow_up) == (
        "What was the total number of posted keepers at the end of FY2018?"
    )


def test_a_relative_period_shifts_the_previous_one():
    assert _after(TOTAL, "What was it a year earlier?") == (
        "What was the total number of posted keepers at the end of FY2018?"
    )
    question = "How many keepers were posted in FY2019?"
    assert _after(question, "What was the number in the previous year?") == (
        "How many keepers were posted in FY2018?"
    )


def test_a_period_with_a_month_replaces_the_whole_phrase():
    assert _after("What was revenue in September 2019?", "and in March 2020?") == (
        "What was revenue in March 2020?"
    )


def test_a_place_or_body_replaces_the_one_asked_before():
    assert _after("How many tourists travelled to Norway in 2019?", "and to Sweden?") == (
        "How many tourists travelled to Sweden in 2019?"
    )
    asked = "How many pilots did the Harbour Authority license in 2019?"
    assert _after(asked, "And the Coast Guard?") == (
        "How many pilots did the Coast Guard license in 2019?"
    )
    assert _after(asked, "what about the Coast Guard in 2018?") == (
        "How many pilots did the Coast Guard license in 2018?"
    )


def test_the_engine_reads_the_merged_question():
    """What later steps read is the merged reading: the new year, the old measure and frame."""
    from coopqa.answer.question import read

    question = read(_after(TOTAL, "and in FY2018?"))
    assert question.years == (2018,)
    assert {"total", "end", "post", "keeper"} <= set(question.terms)


def test_merges_follow_the_conversation_turn_by_turn():
    turns = [TOTAL, "and in FY2018?"]
    assert _after(turns, "What was it a year earlier?") == (
        "What was the total number of posted keepers at the end of FY2017?"
    )


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("What does HTA stand for?", "What is the Harbour Trust?"),
        ("How many keepers were posted in FY2019?", "How many employees did the Board have?"),
        ("How many keepers were posted in FY2019?", "Whom did the Board invite in FY2019?"),
    ],
)
def test_a_question_that_names_its_own_subject_is_not_a_follow_up(previous, question):
    history = [{"role": "user", "content": previous}]
    assert not is_follow_up(question, history)
    assert resolve(question, history).search == question


@pytest.mark.parametrize(
    "question",
    ["and in FY2018?", "what about 2019?", "and the Coast Guard?", "why?", "how did it change?"],
)
def test_fragments_and_pronoun_led_questions_lean_on_the_turn_before(question):
    assert leans_on(read_slots(question))
    assert not is_follow_up(question, [])  # the first question leans on nothing


def test_a_follow_up_with_words_of_its_own_keeps_them_and_borrows_the_period():
    resolved = _after("How many keepers were posted in FY2019?", "how many came back that year?")
    own, _, context = resolved.partition(CONTEXT_MARK)
    assert own == "how many came back in FY2019"
    assert "keepers were posted" in context


# ------------------------------------------------------------------ through the whole assistant

KEEPERS = """# Lighthouse Service Review

## Postings

In FY2019, 30 keepers were newly posted to remote stations. As a result, the total number of
posted keepers was 212 as of the end of FY2019, an increase of 12 keepers from that in FY2018.

In FY2018, 35 keepers were newly posted to remote stations.

## Training

The service trained 48 apprentices in FY2019. In FY2019, the apprentices came from Iceland,
Norway and Scotland.
"""


@pytest.fixture(scope="module")
def keepers(tmp_path_factory, embedder):
    from coopqa.chain import Assistant

    settings = corpus_settings(tmp_path_factory.mktemp("keepers"), {"keepers.md": KEEPERS})
    return Assistant(settings, embedder=embedder)


def _user(*questions: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": q} for q in questions]


def test_a_period_follow_up_answers_the_same_measure_for_the_new_period(keepers):
    """ "and in FY2018?" after the year-end total: the total a year before (212 - 12), not the
    35 newly posted that year."""
    asked = "What was the total number of posted keepers at the end of FY2019?"
    assert "212" in keepers.ask(asked).answer
    answer = keepers.ask("and in FY2018?", history=_user(asked))
    assert answer.resolved_question == asked.replace("FY2019", "FY2018")
    assert "200" in answer.answer and "35" not in answer.answer, answer.answer


def test_a_two_part_question_after_a_turn_answers_both_parts(keepers):
    """The second part leans on the first (its "they", its period), not on the earlier turn."""
    answer = keepers.ask(
        "How many apprentices did the service train in FY2019, and where did they come from?",
        history=_user("What was the total number of posted keepers at the end of FY2019?"),
    )
    assert "48" in answer.answer and "Iceland" in answer.answer, answer.answer


def test_chapter8_a_period_follow_up_keeps_total_and_year_end(assistant):
    asked = "What was the total number of dispatched personnel at the end of FY2012?"
    answer = assistant.ask("and in FY2011?", history=_user(asked))
    assert answer.resolved_question == asked.replace("FY2012", "FY2011")
    assert "410" in answer.answer and "147" not in answer.answer, answer.answer


def test_chapter8_a_question_with_its_own_subject_is_not_merged(assistant):
    answer = assistant.ask("What is JICA?", history=_user("What does NPA stand for?"))
    assert answer.resolved_question is None
