"""Questions over a table's rows: counts of rows past a threshold, rows a table lists, sums of
named rows, and which column a tie goes to. Real extraction and matching on small documents."""

from __future__ import annotations

from dataclasses import replace

from coopqa.answer.asks import analyse
from coopqa.answer.strategies.rows import rows_listed, rows_past
from coopqa.answer.vocabulary import document_terms
from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.ingest.corpus import parse_text

REGIONS = """# Revenue report

Revenues by region were as follows (in thousands):

|  | 2019 | 2018 |
| --- | --- | --- |
| Asia |  |  |
| Total Asia revenues | 6,490 | 7,859 |
| Europe |  |  |
| Total Europe revenues | 36,898 | 36,149 |
| America |  |  |
| Total America revenues | 68,024 | 67,314 |
| Total revenues | 111,412 | 111,322 |
"""

CATEGORIES = """# Sales report

Net sales of products by category were as follows for the years ended December 31:

|  | 2019 | 2018 |
| --- | --- | --- |
| Kefir | 71,822 | 78,523 |
| Cheese | 11,459 | 11,486 |
| Cream | 4,228 | 5,276 |
| Net Sales | 87,509 | 95,285 |

Shares in issue were 1,200 at the year end.
"""


def _facts(text: str) -> DocumentFacts:
    return DocumentFacts(extract_document(parse_text("r", text, markdown=True)).facts, [text])


def _question(text: str, facts: DocumentFacts):
    q = analyse(text)
    return replace(q, terms=document_terms(q.terms, facts))


def test_rows_past_a_threshold_are_counted_without_the_whole():
    facts = _facts(REGIONS)
    q = _question("In 2019, how many regions have total revenues of more than $20,000?", facts)
    result, rows = rows_past(q, facts)
    assert result.value == 2 and result.unit == "regions"
    assert [r.value for r in rows] == [36898, 68024]  # "Total revenues" is all of them
    assert "36,898" in result.formula and "6,490" not in result.formula
    q = _question("In 2018, how many regions have total revenues of less than 10,000?", facts)
    assert rows_past(q, facts)[0].value == 1


def test_rows_listed_leave_out_the_row_that_totals_them():
    facts = _facts(CATEGORIES)
    result, rows = rows_listed(_question("How many product categories are there?", facts), facts)
    assert result.value == 3 and [r.subject for r in rows] == ["Kefir", "Cheese", "Cream"]


def test_rows_are_not_counted_for_what_the_caption_does_not_list():
    facts = _facts(CATEGORIES)
    assert rows_listed(_question("How many preferred shares were there?", facts), facts) is None
    assert rows_listed(_question("How many product lines were sold?", facts), facts) is None
    assert rows_past(_question("How many products are listed?", facts), facts) is None


def test_a_total_of_named_things_is_a_sum_without_the_word_total():
    q = analyse("What was the total number of shares issued under ESP and DSP in 2019?")
    assert q.operation == "sum" and "total" not in q.terms
    assert analyse("What were total revenues in 2019?").operation == ""


def test_a_tie_goes_to_the_column_the_question_names_but_never_to_a_share_column():
    text = """# Segments

|  | Software | Data | Total |
| --- | --- | --- | --- |
| Total assets | 3,227.8 | 310.2 | 3,653.4 |

|  | Dollars | % of Revenue |
| --- | --- | --- |
| Revenue | 3,090,325 | 100.0% |
"""
    facts = _facts(text)
    assert facts.rank(("total", "asset"))[0].fact.value == 3653.4
    assert facts.rank(("revenu",))[0].fact.value == 3090325


def test_a_closed_up_word_matches_its_two_parts():
    text = """# Assets

The words net and book appear apart elsewhere: the net book amount was audited.

|  | Software | Total |
| --- | --- | --- |
| Netbook amount | 16,284 | 23,678 |
"""
    facts = _facts(text)
    best = facts.rank(("net", "book", "amount", "softwar"))[0]
    assert best.fact.value == 16284 and best.coverage == 1.0


def test_only_specific_words_the_document_never_uses_block_an_answer():
    from coopqa.answer.vocabulary import unknown_specifics

    facts = _facts(CATEGORIES)
    blocked = unknown_specifics(analyse("How many preferred kefir were sold in 2019?"), facts)
    assert blocked and blocked[0].startswith("prefer")  # a breakdown the document does not give
    assert unknown_specifics(analyse("Which financial years does the table show?"), facts) == []


def test_the_components_of_a_row_are_the_rows_above_that_add_up_to_it():
    from coopqa.answer.strategies.rows import components

    text = """# Inventories

Inventories consist of the following (in thousands):

|  | 2019 | 2018 |
| --- | --- | --- |
| Other assets | 5 | 6 |
| Finished products | 10,905 | 7,099 |
| Work in process | 46,951 | 63,169 |
| Customer advances | — | (9,779) |
| Net inventories | 57,856 | 60,489 |
"""
    facts = _facts(text)
    whole, parts = components(
        _question("What are the components of net inventories?", facts), facts
    )
    assert whole.value == 57856
    assert [row.subject for row, _ in parts] == [
        "Finished products",
        "Work in process",
        "Customer advances",
    ]  # "Other assets" is above them but not a part: the sum closes without it
    assert parts[-1][1] is None  # a dash in 2019's column
    assert components(_question("What were net inventories in 2019?", facts), facts) is None


LAKES = """# Lakes

| Lake | Length (km) | Maximum depth (m) |
| --- | --- | --- |
| Windermere | 14.8 | 66 |
| Ullswater | 11.8 | 63 |
| Wastwater | 4.6 | 79 |
| Coniston Water | 8.7 | 56 |
"""


def test_superlatives_comparatives_and_averages_read_the_column_they_name():
    from coopqa.answer.strategies.rows import column_average, extreme

    facts = _facts(LAKES)
    pick, rows, _ = extreme(_question("Which lake is the longest?", facts), facts)
    assert pick.subject == "Windermere" and len(rows) == 4
    assert extreme(_question("Which lake is the shallowest?", facts), facts)[0].value == 56
    assert extreme(_question("Which year had the highest revenue?", facts), facts) is None
    result, passing = rows_past(
        _question("How many lakes are deeper than 60 metres?", facts), facts
    )
    assert result.value == 3 and {f.value for f in passing} == {66, 63, 79}
    result, rows = column_average(_question("What is the average maximum depth?", facts), facts)
    assert result.value == 66 and len(rows) == 4
