"""A whole report as a PDF, answered as a reader would: a report that calls itself "we" and "the
Company" asked about by its name, a figure in two tables told apart by their titles, a change
worked out with the page it comes from, and a question whose every word is somewhere in the
report but whose figure is not. The PDF is written here with fpdf2; real model, real Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

COVER = (
    "Northwind Aerospace Company is a global aerospace company. In this report, the Company, "
    "we, us and our refer to Northwind Aerospace Company and its subsidiaries."
)
BUSINESS = [
    "We design, build and service commercial jetliners and defense systems.",
    "At the end of 2030, we had approximately 142,000 employees, of whom 16% were represented "
    "by collective bargaining agreements.",
    "We sell to airlines in Brazil, Japan and Germany, and to the U.S. government.",
    "The Company's backlog grew in 2030 as airlines ordered more jetliners.",
]
STATEMENT = [
    ("Years ended December 31,", "2030", "2029", "2028"),
    ("Sales of products", "55,893", "51,386", "50,123"),
    ("Sales of services", "10,715", "10,900", "9,035"),
    ("Total revenues", "66,608", "62,286", "59,158"),
    ("Cost of products", "(51,669)", "(47,715)", "(46,123)"),
    ("Operating loss", "(3,547)", "(2,902)", "(1,120)"),
]
SEGMENT = [
    ("Years ended December 31,", "2030", "2029", "2028"),
    ("Commercial Airplanes revenues", "25,867", "19,493", "16,162"),
    ("Defense revenues", "23,162", "26,540", "26,257"),
    ("Total segment revenues", "49,029", "46,033", "42,419"),
]
PAD = (
    "Management reviews the results of each business every quarter, and the board receives a "
    "summary of the review with the forecasts for the next year."
)


def _write(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="pt")
    pdf.set_margins(54, 60)
    pdf.set_auto_page_break(True, margin=72)

    def heading(text: str) -> None:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(500, 18, text)
        pdf.ln(6)

    def prose(text: str) -> None:
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(500, 12, text)
        pdf.ln(8)

    def table(title: str, rows) -> None:
        pdf.set_font("Helvetica", style="B", size=10)
        pdf.cell(400, 12, title)
        pdf.ln(14)
        pdf.set_font("Helvetica", size=10)
        pdf.cell(400, 12, "(Dollars in millions)")
        pdf.ln(14)
        with pdf.table(col_widths=(200, 70, 70, 70), width=410, align="L") as t:
            for row in rows:
                cells = t.row()
                for value in row:
                    cells.cell(value)
        pdf.ln(10)

    pdf.add_page()
    heading("NORTHWIND AEROSPACE COMPANY")
    prose("Annual Report for the year ended December 31, 2030")
    prose(COVER)
    pdf.add_page()
    heading("Item 1. Business")
    for text in BUSINESS:
        prose(text)
    for _ in range(6):
        prose(PAD)
    pdf.add_page()
    heading("Item 7. Segment Results")
    prose("Revenues of our two business segments were as follows.")
    table("Segment Revenues", SEGMENT)
    pdf.add_page()
    heading("Item 8. Financial Statements")
    table("Consolidated Statements of Operations", STATEMENT)
    prose("The notes that follow are an integral part of these statements.")
    pdf.output(str(path))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    from coopqa.chain import Assistant
    from coopqa.config import Settings

    root = tmp_path_factory.mktemp("whole")
    corpus = root / "corpus"
    corpus.mkdir()
    _write(corpus / "NORTHWIND_2030_10K.pdf")
    settings = Settings(
        data_dir=root / "data", corpus_dirs=(corpus,), facts_path=root / "no-facts.csv"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COOPQA_DATA_DIR", str(root / "data"))
        yield Assistant(settings, embedder=embedder)


@pytest.mark.parametrize(
    "question",
    [
        "What were Northwind's total revenues in 2030?",
        "What is the FY2030 total revenues for Northwind?",  # "FY2030" meets the "2030" column
    ],
)
def test_the_report_named_by_its_company_answers_its_total_with_the_page(assistant, question):
    reply = assistant.ask(question)
    assert not reply.abstained, reply.answer
    assert "66,608" in str(reply.short), reply.answer
    assert reply.citations and reply.citations[0].page == 4


def test_a_count_the_report_states_of_itself_as_we(assistant):
    reply = assistant.ask("How many employees did Northwind have at the end of 2030?")
    assert not reply.abstained, reply.answer
    assert "142,000" in reply.answer and reply.citations[0].page == 2


def test_a_percentage_change_of_the_total_is_worked_out_from_its_own_table(assistant):
    reply = assistant.ask("What was the percentage change in total revenues from 2029 to 2030?")
    assert not reply.abstained, reply.answer
    assert "6.94%" in str(reply.short), reply.answer  # 66,608 / 62,286 - 1
    assert 4 in {c.page for c in reply.citations}


def test_every_word_somewhere_in_the_report_is_not_an_answer(assistant):
    reply = assistant.ask("What were Northwind's total revenues in Brazil in 2030?")
    assert reply.abstained, reply.answer


def test_a_row_in_one_table_only_is_read_from_that_table(assistant):
    reply = assistant.ask("What were Northwind's Defense revenues in FY2029?")
    assert "26,540" in str(reply.short) and reply.citations[0].page == 3, reply.answer
