"""Reading a whole PDF as a reader sees it: whole words, column order, no page furniture,
heading paths, tables as pipe tables (also over a page break), verbatim offsets. The PDF is
written here with fpdf2, so every expectation follows from how it was laid out."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopqa.ingest.corpus import fold, read_document

LEFT = (
    "The left column opens the review. Aircraft deliveries rose in every quarter of the year "
    "and the order book grew with them. This sentence closes the left column."
)
RIGHT = (
    "The right column follows the left one. Service revenue was steady while parts sales grew "
    "in the second half. This sentence closes the right column."
)
INTRO = (
    "This report covers the year in brief. Management reviews each segment below, and the "
    "tables give the figures in millions of dollars."
)
SPACED = "Internationally segmented comparable figures"
ROWS = [("Segment", "2030", "2029")] + [(f"Division {n}", f"{n}0", f"{n}1") for n in range(1, 31)]


def _report(path: Path) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.set_xy(54, 30)
            self.cell(300, 10, "Acme Holdings Annual Report 2030")
            self.set_xy(54, 60)

        def footer(self) -> None:
            self.set_font("Helvetica", size=8)
            self.set_xy(290, 750)
            self.cell(30, 10, str(self.page_no()), align="C")

    pdf = Report(format="letter", unit="pt")
    pdf.set_margins(54, 60)
    pdf.set_auto_page_break(True, margin=72)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.set_xy(54, 80)
    pdf.cell(500, 20, "Item 7. Review of the Year")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(54, 115)
    pdf.multi_cell(500, 12, INTRO)
    pdf.set_xy(54, 150)
    pdf.set_char_spacing(1.2)  # glyphs set apart: still one word each
    pdf.multi_cell(500, 12, SPACED + ".")
    pdf.set_char_spacing(0)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.set_xy(54, 185)
    pdf.cell(300, 12, "Segment review")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(54, 210)
    pdf.multi_cell(240, 12, LEFT)
    pdf.set_xy(318, 210)
    pdf.multi_cell(240, 12, RIGHT)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.set_xy(54, 330)
    pdf.cell(300, 12, "Revenue by division")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(54, 350)
    pdf.cell(300, 12, "(in millions, except per share data)")
    pdf.set_xy(54, 370)
    with pdf.table(col_widths=(200, 100, 100), width=400, align="L", repeat_headings=0) as table:
        for row in ROWS:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(500, 12, "The divisions above are all the company has.")
    pdf.output(str(path))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    path = folder / "acme-2030.pdf"
    _report(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COOPQA_DATA_DIR", str(folder / "data"))
        yield read_document(path)


def test_offsets_are_verbatim(report):
    assert report.passages
    for passage in report.passages:
        assert fold(report.text[passage.start : passage.end]) == passage.text
        for sentence in passage.sentences:
            quoted = report.text[sentence.start : sentence.end]
            assert (quoted if passage.kind == "table" else fold(quoted)) == sentence.text
            assert passage.start <= sentence.start < sentence.end <= passage.end


def test_words_are_whole_even_when_glyphs_are_spaced(report):
    text = " ".join(p.text for p in report.passages)
    assert SPACED in text
    assert INTRO in text


def test_columns_are_read_left_then_right(report):
    text = " ".join(p.text for p in report.passages)
    assert LEFT in text and RIGHT in text
    assert text.index(LEFT) < text.index(RIGHT)


def test_running_header_and_page_numbers_are_left_out_but_pages_kept(report):
    assert "Acme Holdings" not in report.text
    for passage in report.passages:
        assert not passage.text.strip().isdigit()
    assert {p.page for p in report.passages} == {1, 2}


def test_headings_from_layout_make_the_heading_path(report):
    left = next(p for p in report.passages if "left column opens" in p.text)
    assert left.section == "Item 7. Review of the Year > Segment review"
    intro = next(p for p in report.passages if "year in brief" in p.text)
    assert intro.section == "Item 7. Review of the Year"


def test_a_table_is_one_pipe_table_with_its_title_and_unit_over_a_page_break(report):
    tables = [p for p in report.passages if p.kind == "table"]
    assert [t.page for t in tables] == [1, 2]
    first, rest = tables
    assert "| Revenue by division (in millions, except per share data) Segment | 2030 | 2029 |" in (
        first.text
    )
    assert "| Division 1 | 10 | 11 |" in first.text
    # the part on the next page is read under the same title and header
    assert rest.text.startswith(
        "| Revenue by division (in millions, except per share data) Segment | 2030 | 2029 |"
    )
    assert "| Division 30 | 300 | 301 |" in rest.text
    every_row = " ".join(t.text for t in tables)
    for name, a, b in ROWS[1:]:
        assert every_row.count(f"| {name} | {a} | {b} |") == 1
    # the table's cells are not in the prose as well
    # and the table parser reads the title above the column headers, each cell under its year
    from coopqa.facts.table import parse_markdown_table

    for part in tables:
        parsed = parse_markdown_table(report.text, part.start, part.end)
        assert parsed.headers == ("2030", "2029")
        assert parsed.rows[0].label.startswith("Division")
    prose = " ".join(p.text for p in report.passages if p.kind == "text")
    assert "Division 7" not in prose
    assert any("all the company has" in p.text for p in report.passages if p.page == 2)


def test_an_unchanged_pdf_is_read_once(report, tmp_path, monkeypatch):
    from coopqa.ingest import pdf_reader

    monkeypatch.setenv("COOPQA_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "acme-2030.pdf"
    _report(path)
    first = read_document(path)
    assert first.passages == report.passages and first.text == report.text

    def unread(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(pdf_reader, "read_pdf", unread)
    pages: list[int] = []
    again = read_document(path, progress=pages.append)
    assert again.passages == first.passages and again.text == first.text
    assert sum(pages) == 2


def test_a_contents_page_is_left_out():
    from coopqa.ingest.pdf_layout import Line, PageLayout, Word
    from coopqa.ingest.pdf_reader import render

    def line(text: str, top: float) -> Line:
        return Line((Word(text, 54, 400, top, top + 10, 10, False),), "full")

    entries = [f"Item {n}. Heading number {n} {n * 3}" for n in range(1, 10)]
    contents = PageLayout(1, 612, 792, [line("PART I", 90)])
    contents.items += [line(text, 110 + 14 * i) for i, text in enumerate(entries)]
    body = PageLayout(2, 612, 792, [line("The year went well for every one of the units.", 100)])
    text = render([contents, body] + [PageLayout(n, 612, 792) for n in range(3, 30)], {})
    assert "Heading number" not in text and "PART I" not in text
    assert text.startswith("\fThe year went well")


def test_headings_from_the_pdf_outline(tmp_path, monkeypatch):
    """A title set like body text is a heading when the PDF's outline (bookmarks) names it."""
    from fpdf import FPDF

    monkeypatch.setenv("COOPQA_DATA_DIR", str(tmp_path / "data"))
    pdf = FPDF(format="letter", unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for top, (title, depth, body) in enumerate(
        [
            ("Financial review", 0, "The review covers the whole group and its two divisions."),
            ("Liquidity and funding", 1, "Cash at the end of the year was enough for two years."),
        ]
    ):
        pdf.set_xy(54, 80 + 120 * top)
        pdf.start_section(title, level=depth)
        pdf.cell(300, 12, title)
        pdf.set_xy(54, 110 + 120 * top)
        pdf.multi_cell(400, 12, body)
    path = tmp_path / "outlined.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    cash = next(p for p in doc.passages if p.text.startswith("Cash at the end"))
    assert cash.section == "Financial review > Liquidity and funding"


def test_a_page_number_just_below_the_text_is_left_out():
    from coopqa.ingest.pdf_layout import Line, PageLayout, Word
    from coopqa.ingest.pdf_reader import render

    def line(text: str, top: float) -> Line:
        return Line((Word(text, 54, 300, top, top + 10, 10, False),), "full")

    pages = [
        PageLayout(n, 612, 792, [line(f"Page {n} tells of the year.", 100), line(str(n), 400)])
        for n in range(1, 4)
    ]
    text = render(pages, {})
    assert (
        text
        == "Page 1 tells of the year.\n\n\fPage 2 tells of the year.\n\n\fPage 3 tells of the year.\n"
    )
