"""A document's own subject (the organisation that calls itself "we" and "the Company") and what
a number in a sentence counts: general rules, on made-up text."""

from __future__ import annotations

from coopqa.answer.counted import counts_another, quantified_noun
from coopqa.answer.subject import subject_names, without_subject
from coopqa.facts.numbers import find_numbers
from coopqa.ingest.corpus import parse_text

REPORT = """# Annual report

Harbourline Freight Corporation (the Company, we, us) moves containers for shippers. Harbourline
Freight Corporation was founded in 1990 and is listed on the Exchange.

We operate 40 terminals. The company's terminals handle more than half of the port's traffic, and
every company in the port group reports to the Harbour Authority once a year.

Harbourline Freight Corporation's board met twelve times in the year.
"""


def test_the_subject_is_the_organisation_the_file_names_in_its_own_proper_words():
    passages = parse_text("harbourline-2030-annual", REPORT, markdown=True).passages
    names = subject_names("harbourline-2030-annual", passages)
    assert "harbourline" in names
    assert "company" not in names  # written in lower case: an ordinary word
    assert "authority" not in names  # another organisation, not the one the file names


def test_a_question_naming_the_subject_reads_it_as_its():
    names = frozenset({"harbourline", "freight"})
    assert (
        without_subject("What were Harbourline's total revenues in 2030?", names)
        == "What were its total revenues in 2030?"
    )
    assert (
        without_subject("How many terminals did Harbourline Freight run?", names)
        == "How many terminals did it run?"
    )
    assert without_subject("What is the Harbourline revenue?", names) == "What is its revenue?"
    assert without_subject("What did the Harbour Authority ask?", names) == (
        "What did the Harbour Authority ask?"
    )
    assert without_subject("Any question", frozenset()) == "Any question"


def test_a_number_counts_the_noun_after_it():
    def nouns(text: str) -> list:
        return [
            (n.text if (n := quantified_noun(text, m.start, m.end)) else None)
            for m in find_numbers(text)
            if not m.is_time
        ]

    assert (
        nouns("We had 0.2 million, 0.3 million and 0.6 million shares withheld.") == ["shares"] * 3
    )
    assert nouns("We had approximately 9,000 skilled employees.") == ["employees"]
    assert nouns("The workforce was approximately 156,000 and 142,000 with 13% abroad.")[:2] == [
        None,
        None,
    ]
    text = "We had 0.6 million shares transferred from employee tax withholdings."
    m = find_numbers(text)[0]
    assert counts_another({"employe"}, text, m.start, m.end)
