"""Two things a question asks to add ("counting A and B", "A plus B"), on a hand-made report."""

from __future__ import annotations

from coopqa.answer.strategies.added import clause_words, sides
from coopqa.facts.extract import extract_document
from coopqa.ingest.corpus import parse_text

from .answering import answer_from

REPORT = """# Review 2019

## Hiring

In 2019, 120 engineers joined the company. Meanwhile, 45 technicians joined the company in 2019.

## Training

Trainees spend about two months in the workshop, then about ten months on site. The company \
ran 3 courses in 2019.
"""


def test_the_two_sides_of_an_added_question():
    assert sides("How many joined overall, counting engineers and technicians?") == (
        "engineers ",
        " technicians",
    )
    assert sides("How many staff joined (engineers plus technicians)?") == (
        "engineers ",
        " technicians",
    )
    assert sides("Counting engineers and technicians, who joined?") is None  # nothing to add


def test_two_counts_of_different_things_add_up_without_one_unit():
    draft = answer_from(
        REPORT,
        "How many people joined the company in 2019 overall, counting engineers and technicians?",
    )
    assert draft.text.startswith("165 in total, computed as 165 = 120 + 45")
    assert len(draft.quotes) == 2


def test_two_lengths_in_one_sentence_are_told_apart_by_their_clauses():
    draft = answer_from(
        REPORT,
        "Counting the workshop and the site, about how many months in total does a trainee spend?",
    )
    assert "computed as 12 = 2 + 10" in draft.text


def test_a_length_does_not_add_to_a_count():
    draft = answer_from(REPORT, "How many in total, counting the workshop months plus the courses?")
    assert "computed as" not in draft.text


def test_a_number_s_clause_leaves_out_the_other_number_s_part():
    facts = extract_document(parse_text("r", REPORT, markdown=True)).facts
    two, ten = (next(f for f in facts if f.value == v and f.kind == "duration") for v in (2, 10))
    assert "workshop" in clause_words(two) and "site" not in clause_words(two)
    assert "site" in clause_words(ten) and "workshop" not in clause_words(ten)
