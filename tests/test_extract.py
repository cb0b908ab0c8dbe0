"""Facts extracted from prose and tables: cells, units, periods, bad input, PDF tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.facts.table import markdown_from_rows, parse_markdown_table, read_cell
from coopqa.ingest.corpus import parse_text, read_document

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "annual-reports-dev" / "docs"

TABLE_DOC = """# Annual report extract

## Customer statistics

Net additions were as follows:

|  |  | Net additions (losses) |  |
| --- | --- | --- | --- |
|  | Years ended August 31, |  |  |
|  | 2019 | 2019 | 2018(1) |
| Internet customers | 788,243 | 5,966 | 14,173 |
| Video customers | 649,583 | (39,185) | – |
| Ragged row | 1 |
|  | $'000 |  |  |

During fiscal 2019, the segment replaced 22 legacy systems.
"""


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("(618)", -618.0),
        ("1,810,366", 1810366.0),
        ("12.76%", 12.76),
        ("$15.5 billion", 15.5),
        ("−2,563", -2563.0),
        ("$(2.5)", -2.5),
        ("44.7 (2)", 44.7),
    ],
)
def test_read_cell_values(cell, value):
    assert read_cell(cell).value == value


@pytest.mark.parametrize("cell", ["–", "—", "-", "", "n/a", "Total", "(1) Excludes"])
def test_read_cell_nil_and_text(cell):
    assert read_cell(cell) is None


def test_scale_and_percent_are_kept():
    assert read_cell("$15.5 billion").scale == "billion"
    assert read_cell("$15.5 billion").currency == "$"
    assert read_cell("12.76%").percent


def test_markdown_table_rows_and_headers():
    doc = parse_text("t", TABLE_DOC, markdown=True)
    table_passages = [p for p in doc.passages if p.kind == "table"]
    assert len(table_passages) == 1, "the intro sentence stays out of the table's passage"
    passage = table_passages[0]
    table = parse_markdown_table(TABLE_DOC, passage.start, passage.end)
    assert [r.label for r in table.rows] == ["Internet customers", "Video customers", "Ragged row"]
    assert table.skipped == 1  # the ragged row is counted, not fatal
    assert "Net additions (losses)" in table.headers[1]
    assert table.headers[2].endswith("2018(1)")


SPANNED_LEFT = """Net sales of products by category were as follows:

|  |  | 2019 |  | 2018 |
| --- | --- | --- | --- | --- |
| In thousands | $ | % | $ | % |
| Widgets | 11,459 | 12% | 11,486 | 11% |
"""


def test_a_year_heads_its_column_group_wherever_it_sits_in_it():
    """A merged header cell exported into the last column of its group still heads the group:
    the repeating "$ | %" line below says where the groups are."""
    document = parse_text("t", SPANNED_LEFT, markdown=True)
    facts = {(f.value, f.period, f.unit) for f in extract_document(document).facts}
    assert (11459.0, "2019", "In thousands") in facts
    assert (11486.0, "2018", "In thousands") in facts
    assert (12.0, "2019", "%") in facts


def test_the_sentence_introducing_a_table_is_its_cells_scope():
    document = parse_text("t", SPANNED_LEFT, markdown=True)
    cell = next(f for f in extract_document(document).facts if f.value == 11459)
    assert cell.scope == "Net sales of products by category were as follows:"
    assert "sale" in DocumentFacts([cell], []).rank(("net", "sale", "widget"))[0].fact.scope.lower()


def test_cell_facts_carry_row_column_period_and_quote():
    document = parse_text("t", TABLE_DOC, markdown=True)
    facts = extract_document(document).facts
    cell = next(f for f in facts if f.value == -39185)
    assert cell.subject == "Video customers"
    assert cell.period == "2019"
    assert cell.origin == "table"
    assert (
        TABLE_DOC[cell.start : cell.end]
        == cell.quote
        == "| Video customers | 649,583 | (39,185) | – |"
    )
    assert not [f for f in facts if f.subject == "Video customers" and f.period == "2018"]


def test_prose_facts_have_unit_period_and_change_link():
    text = (
        "# Report\n\nIn FY2012, 143 persons were newly dispatched, a decrease of 4 persons "
        "from that in FY2011.\n"
    )
    facts = extract_document(parse_text("r", text, markdown=True)).facts
    level = next(f for f in facts if f.value == 143)
    change = next(f for f in facts if f.value == 4)
    assert level.unit == "persons" and level.period == "FY2012"
    assert change.measure.startswith("decrease in")
    assert change.period == "FY2012" and change.scope == "FY2011–FY2012"
    assert change.inputs == (level.id,)
    assert text[level.start : level.end] == level.quote


def test_a_figure_completing_the_number_of_x_counts_x():
    text = (
        "# Report\n\nThe total number of deployed observers was 230 at the end of FY2014, "
        "an increase of 12 observers from that in FY2013. Total revenue was $5 million.\n"
    )
    facts = extract_document(parse_text("r", text, markdown=True)).facts
    level = next(f for f in facts if f.value == 230)
    change = next(f for f in facts if f.value == 12)
    assert (level.unit, level.kind) == ("observers", "count")
    assert level.measure == "total number of deployed observers"
    assert change.measure == "increase in total number of deployed observers"
    revenue = next(f for f in facts if f.value == 5)
    assert revenue.kind == "amount" and revenue.measure == "total revenue"


def test_a_date_is_measured_as_the_date_of_what_happened_then():
    text = (
        "# Report\n\nA total of 310 inspectors attended this seminar during the period from "
        "FY1995, when this seminar started, to FY2014. The act was enacted in April 1994.\n"
    )
    facts = extract_document(parse_text("r", text, markdown=True)).facts
    measures = {f.period: f.measure for f in facts if f.measure.startswith("date")}
    assert measures["FY1995"] == "date started"
    assert measures["April 1994"] == "date enacted"


def test_a_comparative_in_parentheses_dates_only_its_own_figure():
    text = (
        "# Report\n\nIn the 2018/19 tax year the cap was £160,800.\n\nNoncontrolling interests "
        "account for €5 million of earnings (2017/18: €1 million).\n"
    )
    facts = extract_document(parse_text("r", text, markdown=True)).facts
    by_value = {f.value: f for f in facts if f.kind != "date"}
    assert by_value[160800].period == "2018/19"
    assert by_value[1].period == "2017/18"
    assert by_value[5].period == ""  # the report's own period: not the comparative's


def test_from_to_levels_take_their_own_periods_and_the_change_spans_both():
    text = (
        "# Report\n\nRevenues increased by 8.1%, or $50.3 million, from $618.3 million during "
        "the year ended December 31, 2018 to $668.6 million during the year ended December 31, "
        "2019.\n"
    )
    facts = {f.value: f for f in extract_document(parse_text("r", text, markdown=True)).facts}
    assert facts[618.3].period.endswith("2018") and facts[668.6].period.endswith("2019")
    assert not facts[618.3].measure.startswith("increase in")  # a level, after "from"
    for change in (facts[8.1], facts[50.3]):  # "8.1%, or $50.3 million": one change, two units
        assert change.measure.startswith("increase in") and change.period.endswith("2019")
        assert "2018" in change.scope and "2019" in change.scope


def test_sentences_keep_initials_and_abbreviations_whole():
    text = (
        "# R\n\nMr. Andrew R. Kaiser chaired it. The U.S. Tax Act passed in 2017. It helped. "
        "It was designated a UNESCO World Heritage Site in 2017.\n"
    )
    passage = parse_text("r", text, markdown=True).passages[0]
    assert [s.text for s in passage.sentences] == [
        "Mr. Andrew R. Kaiser chaired it.",
        "The U.S. Tax Act passed in 2017.",
        "It helped.",
        "It was designated a UNESCO World Heritage Site in 2017.",  # the model splits at "World"
    ]


def test_one_line_markdown_paragraphs_are_not_double_spaced():
    text = "# R\n\nFirst paragraph.\n\nSecond paragraph.\n\n| a | b |\n| --- | --- |\n| x | 1 |\n"
    passages = parse_text("r", text, markdown=True).passages
    assert [p.kind for p in passages] == ["text", "text", "table"]


def test_a_table_without_header_or_with_thousands_of_numbers_does_not_crash():
    rows = "\n".join(f"| row {i} | {i} | {i * 2} |" for i in range(3000))
    text = f"# Big\n\n{rows}\n"
    result = extract_document(parse_text("big", text, markdown=True))
    assert len(result.facts) > 5000


def test_every_dev_document_yields_facts():
    for path in sorted(DEV.glob("*.md")):
        result = extract_document(read_document(path))
        assert any(f.origin == "table" for f in result.facts), path.name


def test_pdf_tables_read_with_pdfplumber(tmp_path):
    from coopqa.ingest.corpus import read_document

    pdf = tmp_path / "report.pdf"
    _write_table_pdf(pdf)
    document = read_document(pdf)
    facts = extract_document(document).facts
    cells = {(f.subject, f.period): f.value for f in facts if f.origin == "table"}
    assert cells[("Revenue", "2019")] == 1200.0
    assert cells[("Costs", "2018")] == -300.0


def _write_table_pdf(path: Path) -> None:
    """A one-page PDF with a ruled table, drawn with matplotlib (no extra dependency)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.axis("off")
    ax.text(0.0, 1.0, "Results of operations", fontsize=12, transform=ax.transAxes)
    table = ax.table(
        cellText=[["", "2019", "2018"], ["Revenue", "1,200", "1,100"], ["Costs", "(350)", "(300)"]],
        loc="center",
        cellLoc="left",
    )
    table.scale(1, 2)
    fig.savefig(path, format="pdf")
    plt.close(fig)


def test_markdown_from_rows_round_trips():
    text = markdown_from_rows([["", "2019"], ["Revenue", "1,200"]])
    table = parse_markdown_table(text, 0, len(text))
    assert table.rows[0].label == "Revenue" and table.headers == ("2019",)


def test_coverage_needs_the_asked_year_and_column():
    document = parse_text("t", TABLE_DOC, markdown=True)
    facts = DocumentFacts(extract_document(document).facts, [TABLE_DOC])
    from coopqa.ingest.text import tokenize

    terms = tuple(tokenize("internet customers net additions"))
    assert facts.rank(terms, (2018,))[0].fact.value == 14173
    assert all(2017 not in {int(f.fact.period or 0)} for f in facts.rank(terms, (2017,)))


def test_stored_records_are_decoded_when_read_and_give_the_extracted_facts():
    from coopqa.facts.extract import extract_document
    from coopqa.facts.store import Records, encode

    text = "# Sales\n\nSales rose 5% to $12 million in 2019.\n"
    document = parse_text("report", text, markdown=True)
    facts = extract_document(document).facts
    records = Records({"report": encode(facts, {"facts": len(facts)}), "broken": "{not json"})
    assert len(records) == 2 and list(records) == ["report", "broken"]
    assert records["report"] == (facts, {"facts": len(facts)})
    assert records["report"][0] is records["report"][0]  # decoded once
    with pytest.raises(ValueError):
        records["broken"]  # only a record that is read is decoded


def test_a_lone_change_header_heads_its_columns_not_the_years_beside_them():
    text = """| Year Ended May 31, |  |  |  |  |
| --- | --- | --- | --- | --- |
|  |  |  | Percent Change |  |
| (Dollars in millions) | 2019 | Actual | Constant | 2018 |
| Hardware | 3,704 | -7% | -5% | 3,994 |
"""
    headers = parse_markdown_table(text, 0, len(text)).headers
    assert "Change" not in headers[0] and "Change" not in headers[3]  # the 2019 and 2018 columns
    assert headers[2].endswith("Percent Change Constant")
    spanning = "|  |  | Years Ended December 31, |  |\n| --- | --- | --- | --- |\n|  | 2019 | 2018 | 2017 |\n| Sales | 1 | 2 | 3 |\n"
    assert all("Years Ended" in h for h in parse_markdown_table(spanning, 0, len(spanning)).headers)


def test_figures_listed_respectively_take_the_periods_in_their_places():
    text = "# Notes\n\n## Options\n\nThe options forfeited for 2019 and 2018 were 1,200 and 3,400, respectively.\n"
    facts = extract_document(parse_text("r", text, markdown=True)).facts
    dated = {f.value: f.period for f in facts if f.unit != "calendar year"}
    assert dated == {1200.0: "2019", 3400.0: "2018"}
