"""The answer engine on made-up reports: a question read once, one operation planned from the
registry, its operands filled from the table's cells, one gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopqa.answer.engine import Store, answer
from coopqa.answer.operations import plan, registry
from coopqa.answer.question import read
from coopqa.answer.synthesize import Evidence
from coopqa.ingest.corpus import parse_text

from .answering import corpus_settings

# Column headers that are dates, not bare years; a unit line; a group row; a change column.
SEGMENTS = """# Annual report extract

## Revenue by segment

Revenue by segment was as follows (in millions):

| Years Ended | July 27, 2019 | July 28, 2018 | July 29, 2017 | % Change |
| --- | --- | --- | --- | --- |
| Revenue: | | | | |
| Infrastructure Platforms | $30,191 | $28,322 | $27,817 | 7% |
| Applications | 5,803 | 5,036 | 4,568 | 15% |
| Total revenue | $51,904 | $49,330 | $48,005 | 5% |

Revenue rose in every segment.
"""

# Years down the rows, not across the columns.
SHARES = """# Share capital

| | Number of Shares | Amount |
| --- | --- | --- |
| Balance as of June 30, 2017 | 91,979,704 | $9,198 |
| Balance as of June 30, 2018 | 92,124,318 | $9,212 |
| Balance as of June 30, 2019 | 93,420,517 | $9,342 |
"""


def engine_answer(report: str, question: str):
    document = parse_text("r", report, markdown=True)
    passages = list(document.passages)
    evidence = Evidence(question, passages[:1], library=passages)
    return answer(question, Store.of("r", passages), evidence)


def test_a_question_is_read_once_into_its_operation_years_and_terms() -> None:
    q = read("What was the average restricted stock for 2017-2019?")
    assert (q.operation, q.years) == ("average", (2017, 2018, 2019))  # a range is every year
    q = read("What is the percentage change in the convertible notes from 2018 to 2019?")
    assert (q.operation, q.years) == ("percent_change", (2018, 2019))  # a change: its two ends
    assert read("Average taxable benefits for 2017/18 and 2018/19?").years == (2018, 2019)
    q = read("What is the value of returns as a percentage of the 2018 total revenue?")
    assert plan(q).name == "share" and q.part and q.whole
    assert plan(read("How many years did net income exceed $1,000 million?")).name == "count_past"


def test_a_document_without_a_table_is_left_to_its_sentences() -> None:
    report = "# Notes\n\nThe board met in March. Secondments rose to 40.\n"
    assert engine_answer(report, "How many postings abroad were there?") is None


def test_the_registry_holds_one_module_per_operation() -> None:
    names = [op.name for op in registry()]
    assert len(names) == len(set(names)) and names[-1] == "lookup"  # lookup when nothing more
    assert {"change", "percent_change", "average", "sum", "ratio", "share", "list"} <= set(names)


def test_a_change_between_date_headed_columns_is_the_difference() -> None:
    draft = engine_answer(
        SEGMENTS, "What was the change in Applications revenue from 2018 to 2019?"
    )
    assert not draft.abstained
    assert draft.short == "767 million" and "5,803 − 5,036" in draft.text
    assert "(an increase)" in draft.text


def test_a_percentage_change_is_computed_not_answered_with_the_level() -> None:
    draft = engine_answer(
        SEGMENTS, "What was the percentage change in total revenue between 2018 and 2019?"
    )
    assert draft.short == "5.22%"  # (51,904 − 49,330) / 49,330, not 51,904 or the 5% column
    assert "51,904 − 49,330" in draft.text


def test_one_years_increase_is_the_change_from_the_year_before() -> None:
    draft = engine_answer(SEGMENTS, "By how much did Applications revenue increase in 2019?")
    assert draft.short == "767 million"  # 5,803 − 5,036
    assert engine_answer(SEGMENTS, "What was the Applications revenue in 2019?").short == (
        "5,803 million"
    )


def test_a_change_asked_with_a_modifier_is_still_a_change() -> None:
    report = "# Sales\n\n| | 2019 | 2018 |\n| --- | --- | --- |\n| Services | 120 | 90 |\n"
    draft = engine_answer(report, "What is the year-on-year change in Services?")
    assert draft.short == "30"  # 120 − 90, not the 2019 level


def test_asking_what_a_row_is_is_not_answered_with_one_of_its_figures() -> None:
    assert engine_answer(SEGMENTS, "What does Infrastructure Platforms refer to?") is None
    assert engine_answer(SEGMENTS, "What is Infrastructure Platforms revenue in 2019?") is not None


ACCRUED = """# Notes

| | 2019 | 2018 |
| --- | --- | --- |
| Payroll | 120 | 100 |
| Taxes | 30 | 25 |
| Total accrued expenses | 150 | 125 |
| Deferred revenue | 50 | 40 |
"""


def test_the_components_of_a_total_are_the_rows_above_it() -> None:
    draft = engine_answer(ACCRUED, "What are the components of total accrued expenses?")
    assert draft.short == ["Payroll", "Taxes"]  # not "Deferred revenue", below the total
    assert "120" not in draft.text  # the rows are cited, not their figures stated
    counted = engine_answer(ACCRUED, "How many components make up total accrued expenses?")
    assert counted.short == "2"


REGIONS = """# Revenue

| | 2019 | 2018 |
| --- | --- | --- |
| Americas | 21,856 | 21,648 |
| Asia Pacific | 6,380 | 6,326 |
"""


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("How much more revenue came from the Americas than Asia Pacific in 2019?", "15,476"),
        ("What is the difference between Asia Pacific and Americas revenue in 2018?", "15,322"),
        ("What was the total revenue from the Americas and Asia Pacific in 2019?", "28,236"),
        ("What was the difference in Americas revenue between 2018 and 2019?", "208"),
    ],
)
def test_two_rows_side_by_side_are_subtracted_or_added(question: str, short: str) -> None:
    assert engine_answer(REGIONS, question).short == short


def test_the_respective_figures_of_two_rows_come_from_the_column_named() -> None:
    bonds = """# Securities

| (in thousands) | Amortized Cost | Fair Value |
| --- | --- | --- |
| Municipal bonds | $44,802 | $44,705 |
| Corporate bonds | 48,499 | 48,296 |
"""
    asked = "What are the respective fair values of the municipal and corporate bonds?"
    assert engine_answer(bonds, asked).short == ["$44,705 thousand", "48,296 thousand"]
    asked = "What were the revenues of the Americas and Asia Pacific in 2018, respectively?"
    assert engine_answer(REGIONS, asked).short == ["21,648", "6,326"]


def test_rows_past_a_threshold_are_counted_in_the_year_asked() -> None:
    report = REGIONS.replace("| Asia Pacific |", "| Europe | 30,100 | 1,200 |\n| Asia Pacific |")
    draft = engine_answer(report, "In 2019, how many regions had revenue of more than 20,000?")
    assert draft.short == "2" and "Americas" in draft.text and "Asia Pacific" not in draft.text
    assert engine_answer(report, "How many regions had revenue below 10,000 in 2018?").short == "2"


def test_which_years_a_table_gives_names_the_years_only() -> None:
    draft = engine_answer(SEGMENTS, "What years does the table provide data for?")
    assert draft.short == ["2019", "2018", "2017"] and "30,191" not in draft.text
    assert engine_answer(SEGMENTS, "For what years is Applications revenue given?").short == [
        "2019",
        "2018",
        "2017",
    ]
    # the table named by its heading, not by a row; a row with one year empty is still the table's
    accrued = """# Notes

## Accrued liabilities

| | 2019 | 2018 |
| --- | --- | --- |
| Wages | $133.2 | $87.6 |
| Interest | — | 27.5 |
"""
    asked = "Which years does the table provide information for the company's accrued liabilities?"
    assert engine_answer(accrued, asked).short == ["2019", "2018"]
    assert engine_answer(accrued, "What are the fiscal years included in the table?").short == [
        "2019",
        "2018",
    ]


def test_a_lookup_reads_the_row_and_the_year_with_the_tables_scale() -> None:
    draft = engine_answer(SEGMENTS, "What was the revenue from Applications in 2017?")
    assert draft.short == "4,568 million"
    assert "“| Applications | 5,803 | 5,036 | 4,568 | 15% |”" in draft.text  # the row is quoted


@pytest.mark.parametrize(
    "question", ["What was Applications revenue in Canada in 2019?",
                 "What was Applications revenue in the second quarter of 2019?"],
)  # fmt: skip
def test_a_place_or_part_of_a_year_the_row_does_not_give_is_not_answered(question) -> None:
    draft = engine_answer(
        SEGMENTS + "\nSales in Canada and in the second quarter grew.\n", question
    )
    assert draft.abstained and draft.short is None and "5,803" not in draft.text.split(":")[0]


def test_a_year_the_table_does_not_cover_is_not_answered() -> None:
    draft = engine_answer(SEGMENTS, "What was the revenue from Applications in 2016?")
    assert draft.abstained and "2016" in draft.text and draft.short is None
    # the year a change needs but the question never writes is named by what it is
    change = engine_answer(SEGMENTS, "By how much did Applications revenue increase in 2017?")
    assert change.abstained and "for the year before 2017;" in change.text
    assert "2016" not in change.text


def test_years_down_the_rows_are_read_as_a_series() -> None:
    draft = engine_answer(SHARES, "What was the change in the number of shares from 2018 to 2019?")
    assert draft.short == "1,296,199"


def test_an_average_a_list_and_a_choice_of_year() -> None:
    average = engine_answer(SEGMENTS, "What was the average Applications revenue for 2017-2019?")
    assert average.short == "5,135.67 million"
    listed = engine_answer(SEGMENTS, "What was Applications revenue in 2019 and 2018 respectively?")
    assert listed.short == ["5,803 million", "5,036 million"]
    chosen = engine_answer(SEGMENTS, "In which year was Applications revenue the lowest?")
    assert chosen.short == "2017"
    assert "the year Applications is smallest [" in chosen.text  # named and cited, not listed
    assert "5,803" not in chosen.text and chosen.quotes  # the figures are in the citation


@pytest.mark.parametrize(
    "question",
    [
        "What was the revenue from Brazil in 2019?",  # a place the document never gives
        "What was the Applications revenue in the third quarter of 2019?",  # a breakdown
    ],
)
def test_a_constraint_nothing_covers_is_not_answered_with_another_figure(
    question: str, tmp_path: Path, embedder
) -> None:
    from coopqa.chain import Assistant

    assistant = Assistant(corpus_settings(tmp_path, {"report.md": SEGMENTS}), embedder=embedder)
    reply = assistant.ask(question)
    assert reply.abstained and reply.short is None
    said = reply.answer.split("The nearest")[0]  # the nearest facts it states may follow
    assert not any(n in said for n in ("30,191", "5,803", "51,904")), reply.answer


def test_what_a_table_shows_is_its_heading_and_the_sentence_introducing_it() -> None:
    draft = engine_answer(SEGMENTS, "What does the table show?")
    assert not draft.abstained and draft.text.startswith("The table shows Revenue by segment:")
    assert draft.short == "Revenue by segment was as follows (in millions):"
    bare = engine_answer(SHARES, "What data does the table contain?")  # no sentence: the heading
    assert bare.short == "Share capital" and "[1]" in bare.text
    assert not read("What does the table show for 2019 revenue?").asks_table


def test_a_figure_to_work_out_is_never_answered_with_one_cell() -> None:
    # a sum over one year: no operation can work it out, so the row's cell is not the answer
    assert engine_answer(SEGMENTS, "What is the sum of Applications revenue in 2019?") is None
    assert engine_answer(SEGMENTS, "What is the Applications revenue in 2019?").short == (
        "5,803 million"
    )


def test_a_per_share_row_takes_no_scale_from_the_unit_line() -> None:
    report = """# Results

(in millions, except per share data)

| | 2019 | 2018 |
| --- | --- | --- |
| Net income | 1,200 | 1,100 |
| Earnings per share | 1.53 | 1.41 |
"""
    assert engine_answer(report, "What was the net income in 2019?").short == "1,200 million"
    assert engine_answer(report, "What were the earnings per share in 2019?").short == "1.53"


def test_a_table_of_words_named_by_the_question_is_not_a_crash() -> None:
    words = "# Notes\n\n## Accrued liabilities\n\n| Item | Note |\n| --- | --- |\n| Wages | see below |\n"
    report = words + "\n## Other\n\n| | 2019 | 2018 |\n| --- | --- | --- |\n| Rent | 5 | 4 |\n"
    asked = "Which years does the table provide information for accrued liabilities?"
    assert engine_answer(report, asked) is not None


FEES = """# Principal accountant fees

| | 2019 | 2018 |
| --- | --- | --- |
| Survey fees (1) | 410 | 380 |
| Licence fees (2) | 95 | 90 |
| Other fees | 12 | 10 |

(1) Survey fees consist of fees for the yearly field survey and its review.

(2) Licence fees include fees billed for renewing the operating licences of our depots.
"""


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("What is included in Licence fees?", "renewing the operating licences"),
        ("What does Survey fees consist of?", "the yearly field survey"),
        ("What do the survey fees refer to?", "the yearly field survey"),
    ],
)
def test_what_a_row_is_comes_from_the_note_its_label_points_to(question, note) -> None:
    draft = engine_answer(FEES, question)
    assert note in draft.text and note in draft.short
    assert not draft.short.startswith("(")  # the mark is not part of the answer


def test_a_rows_note_does_not_answer_for_its_figures_or_for_things_its_label_lacks() -> None:
    assert engine_answer(FEES, "What were the Licence fees in 2019?").short == "95"
    assert engine_answer(FEES, "What does Other fees refer to?") is None  # no mark, no note
    lacking = engine_answer(FEES, "What do the audit fees refer to?")
    assert lacking is None or "licences" not in lacking.text


STOCKS = """# Notes

## 14. Spare parts held

| | 2019 | 2018 |
| --- | --- | --- |
| Engines | 40.1 | 38.0 |
| Rotor blades | 12.5 | 11.9 |
| Total | 52.6 | 49.9 |
"""


def test_the_kinds_of_what_a_table_is_about_are_its_rows_but_the_total() -> None:
    listed = engine_answer(STOCKS, "What are the types of spare parts held in the table?")
    assert listed.short == ["Engines", "Rotor blades"]
    assert "40.1" not in listed.text  # the rows are cited, not their figures stated
    counted = engine_answer(STOCKS, "How many types of spare parts held are there?")
    assert counted.short == "2"


OBLIGATIONS = """# Contractual obligations

Our contractual obligations at the end of the year were:

| | Less than 1 year | 1-3 years | Total |
| --- | --- | --- | --- |
| Lease payments | 200 | 300 | 500 |
| Supplier commitments | 600 | 900 | 1,500 |
| Total | 800 | 1,200 | 2,000 |
"""


def test_a_share_of_the_total_a_table_is_about_reads_its_bare_total_row() -> None:
    asked = "What is the percentage composition of supplier commitments among the total contractual obligations?"
    draft = engine_answer(OBLIGATIONS, asked)
    assert draft.short == "75%"  # 1,500 / 2,000, not the row against itself
    assert ", ," not in draft.text


def test_the_years_a_table_gives_for_its_components_are_years_not_rows() -> None:
    asked = "Which years does the table provide information for the components of spare parts held?"
    assert engine_answer(STOCKS, asked).short == ["2019", "2018"]


def test_a_row_named_by_the_operation_word_is_read_not_worked_out() -> None:
    report = """# Earnings per share

| | 2019 | 2018 |
| --- | --- | --- |
| Net income | 900 | 800 |
| Weighted average number of shares | 450 | 400 |
"""
    read = engine_answer(report, "What was the weighted average number of shares in 2018?")
    assert read.short == "400"
    averaged = engine_answer(report, "What was the average net income in 2018 and 2019?")
    assert averaged.short == "850"


def test_a_difference_is_a_size_and_a_change_has_a_direction() -> None:
    report = "# Costs\n\n| | 2019 | 2018 |\n| --- | --- | --- |\n| Freight | 70 | 95 |\n"
    differed = engine_answer(report, "What was the difference in freight between 2018 and 2019?")
    assert differed.short == "25" and "increase" not in differed.text
    changed = engine_answer(report, "What was the change in freight between 2018 and 2019?")
    assert changed.short == "-25" and "(a decrease)" in changed.text


def test_the_month_of_a_date_names_the_period_not_the_row() -> None:
    report = "# Cash\n\n| | 2019 | 2018 |\n| --- | --- | --- |\n| Restricted cash | 40 | 35 |\n"
    draft = engine_answer(report, "What was the restricted cash as of December 31, 2019?")
    assert draft is not None and draft.short == "40"


def test_a_bare_subtotal_row_is_named_by_the_group_it_closes() -> None:
    report = """# Results

| | 2019 | 2018 |
| --- | --- | --- |
| Gross profit | 50 | 40 |
| Selling costs | | |
| Freight | (6) | (5) |
| Advertising | (4) | (3) |
| Subtotal | (10) | (8) |
| Selling income | 2 | 1 |
"""
    drafted = engine_answer(report, "What were the selling costs in 2018?")
    assert drafted.short == "(8)"  # the Subtotal under "Selling costs", not "Selling income"


def test_a_cell_is_not_the_answer_to_what_the_document_never_names() -> None:
    report = """# Inventories

| | December 31, 2019 | December 31, 2018 |
| --- | --- | --- |
| Raw materials | 40 | 35 |
| Net inventories | 90 | 80 |
"""
    drafted = engine_answer(
        report, "What was the warranty reserve for inventory at December 31, 2019?"
    )
    assert drafted.abstained and "“warranty”, “reserve”" in drafted.text
    assert (
        engine_answer(report, "What were the net inventories at December 31, 2019?").short == "90"
    )


def test_a_named_row_with_no_figure_under_the_named_column_says_so() -> None:
    report = """# Members

| | Members | Renewal rate | |
| --- | --- | --- | --- |
| | 2019 | 2019 | 2018 |
| Household members | 5,000 | | |
| Student members | 1,200 | 61.5 | 58.0 |
"""
    drafted = engine_answer(report, "What was the renewal rate of household members in 2019?")
    assert drafted.abstained and "no figure for Household members under “renewal”" in drafted.text
    assert (
        engine_answer(report, "What was the renewal rate of student members in 2019?").short
        == "61.5"
    )


def test_financial_years_asked_are_the_years_the_table_gives() -> None:
    report = "# Tax\n\n| | 2019 | 2018 |\n| --- | --- | --- |\n| Tax charge | 70 | 95 |\n"
    assert engine_answer(
        report, "Which financial years' information is shown in the table?"
    ).short == [
        "2019",
        "2018",
    ]


def test_the_total_over_years_named_is_their_sum_unless_asked_respectively() -> None:
    report = "# Sales\n\n| | 2019 | 2018 | 2017 |\n| --- | --- | --- | --- |\n| Freight income | 70 | 95 | 40 |\n"
    summed = engine_answer(report, "What is the total freight income earned in both 2018 and 2019?")
    assert summed.short == "165" and "70 + 95" in summed.text.replace("95 + 70", "70 + 95")
    each = engine_answer(report, "What was the total freight income in 2018 and 2019 respectively?")
    assert each.short != "165"


DEFERRED = """# Notes

## 12. Deferred income

| | 2019 | 2018 |
| --- | --- | --- |
| Current | 53.2 | 55.2 |
| Non-current | 13.6 | 14.4 |
| | 66.8 | 69.6 |
"""


def test_a_row_with_no_label_that_adds_up_the_rows_above_is_their_total() -> None:
    totalled = engine_answer(DEFERRED, "What is the total deferred income in 2019?")
    assert totalled.short == "66.8"  # the unlabelled sum row, named by the table's heading
    assert engine_answer(DEFERRED, "What are the components of deferred income?").short == [
        "Current",
        "Non-current",
    ]


def test_a_named_row_that_opens_the_rows_a_total_closes_is_one_of_its_parts() -> None:
    report = """# Receivables

| | 2019 | 2018 |
| --- | --- | --- |
| Trade receivables, current | 375 | 335 |
| Trade receivables, noncurrent | 26 | 15 |
| Total | 401 | 350 |
"""
    drafted = engine_answer(report, "What are the types of accounts in trade receivables?")
    assert drafted.text.startswith("Total [")  # the whole, not its first part
    assert drafted.short == ["Trade receivables, current", "Trade receivables, noncurrent"]
