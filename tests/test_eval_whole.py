"""Scoring whole-report items by the dataset's fields: rounding, percent/ratio forms, alternative
figures, any_of/all_of, abstention, and the figures by category and document."""

from __future__ import annotations

from types import SimpleNamespace

from coopqa.evaluate.whole_reports import WholeItem, figures, format_figures, matches, score


def item(**fields) -> WholeItem:
    base = {"id": "x", "doc": "r.pdf", "question": "q?", "category": "numeric_text", "answer": ""}
    return WholeItem(**{**base, **fields})


def answer(text: str, abstained: bool = False, short=None):
    return SimpleNamespace(answer=text, abstained=abstained, short=short, citations=[])


def test_a_figure_matches_its_gold_up_to_the_golds_rounding_and_percent_form():
    assert matches("0.62", (0.62, 2)) and matches("39", (39.2, 1)) and matches("5.3", (5.27, 2))
    assert matches("25", (0.25, 2)) and matches("0.25", (25.0, 0))
    assert matches("-14.76", (14.76, 2))  # sign aside: the golds and the reports differ in it
    assert not matches("8.70", (8.74, 2)) and not matches("24.26", (24.0, 0))
    assert not matches("66608", (66, 0))


def test_numbers_must_all_be_stated_and_alternatives_stand_in():
    both = item(numbers=("0.62", "-14.76"), numbers_alt=("0.6", "14.8"), category="arithmetic")
    assert score(both, answer("0.62% in 2022 and -14.76% in 2021 [1]")).correct
    assert score(both, answer("(0.6)% and 14.8%")).correct
    assert not score(both, answer("0.62% only")).correct
    assert score(item(numbers=("1358000",)), answer("1,358 thousand (Shares)")).correct
    one = item(numbers=("8.70",), numbers_alt=("8738", "8.74", "8.7"))
    assert score(one, answer("8,738 million [2]")).correct


def test_text_items_need_any_of_and_all_of_and_a_wrong_figure_is_counted():
    listed = item(category="text_span", all_of=("737", "787"), numbers=("40",))
    assert score(listed, answer("The 737 and the 787 production rates")).correct
    assert not score(listed, answer("The 737 rate and 40%")).correct
    named = item(category="text_span", any_of=("U.S. government", "US government"))
    assert score(named, answer("the us government")).correct
    wrong = score(item(numbers=("66608",)), answer("$1,549 million [1]"))
    assert not wrong.correct and wrong.wrong_number
    assert not score(item(numbers=("66608",)), answer("does not say", abstained=True)).wrong_number


def test_unanswerable_items_are_right_only_when_abstaining_and_figures_split_by_part():
    none = item(category="unanswerable", doc="a.pdf")
    judged = item(category="text_span", judgement=True, any_of=("yes",), doc="b.pdf")
    scored = [
        score(none, answer("The document does not say this.", abstained=True)),
        score(item(numbers=("5",), doc="b.pdf"), answer("x", abstained=True)),
        score(judged, answer("yes")),
    ]
    figs = figures(scored)
    assert figs["overall"]["items"] == 2  # judgement items are left out
    assert figs["overall"]["abstention_precision"] == 0.5
    assert figs["by_category"]["unanswerable"]["abstention_recall"] == 1.0
    assert figs["by_document"]["b.pdf"]["false_not_stated"] == 1.0
    table = format_figures(figs, figs)
    assert "category unanswerable" in table and "naive: accuracy" in table
