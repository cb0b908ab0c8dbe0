"""coopqa.facts.numbers on the real chapter text, on edge cases, and as hypothesis properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopqa.facts.numbers import find_numbers, format_value, number_words, parse_number_word

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "corpus" / "npa-annual-report-ch8-international-cooperation.txt"


@pytest.fixture(scope="module")
def chapter_mentions():
    text = CHAPTER.read_text(encoding="utf-8")
    return text, find_numbers(text)


def _one(mentions, text):
    found = [m for m in mentions if m.text == text]
    assert found, f"{text!r} not found"
    return found[0]


def test_spans_are_exact_on_the_chapter(chapter_mentions):
    text, mentions = chapter_mentions
    assert len(mentions) > 80
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_structural_numbers_are_labels(chapter_mentions):
    _, mentions = chapter_mentions
    labels = {m.text for m in mentions if m.kind == "label"}
    assert {"8", "1", "2", "27", "28", "29"} <= labels
    assert all(m.kind == "label" for m in mentions if m.text in ("27", "28", "29"))


def test_counts_fiscal_years_dates_and_durations_are_kept_apart(chapter_mentions):
    _, mentions = chapter_mentions
    assert _one(mentions, "143").kind == "count"
    assert _one(mentions, "143").unit == "persons"
    fy = _one(mentions, "FY 2012")
    assert (fy.kind, fy.value, fy.position) == ("fiscal_year", 2012, "end")
    jan = _one(mentions, "January 2005")
    assert (jan.kind, jan.value, jan.month) == ("date", 2005, 1)
    summer = _one(mentions, "summer of 2010")
    assert (summer.kind, summer.value, summer.season) == ("date", 2010, "summer")
    over = _one(mentions, "120")
    assert (over.kind, over.qualifier, over.unit) == ("count", "over", "people")
    homestay = _one(mentions, "two months")
    assert (homestay.kind, homestay.value, homestay.qualifier, homestay.unit) == (
        "duration", 2, "about", "month",
    )  # fmt: skip
    assert _one(mentions, "two-week").kind == "duration"
    assert _one(mentions, "five-year").unit == "year"
    assert (_one(mentions, "18th").kind, _one(mentions, "18th").value) == ("ordinal", 18)
    ten = [m for m in mentions if m.text == "ten" and m.unit == "fellows"]
    assert ten and ten[0].kind == "count" and ten[0].value == 10
    assert _one(mentions, "one").unit == "consultation"


def test_pronoun_one_is_not_a_number(chapter_mentions):
    text, mentions = chapter_mentions
    ones = [m for m in mentions if m.text.lower() == "one"]
    assert [text[m.start : m.start + 16] for m in ones] == ["one consultation"]


def test_ranges_carry_a_note(chapter_mentions):
    _, mentions = chapter_mentions
    noted = {m.note for m in mentions if m.note}
    assert {"range FY1999–FY2013", "range FY1991–FY2013", "range FY1986–FY2013"} <= noted


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("1,234 persons", 1234, "count"),
        ("12,500,000 yen", 12_500_000, "count"),
        ("2.5 persons", 2.5, "count"),
        ("in 2010, the NPA", 2010, "year"),
        ("2010 persons attended", 2010, "count"),
        ("fiscal 2012", 2012, "fiscal_year"),
        ("FY 2013", 2013, "fiscal_year"),
        ("1 April 1994", 1994, "date"),
        ("twenty-one officials", 21, "count"),
        ("one hundred and five countries", 105, "count"),
        ("the 21st program", 21, "ordinal"),
        ("the third seminar", 3, "ordinal"),
        ("Section 3", 3, "label"),
        ("(2) Seminar", 2, "label"),
        ("the 2017 year-on-year change", 2017, "year"),
        ("2000 years ago", 2000, "duration"),
    ],
)
def test_single_mentions(text, value, kind):
    found = find_numbers(text)
    assert [(m.value, m.kind) for m in found] == [(value, kind)]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("over 120 people", "over"), ("more than five years", "over"), ("about ten months", "about"),
     ("fewer than 30 people", "under"), ("at least 3 countries", "at_least"), ("120 people", "exact")],
)  # fmt: skip
def test_qualifiers(text, qualifier):
    assert find_numbers(text)[0].qualifier == qualifier


@pytest.mark.parametrize(
    ("words", "value"),
    [("zero", 0), ("ten", 10), ("twenty-one", 21), ("one hundred and twenty", 120),
     ("one hundred twenty", 120), ("two thousand and five", 2005), ("one million", 1_000_000)],
)  # fmt: skip
def test_parse_number_word(words, value):
    assert parse_number_word(words) == value


@pytest.mark.parametrize(
    "words", ["", "and", "hundred", "two three", "ten five", "thousand", "cat"]
)
def test_parse_number_word_rejects(words):
    assert parse_number_word(words) is None


def test_two_and_three_are_two_numbers():
    assert [m.value for m in find_numbers("two and three countries")] == [2, 3]


def test_number_words_examples():
    assert number_words(21) == "twenty-one"
    assert number_words(120) == "one hundred and twenty"
    with pytest.raises(ValueError):
        number_words(-1)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_number_words_round_trip(n):
    assert parse_number_word(number_words(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_separators(n):
    text = f"a total of {n:,} persons"
    found = find_numbers(text)
    assert [(m.value, m.kind, m.unit) for m in found] == [(n, "count", "persons")]


@given(st.integers(min_value=2, max_value=999))
def test_number_words_in_text(n):
    text = f"In FY2013, {number_words(n)} fellows were accepted."
    counts = [m for m in find_numbers(text) if m.kind == "count"]
    assert [(m.value, m.unit) for m in counts] == [(n, "fellows")]
    years = [m for m in find_numbers(text) if m.kind == "fiscal_year"]
    assert [m.value for m in years] == [2013]


@given(st.integers(min_value=1900, max_value=2099), st.integers(min_value=1900, max_value=2099))
def test_fiscal_year_ranges(a, b):
    found = find_numbers(f"from FY{a} to FY{b}")
    assert [(m.kind, m.value) for m in found] == [("fiscal_year", a), ("fiscal_year", b)]
    assert found[0].note == found[1].note == f"range FY{a}–FY{b}"


@given(st.text(max_size=200))
def test_any_text_gives_consistent_spans(text):
    for m in find_numbers(text):
        assert text[m.start : m.end] == m.text
        assert m.kind in {"count", "fiscal_year", "year", "date", "duration", "ordinal", "label"}


@given(st.integers(min_value=0, max_value=10**7))
def test_format_value_round_trips(n):
    assert float(format_value(n).replace(",", "")) == n


def test_may_hold_number_is_false_only_without_any_number():
    from coopqa.facts.numbers import find_numbers, may_hold_number

    for text in ("Who leads the office", "What changed after the review?", ""):
        assert not may_hold_number(text) and find_numbers(text) == []
    for text in ("in FY2012", "Seventy officials", "the third seminar", "Chapter 8", "two million"):
        assert may_hold_number(text) and find_numbers(text)


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("the 2018/19 tax year", [2019]),
        ("FY2017-18 and 2018/2019", [2018, 2019]),
        ("from 2018-2019", [2018, 2019]),  # two years: a range, not a split year
        ("2018/17 and 1,234/56", [2018]),  # not consecutive: a plain year
    ],
)
def test_split_years_are_read_as_the_year_they_end_in(text, ends):
    assert [int(m.value) for m in find_numbers(text) if m.is_time] == ends


def test_comparative_parentheses_are_found():
    from coopqa.facts.numbers import comparative_spans

    text = "a €42 million credit (2018: €15 million charge, 2017 €95 million charge)"
    assert [text[a:b] for a, b in comparative_spans(text)] == [
        "(2018: €15 million charge, 2017 €95 million charge)"
    ]
    assert comparative_spans("as shown (see 2018) and (note 3: cash)") == []
