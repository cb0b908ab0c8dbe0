"""`coopqa passages`: a document's passages as read, with pages and heading paths."""

from __future__ import annotations

import json

from .test_cli import assert_clean_error, run
from .test_pdf_reader import _report


def test_passages_shows_pages_and_heading_paths_of_a_pdf(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _report(corpus / "Acme 2030.pdf")
    (corpus / "other.md").write_text("# Other\n\nNothing here.\n", encoding="utf-8")
    result = run("passages", "--doc", "Acme 2030.pdf", "--json", data_dir=tmp_path, corpus=corpus)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["doc"] for row in rows} == {"acme-2030"}
    left = next(row for row in rows if "left column opens" in row["text"])
    assert left["section"] == "Item 7. Review of the Year > Segment review"
    assert left["page"] == 1
    assert [row["page"] for row in rows if row["kind"] == "table"] == [1, 2]

    shown = run("passages", "--doc", "acme-2030", data_dir=tmp_path, corpus=corpus)
    assert "p. 2 · Item 7. Review of the Year > Segment review" in shown.stdout

    missing = run("passages", "--doc", "nowhere.pdf", data_dir=tmp_path, corpus=corpus)
    assert_clean_error(missing, "no document nowhere")
