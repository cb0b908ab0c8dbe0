"""Parsing: exact offsets, pages, heading paths, de-hyphenation, other formats, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopqa.ingest.corpus import (
    CorpusError,
    fold,
    load_corpus,
    normalize_for_match,
    parse_text,
    read_document,
    split_sentences,
)

from .conftest import CHAPTER


def test_every_passage_and_sentence_span_folds_to_its_text(corpus):
    doc = corpus.document("npa-annual-report-ch8-international-cooperation")
    assert doc.text == CHAPTER.read_text(encoding="utf-8")
    assert len(doc.passages) >= 20
    for passage in doc.passages:
        assert fold(doc.text[passage.start : passage.end]) == passage.text
        assert passage.sentences
        for sentence in passage.sentences:
            assert fold(doc.text[sentence.start : sentence.end]) == sentence.text
            assert passage.start <= sentence.start < sentence.end <= passage.end


def test_paragraphs_are_recovered_not_lines(corpus):
    texts = [
        p.text for p in corpus.document("npa-annual-report-ch8-international-cooperation").passages
    ]
    dispatch = next(t for t in texts if "143 persons" in t)
    assert dispatch.startswith("In FY2012, 143 persons were newly dispatched")
    assert dispatch.endswith("an increase of 14 persons from that in FY2011 (Figure 27).")
    # a paragraph continues across a page break (the line " discussion and comparison.")
    assert any(
        t.endswith("through discussion and comparison.") and t.startswith("To contribute")
        for t in texts
    )


def test_pages_and_heading_paths(corpus):
    passages = corpus.document("npa-annual-report-ch8-international-cooperation").passages
    assert {p.page for p in passages} == set(range(1, 7))
    middle = [p for p in passages if "158 officials" in p.text][0]
    assert middle.section == (
        "Section 2. International Cooperation and Exchange > 2. Cooperation with Developing "
        "Countries > (1) Training Course on Human Resources Management > B. Seminar on Public "
        "Personnel Administration for Middle-level Officials"
    )
    assert middle.page == 4
    dispatch = [p for p in passages if "143 persons" in p.text][0]
    assert dispatch.section.startswith("Section 1. Status of Personnel Dispatches")
    assert dispatch.page == 1
    visitors = [p for p in passages if "195 government employees" in p.text][0]
    assert visitors.section.endswith("5. Research Groups From Abroad")
    assert passages[0].section == "Chapter 8. International Cooperation"


def test_hyphenated_line_breaks_are_joined_for_search_only(corpus):
    middle = [
        p
        for p in corpus.document("npa-annual-report-ch8-international-cooperation").passages
        if "158 officials" in p.text
    ][0]
    assert "Pro- gram" in middle.text and "sem- inar" in middle.text
    assert "Personnel Administration Training Program" in middle.search_text
    assert "this seminar during" in middle.search_text
    assert "Middle-level Officials" in middle.search_text  # a real hyphen stays
    assert normalize_for_match("Training Program,") in normalize_for_match(middle.text)


def test_sentences_do_not_split_after_abbreviations():
    raw = "In FY2013, the NPA invited Ms. Nathalie Loiseau of France. It was the U.K. turn. Done."
    texts = [s.text for s in split_sentences(raw, 0, len(raw))]
    assert texts == [
        "In FY2013, the NPA invited Ms. Nathalie Loiseau of France.",
        "It was the U.K. turn.",
        "Done.",
    ]


def test_markdown_headings_and_blank_line_paragraphs():
    raw = "# Chapter 9\n\n## Budget\n\nThe budget rose.\nIt was large.\n\nA second paragraph.\n"
    doc = parse_text("ch9", raw, markdown=True)
    assert [p.text for p in doc.passages] == [
        "The budget rose. It was large.",
        "A second paragraph.",
    ]
    assert doc.passages[0].section == "Budget"
    for p in doc.passages:
        assert fold(raw[p.start : p.end]) == p.text


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with real text, written by hand so no PDF writer is needed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_documents_are_ingested(tmp_path: Path):
    path = tmp_path / "chapter-9.pdf"
    path.write_bytes(_tiny_pdf("The NPA trained 77 officials from Laos in FY2013."))
    doc = read_document(path)
    assert doc.doc == "chapter-9"
    assert "77 officials from Laos" in doc.passages[0].text
    assert fold(doc.text[doc.passages[0].start : doc.passages[0].end]) == doc.passages[0].text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"   \n\n  ", "no text"),
        ("binary.txt", b"\x00\x01\x02\xff" * 100, "binary"),
        ("latin1.txt", "caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF"),
        ("image.png", b"\x89PNG....", "unsupported file type"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=reason):
        read_document(path)


def test_a_bad_file_is_skipped_and_the_rest_still_loads(tmp_path: Path):
    (tmp_path / "good.md").write_text("# Notes\n\nThe NPA hosted 12 visitors.\n", encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "empty.txt").write_bytes(b"")
    corpus = load_corpus([tmp_path])
    assert [d.doc for d in corpus.documents] == ["good"]
    assert len(corpus.warnings) == 2
    assert any("bad.pdf" in w for w in corpus.warnings)


def test_missing_or_empty_corpus_is_an_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus([tmp_path / "nowhere"])
    with pytest.raises(CorpusError, match="no usable documents"):
        load_corpus([tmp_path])


def test_a_line_with_no_sentence_end_inside_is_one_sentence_without_a_parse(monkeypatch):
    from coopqa.ingest import nlp

    nlp._sentence_spans.cache_clear()
    parsed: list[str] = []
    real = nlp._parse_for_sentences
    monkeypatch.setattr(nlp, "_parse_for_sentences", lambda text: parsed.append(text) or real(text))
    assert nlp.sentence_spans("  Revenue (in thousands) rose, as expected  ") == [(2, 42)]
    assert parsed == []
    assert len(nlp.sentence_spans('She said "Go." Then she left.')) == 2
    assert parsed == ['She said "Go." Then she left.']  # a sentence ends inside: the parser decides


def test_load_corpus_can_read_only_the_named_documents(tmp_path):
    from coopqa.ingest.corpus import load_corpus

    (tmp_path / "Annual Report 2019.md").write_text("# Sales\n\nSales rose to $5 million.\n")
    (tmp_path / "other.md").write_text("# Costs\n\nCosts fell.\n")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    assert [d.doc for d in load_corpus([tmp_path]).documents] == ["annual-report-2019", "other"]
    named = load_corpus([tmp_path], only={"annual-report-2019"})
    assert [d.doc for d in named.documents] == ["annual-report-2019"] and not named.warnings
    assert load_corpus([tmp_path], only=set()).documents == ()  # none named: none read, no error


def test_numbered_caps_and_note_headings_in_plain_text():
    raw = (
        "PART II\n\n"
        "Item 7. Management's Discussion\n\n"
        "RESULTS OF OPERATIONS\n\n"
        "3.1 Revenue\n\n"
        "Revenue rose by 4 percent in the year, led by the largest\nsegment.\n\n"
        "3.1.2 Services\n\n"
        "Services grew faster than goods and now make up most of\nthe total.\n\n"
        "Note 3 — Income Taxes\n\n"
        "The tax rate was 21 percent, as it was in each of the\nthree years before.\n\n"
        "Item 8. Financial Statements 52\n\n"
        "A LINE IN CAPITALS INSIDE A PARAGRAPH\n"
        "carries on in lower case.\n"
    )
    doc = parse_text("report", raw, indent_pages=False)
    sections = {p.text.split()[0]: p.section for p in doc.passages}
    assert sections["Revenue"] == (
        "PART II > Item 7. Management's Discussion > RESULTS OF OPERATIONS > 3.1 Revenue"
    )
    assert sections["Services"].endswith("3.1 Revenue > 3.1.2 Services")
    assert sections["The"] == (
        "PART II > Item 7. Management's Discussion > RESULTS OF OPERATIONS > Note 3 — Income Taxes"
    )
    # a contents line (title and page number) and a capitalised line inside a paragraph stay text
    assert any("Item 8. Financial Statements 52" in p.text for p in doc.passages)
    assert any("A LINE IN CAPITALS INSIDE A PARAGRAPH carries on" in p.text for p in doc.passages)
    assert not any("Item 8" in p.section or "CAPITALS" in p.section for p in doc.passages)
    for p in doc.passages:
        assert fold(raw[p.start : p.end]) == p.text


def test_numbered_headings_in_markdown_sit_below_its_own():
    raw = "# Annual report\n\n## Notes\n\nNote 3 — Leases\n\nLeases run ten years.\n\n1. A list item\n"
    doc = parse_text("report", raw, markdown=True)
    leases = next(p for p in doc.passages if p.text.startswith("Leases"))
    assert leases.section == "Notes > Note 3 — Leases"
    assert any(p.text == "1. A list item" for p in doc.passages)
