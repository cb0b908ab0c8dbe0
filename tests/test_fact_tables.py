"""A narrative document (prose only) is answered from its own extracted fact table, as the reviewed
chapter is from facts.csv; a document with tables is left to ``respond``."""

from __future__ import annotations

import pytest

from coopqa.answer.fact_tables import FactTables, TableView, extracted_view, is_narrative
from coopqa.facts.extract import extract_document
from coopqa.ingest.corpus import parse_text

from .answering import corpus_settings

NARRATIVE = """# Fisheries Agency Annual Report 2015

## Section 1. Observer Programme

In FY2014, 52 observers were newly deployed to partner fleets, a decrease of 6 observers from \
that in FY2013. Meanwhile, 40 observers returned to port in FY2014. As a result, the total number \
of deployed observers was 230 as of the end of FY2014, an increase of 12 observers from that in \
FY2013.

## Section 2. Training Seminar for Inspectors

In FY2014, 18 inspectors from 9 countries attended the two-week seminar. A total of 310 \
inspectors from 40 countries attended this seminar during the period from FY1995, when this \
seminar started, to FY2014.

## Section 3. Port Inspections

In FY2014, inspectors boarded 640 foreign vessels in port.

## Section 4. Research Cruises

The agency ran 7 research cruises in FY2014.

## Section 5. Outreach

In FY2014, 35 schools hosted talks by agency staff.
"""

TABLED = """# Harbour Works Annual Review 2019

## Segments

Segment results for 2019 were as follows:

|  | Dredging | Towage |
| --- | --- | --- |
| Revenue | 120.5 | 80.0 |
| Costs | 100.0 | 70.5 |
"""


def _narrative(text: str) -> bool:
    document = parse_text("d", text, markdown=True)
    return is_narrative(document.passages, extract_document(document).facts)


def test_a_narrative_report_is_prose_with_figures_under_several_headings():
    assert _narrative(NARRATIVE)
    assert not _narrative(TABLED)
    assert not _narrative(NARRATIVE.split("## Section 3")[0])  # two headings tell nothing apart
    assert not _narrative(NARRATIVE + "\n## Annex\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n")
    assert not is_narrative([], [])


def test_the_extracted_table_groups_facts_by_section_and_derives(embedder):
    document = parse_text("n", NARRATIVE, markdown=True)
    facts = extract_document(document).facts
    view = extracted_view(facts, document.passages, embedder.embed_documents, frozenset({"n"}))
    assert view.table.name == "document" and not view.reviewed and view.docs == {"n"}
    returned = next(f for f in view.table.stated if f.value == 40)
    assert returned.subject == "Section 1. Observer Programme"
    assert set(view.vectors) == {f.id for f in view.table.facts}
    previous = [f for f in view.table.derived if f.value == 58]
    assert previous and previous[0].formula == "52 + 6"


def test_a_heading_that_recurs_names_its_facts_by_its_whole_path(embedder):
    text = (
        "# Review\n\n## Ports\n\n### Results\n\nThe ports handled 40 ships in 2019.\n\n"
        "## Fleet\n\n### Results\n\nThe fleet grew to 12 dredgers in 2019.\n"
    )
    document = parse_text("r", text, markdown=True)
    facts = extract_document(document).facts
    view = extracted_view(facts, document.passages, embedder.embed_documents, frozenset({"r"}))
    subjects = {f.value: f.subject for f in view.table.stated}
    assert subjects[40] != subjects[12] and subjects[40].endswith("Ports > Results")


def test_years_between_are_not_precomputed_for_a_chronicle():
    from coopqa.facts.derive import MAX_DATED_EVENTS, derive

    def chronicle(events: int) -> list:
        text = "# History\n\n## Milestones\n\n" + " ".join(
            f"The plant opened line {n} in FY{2000 + n}." for n in range(1, events + 1)
        )
        return extract_document(parse_text("h", text + "\n", markdown=True)).facts

    def between(facts: list) -> list:
        return [f for f in derive(facts) if f.measure.startswith("years after")]

    assert len(between(chronicle(3))) == 3  # FY2001-FY2002, FY2001-FY2003, FY2002-FY2003
    assert between(chronicle(MAX_DATED_EVENTS + 1)) == []


SHORT = """# Notes 2014

## Staff

The agency employed 230 observers in FY2014, 12 more than in FY2013.
"""


def _tables(embedder, reviewed_docs: frozenset[str] = frozenset(), **texts: str) -> FactTables:
    from coopqa.facts.lookup import FactTable

    passages, extracted = [], {}
    for name, text in texts.items():
        document = parse_text(name, text, markdown=True)
        passages += document.passages
        extracted[name] = (extract_document(document).facts, {})
    reviewed = TableView(FactTable([]), {}, True, reviewed_docs) if reviewed_docs else None
    return FactTables(
        reviewed, passages, extracted, lambda docs, t: embedder.embed_documents(t), True
    )


def test_a_scope_gets_the_lookup_only_when_each_document_is_a_narrative_report(embedder):
    tables = _tables(embedder, a=NARRATIVE, b=NARRATIVE.replace("Fisheries", "Forestry"), c=SHORT)
    assert tables.for_docs(frozenset({"a"})).docs == {"a"}
    assert tables.for_docs(frozenset({"a", "b"})).docs == {"a", "b"}
    assert tables.for_docs(frozenset({"c"})) is None
    assert tables.for_docs(frozenset({"a", "c"})) is None  # c's few headings do not add to a's
    assert tables.for_docs(frozenset()) is None


def test_reviewed_rows_answer_their_documents_and_keep_the_lookup_off_a_mixed_scope(embedder):
    tables = _tables(embedder, frozenset({"r"}), r=NARRATIVE, a=NARRATIVE)
    assert tables.for_docs(frozenset({"r"})) is tables.reviewed
    assert tables.for_docs(frozenset({"a"})) is not None
    assert tables.for_docs(frozenset({"r", "a"})) is None


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    from coopqa.chain import Assistant

    documents = {"observers.md": NARRATIVE, "harbour.md": TABLED}
    settings = corpus_settings(tmp_path_factory.mktemp("narrative"), documents)
    return Assistant(settings, embedder=embedder)


def test_only_the_narrative_document_gets_an_extracted_table(assistant):
    narrative = assistant.gather("How many observers returned?", docs=["observers"])
    tabled = assistant.gather("What was Dredging revenue?", docs=["harbour"])
    assert narrative.table is not None and narrative.table.name == "document"
    assert {f.doc for f in narrative.table.facts} == {"observers"}
    assert tabled.table is None


def test_a_stated_figure_is_answered_and_verified(assistant):
    answer = assistant.ask("How many observers returned to port in FY2014?", docs=["observers"])
    assert not answer.abstained and answer.answer.startswith("40 observers")
    assert {n.status for n in answer.numbers if n.text == "40"} == {"verified"}


def test_the_year_before_a_stated_change_is_worked_out(assistant):
    answer = assistant.ask("How many observers were newly deployed in FY2013?", docs=["observers"])
    assert "58" in answer.answer and "52 + 6" in answer.answer
    assert not answer.abstained


def test_a_period_the_document_does_not_give_is_not_stated(assistant):
    answer = assistant.ask(
        "What was the total number of deployed observers at the end of FY2012?", docs=["observers"]
    )
    assert answer.abstained
    assert answer.answer.startswith("The document does not say") and "FY2012" in answer.answer


def test_the_tabled_document_is_still_read_by_its_cells(assistant):
    answer = assistant.ask("What was the revenue of Dredging?", docs=["harbour"])
    assert "120.5" in answer.answer and not answer.abstained


def test_a_narrative_report_s_fact_vectors_are_kept_for_the_next_start(tmp_path, embedder):
    from coopqa.chain import Assistant

    from .test_precomputed import CountingEmbedder

    settings = corpus_settings(tmp_path, {"observers.md": NARRATIVE})
    counting = CountingEmbedder(embedder)
    question = "How many observers returned to port in FY2014?"
    assert "40" in Assistant(settings, embedder=counting).ask(question).answer
    assert counting.documents > 0  # the passages, the question's sentences and now the facts
    counting.documents = 0
    again = Assistant(settings, embedder=counting)
    assert "40" in again.ask(question).answer
    # nothing is embedded again: the facts' and the (small) corpus's sentences' vectors are kept
    assert counting.documents == 0 and len(again._sentence_vectors) > 0
