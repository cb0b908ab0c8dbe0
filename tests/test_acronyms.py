"""Abbreviations read as the capitalised words a report spells out (no model, no index)."""

from __future__ import annotations

from coopqa.answer.strategies.acronyms import expansion
from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.ingest.corpus import parse_text

from .answering import answer_from

REPORT = """# Club review

## Meetings

In 2019, 85 members attended the Annual General Meeting of the club. In 2019, 30 members \
attended the Spring Garden Walk.
"""


def _facts(report: str) -> DocumentFacts:
    document = parse_text("r", report, markdown=True)
    texts = [s.text for p in document.passages for s in p.sentences]
    return DocumentFacts(extract_document(document).facts, texts)


def test_an_abbreviation_is_the_words_its_initials_spell():
    facts = _facts(REPORT)
    assert expansion("agm", facts) == ["annual", "general", "meet"]
    assert expansion("sgw", facts) == ["spring", "garden", "walk"]


def test_no_expansion_for_known_words_short_ones_or_no_match():
    facts = _facts(REPORT)
    assert expansion("club", facts) == []  # the report uses it
    assert expansion("am", facts) == []  # too short to be read as initials
    assert expansion("xyz", facts) == []


def test_the_abbreviation_picks_the_figure_of_the_words_it_spells():
    draft = answer_from(REPORT, "How many members attended the AGM in 2019?")
    assert "85" in draft.text and "30" not in draft.text
    draft = answer_from(REPORT, "How many members attended the SGW in 2019?")
    assert "30" in draft.text and "85" not in draft.text
