"""Questions coopqa cannot read (another script, a paste that asks nothing) get a fixed reply."""

from __future__ import annotations

import pytest

from coopqa.answer.language import ENGLISH_ONLY, IN_LANGUAGE, is_paste, script_shares, unreadable

JAPANESE = "2012年度末の派遣者数は何人ですか？"
PARAGRAPH = (
    "In the rapid advance of globalization, international cooperation and exchanges are "
    "becoming increasingly important in personnel administration, and there are many requests "
    "for public employees to be dispatched to governments in developing countries. "
)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        (JAPANESE, "ja"),
        ("2012年度末派遣人员有多少？", "zh"),
        ("2012년 말 파견자 수는 몇 명입니까?", "ko"),
    ],
)
def test_a_question_in_a_script_coopqa_does_not_read_is_answered_in_english_and_its_language(
    question, language
):
    found = unreadable(question)
    assert found is not None and found.reason == "script" and found.language == language
    assert found.reply == f"{ENGLISH_ONLY} {IN_LANGUAGE[language]}"


@pytest.mark.parametrize(
    "question",
    ["Сколько человек было направлено в 2012 году?", "كم عدد الموظفين المرسلين في عام 2012؟"],
)
def test_other_scripts_get_the_english_sentence_alone(question):
    found = unreadable(question)
    assert found is not None and found.reply == ENGLISH_ONLY and found.language == ""


@pytest.mark.parametrize(
    "question",
    [
        "How many persons were newly dispatched in FY2012?",
        "What does 派遣 (haken) mean in the report's tables, and how many were dispatched?",
        "Was the Café Müller seminar held in São Paulo?",
        "143?",
        "2012",
        PARAGRAPH * 5 + "How many were dispatched in FY2012?",  # long, but it asks
    ],
)
def test_english_questions_are_read(question):
    assert unreadable(question) is None


def test_a_long_paste_that_asks_nothing_is_told_so():
    paste = PARAGRAPH * 12
    assert is_paste(paste) and not is_paste(PARAGRAPH)
    found = unreadable(paste)
    assert found is not None and found.reason == "paste"
    assert "not a question" in found.reply and f"{len(paste.split()):,} words" in found.reply


def test_script_shares_count_letters_only():
    shares = script_shares("2012年度 FY")
    assert shares == {"HAN": 0.5, "LATIN": 0.5}
    assert script_shares("2012 ?!") == {}


def test_the_assistant_abstains_on_what_it_cannot_read(assistant):
    answer = assistant.ask(JAPANESE)
    assert answer.abstained and not answer.citations and not answer.numbers
    assert answer.answer.startswith(ENGLISH_ONLY) and IN_LANGUAGE["ja"] in answer.answer
    pasted = assistant.ask(PARAGRAPH * 12)
    assert pasted.abstained and not pasted.citations and "not a question" in pasted.answer
    asked = assistant.ask("How many persons were newly dispatched in FY2012?")
    assert not asked.abstained and "143" in asked.answer
