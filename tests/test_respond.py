"""The general answerer on hand-made passages (no model, no index): which sentence answers a
"why", and when a figure is the asked period's."""

from __future__ import annotations

from coopqa.answer.respond import respond
from coopqa.answer.synthesize import Evidence
from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.ingest.corpus import parse_text

from .answering import answer_from

REPORT = """# Segment review

## Software

Software revenue, which includes Applications and Platforms, increased 4.5 percent in 2019. \
Platforms revenue grew 1 \
percent, driven by strong fourth-quarter sales.

Applications revenue of $5,765 million grew 2.3 percent compared to the prior year, driven by \
growth in Security.

## Interests

Noncontrolling interests account for €5 million of earnings (2017/18: €1 million).
"""


def test_a_cause_answers_only_for_the_thing_it_names():
    draft = answer_from(REPORT, "What caused the increase in Applications revenue in 2019?")
    assert not draft.abstained
    assert "driven by growth in Security" in draft.text
    assert "fourth-quarter" not in draft.text  # a cause, but of Platforms revenue


def test_a_comparative_year_does_not_date_the_figure_beside_it():
    draft = answer_from(
        REPORT, "How much of earnings do the Noncontrolling interests account for in 2019?"
    )
    assert not draft.abstained and "€5 million" in draft.text


def test_how_many_things_is_not_answered_by_a_share_money_or_time():
    from coopqa.answer.asks import counts_things

    assert counts_things("How many customers did the segment add?") == (True, False)
    assert counts_things("How many years did the programme run?") == (True, True)
    assert counts_things("How many percent of revenue was it?") == (False, False)
    assert counts_things("How much revenue was lost?") == (False, False)
    draft = answer_from(REPORT, "How many customers did Applications add in 2019?")
    assert draft.abstained  # "grew 2.3 percent" and "$5,765 million" count no customers


ENCYCLOPEDIA = """# Lake District

The Lake District is a mountainous region in North West England.

## Geography

The Lake District is approximately 55 kilometres across.

| Lake | Length (km) | Maximum depth (m) |
| --- | --- | --- |
| Windermere | 14.8 | 66 |
| Ullswater | 11.8 | 63 |

## Population

The population of the national park was about 41,100 in 2011.
"""


def test_an_encyclopedia_article_gets_dimensions_places_and_periods_right():
    assert "63" in answer_from(ENCYCLOPEDIA, "How deep is Ullswater?").text  # "how deep": a depth
    draft = answer_from(ENCYCLOPEDIA, "What was the population in 2021?")
    assert draft.abstained and "2021" in draft.text and "41,100" in draft.text
    assert answer_from(ENCYCLOPEDIA, "How many hotels are in the Lake District?").abstained
    where = answer_from(ENCYCLOPEDIA, "Where is the Lake District?").text
    assert "North West England" in where and "55 kilometres" not in where


NOTES = """# Notes

## Other assets

Prepaid licences are included in other current assets on the balance sheet. Prepaid licences \
were reviewed in the year.

## Earnings per share

Option equivalents are excluded from diluted earnings per share if their effect is anti-dilutive.
"""


def test_a_sentence_restating_the_question_answers_where_or_when_without_a_place_or_date():
    where = answer_from(NOTES, "Where are prepaid licences included?")
    assert not where.abstained and "other current assets" in where.text
    when = answer_from(
        NOTES, "When are option equivalents excluded from diluted earnings per share?"
    )
    assert not when.abstained and "anti-dilutive" in when.text
    # a sentence that only restates the question says nothing more: no answer
    assert answer_from(NOTES, "Where were prepaid licences reviewed?").abstained


def _sentence(text: str):
    return parse_text("s", text).passages[0].sentences[0]


def test_sent_to_a_place_is_not_answered_by_those_the_place_sent():
    from coopqa.answer.vocabulary import other_direction

    asked = "How many tourists travelled to Norway in 2019?"
    assert other_direction(asked, _sentence("In 2019, 300 tourists from Norway visited the lakes."))
    assert not other_direction(asked, _sentence("In 2019, 300 tourists travelled to Norway."))
    assert not other_direction(asked, _sentence("In 2019, 300 tourists went abroad."))  # unnamed
    assert not other_direction(  # no place asked as a destination: the rule says nothing
        "How many tourists from Norway came in 2019?",
        _sentence("In 2019, 300 tourists from Norway visited the lakes."),
    )


def test_a_follow_up_is_read_in_its_own_words():
    from coopqa.answer.followup import own_words, resolve

    history = [{"role": "user", "content": "How many tourists travelled to Norway in 2019?"}]
    resolved = resolve("And how many came the other way?", history).search
    assert "Norway" in resolved and "Norway" not in own_words(resolved)
    assert own_words("How many tourists came?") == "How many tourists came?"


def test_a_fiscal_year_answers_when_spacy_tags_no_date():
    from coopqa.answer.respond import years_beyond

    assert years_beyond("When did the mill open?", "The mill opened in FY1998.")
    assert not years_beyond("What did the mill do in 2019?", "In 2019, the mill hired weavers.")
    assert not years_beyond("When did the mill open?", "The mill employs 40 weavers.")
    text = (  # spaCy tags no date in this sentence
        "# Mill\n\nA total of 80 weavers worked at the mill during the period from FY1998, "
        "when the mill opened, to FY2019.\n"
    )
    document = parse_text("m", text, markdown=True)
    passages = list(document.passages)
    texts = [s.text for p in passages for s in p.sentences] + [p.section for p in passages]
    facts = DocumentFacts(extract_document(document).facts, texts)
    scores = {(p.passage_id, i): 1.0 for p in passages for i, _ in enumerate(p.sentences)}
    question = "When did the mill open?"
    evidence = Evidence(question, passages, sentence_scores=scores, library=passages)
    draft = respond(evidence, facts, "document")
    assert not draft.abstained and "FY1998" in draft.text


def test_an_earlier_year_given_the_later_years_figures_comes_from_the_stated_change():
    text = "# Fleet\n\nThe company operated 12 dredgers in 2019, an increase of 3 dredgers from 2018.\n"
    document = parse_text("f", text, markdown=True)
    passages = list(document.passages)
    texts = [s.text for p in passages for s in p.sentences] + [p.section for p in passages]
    facts = DocumentFacts(extract_document(document).facts, texts)
    scores = {(p.passage_id, i): 1.0 for p in passages for i, _ in enumerate(p.sentences)}

    def answer(question: str):
        evidence = Evidence(question, passages, sentence_scores=scores, library=passages)
        return respond(evidence, facts, "document")

    draft = answer("How many dredgers did the company operate in 2018, given the 2019 figures?")
    assert draft.text.startswith("9 dredgers in 2018, computed as 9 = 12 − 3"), draft.text
    draft = answer("How many dredgers did the company operate in 2017, given the 2019 figures?")
    assert "computed as" not in draft.text  # the change runs from 2018, not 2017


OBLIGATIONS = """# Contractual obligations

| | Total | Less than 1 year |
| --- | --- | --- |
| Purchase obligations (2) | $24,800 | $8,129 |
| Operating leases | 4,100 | 1,200 |

(2) Purchase obligations represent the minimum amounts due under agreements to buy goods.
"""


def test_what_a_row_refers_to_is_its_note_not_one_of_its_figures():
    from coopqa.answer.question import read

    draft = answer_from(OBLIGATIONS, "What does purchase obligations refer to?")
    assert (
        not draft.abstained and "minimum amounts due" in draft.text and "24,800" not in draft.text
    )
    assert read("What constitutes audit fees?").asks_meaning
    assert not read("What does the segment include in revenue in 2019?").asks_meaning


def test_a_sentence_listing_its_years_does_not_answer_for_a_year_it_leaves_out():
    report = "# Customers\n\nNokia was our largest customer in fiscal 2019, 2018 and 2017.\n"
    assert not answer_from(report, "Who was the largest customer in 2019, 2018 and 2017?").abstained
    assert answer_from(report, "Who was the largest customer in 2019, 2018 and 2016?").abstained


def test_a_year_the_document_never_writes_is_not_answered_from_an_undated_sentence():
    report = "# Revenue\n\nRevenue for FY2019 was strong.\n\nVAS revenue grew 13% year-on-year.\n"
    draft = answer_from(report, "What was the 2017 year-on-year change in VAS revenue?")
    assert draft.abstained and "2017" in draft.text
    assert not answer_from(
        report, "What was the FY2019 year-on-year change in VAS revenue?"
    ).abstained


def test_a_fiscal_year_named_fy19_is_a_year_not_a_name_the_document_lacks():
    report = "# Costs\n\nIn the year to 30 June 2019, finance costs were the largest expense.\n"
    draft = answer_from(report, "What was the largest expense in FY19?")
    assert "FY19" not in draft.text and "finance costs" in draft.text


def test_what_a_measure_is_subject_to_is_a_thing_not_a_quantity():
    report = (
        "# Margins\n\nCost of goods and operating margin are subject to swings in the price of "
        "timber, which moves with the building season.\n"
    )
    draft = answer_from(report, "What are the cost of goods and operating margin subject to?")
    assert not draft.abstained and "swings in the price of timber" in draft.text


def test_a_cause_may_be_a_clause_opened_by_as_or_a_result_of():
    report = (
        "# Fees\n\nStorage fees decreased in 2019 as we closed two depots for part of the year."
        "\n\nFreight costs rose to $4 million in 2019, as reported.\n\nThe fall in rent is a "
        "result of the move to a smaller depot.\n"
    )
    assert "two depots" in answer_from(report, "Why did storage fees decrease?").text
    assert "smaller depot" in answer_from(report, "Why did rent fall?").text
    assert answer_from(report, "Why did freight costs rise?").abstained  # "as reported": no cause


def test_a_cause_in_the_sentence_after_the_change_it_explains():
    report = """# Review

## Revenue

Revenues from Freight Services increased by 12% year-on-year to $40 million. The increase was \
primarily driven by new coastal routes.

Revenues from Storage fell by 3% year-on-year to $9 million.
"""
    draft = answer_from(
        report,
        "What was the reason for the year-on-year change for revenues from Freight Services?",
    )
    assert not draft.abstained and "new coastal routes" in draft.text
    storage = answer_from(
        report, "What was the reason for the year-on-year change for revenues from Storage?"
    )
    assert "coastal" not in storage.text  # the cause follows Freight Services, not Storage
