"""The extractive synthesizer's drafts on small hand-made passages and facts (no model, no index)."""

from __future__ import annotations

import re

from coopqa.answer.overview import Request, overview
from coopqa.answer.synthesize import Evidence, ExtractiveSynthesizer, antecedent_of, phrase
from coopqa.facts.model import Fact, FactMatch
from coopqa.ingest.corpus import Passage, Sentence


def passage(pid: str, section: str, start: int, *texts: str) -> Passage:
    sentences, at = [], start
    for text in texts:
        sentences.append(Sentence(text, at, at + len(text)))
        at += len(text) + 1
    return Passage(
        doc="doc",
        passage_id=pid,
        section=section,
        page=1,
        paragraph=int(pid[-1]),
        text=" ".join(texts),
        start=start,
        end=at - 1,
        sentences=tuple(sentences),
    )


INTRO = passage("p1", "Part A", 0, "The office runs a training course for officials.")
COURSE = passage(
    "p2",
    "Part A",
    100,
    "The office also hosts visitors.",
    "This course lasted two weeks and 40 officials attended it.",
)
LATER = passage("p3", "Part B > Visits", 300, "Its visitors came from abroad.")
OTHER = passage("p4", "Part B", 200, "Part B is about visits.")
LIBRARY = [INTRO, COURSE, OTHER, LATER]

ATTENDED = Fact(
    id="course.attended",
    subject="Internal label of the course",
    measure="attended the course",
    value=40,
    unit="officials",
    period="FY2013",
    doc="doc",
    quote="40 officials attended it",
)


def test_a_leaning_sentence_leans_on_the_one_before_it():
    second = COURSE.sentences[1]
    assert antecedent_of(COURSE, second, LIBRARY) == (COURSE, COURSE.sentences[0])
    assert antecedent_of(COURSE, COURSE.sentences[0], LIBRARY) is None  # stands alone
    # a passage's first sentence leans on the last one under the same or a parent heading
    assert antecedent_of(LATER, LATER.sentences[0], LIBRARY) == (OTHER, OTHER.sentences[0])


def test_a_quoted_sentence_comes_with_the_one_it_leans_on():
    evidence = Evidence(
        question="What was the course like?",
        passages=[COURSE],
        sentence_scores={("p2", 1): 1.0},
        library=LIBRARY,
    )
    draft = ExtractiveSynthesizer().synthesize(evidence)
    assert draft.text == (
        "“The office also hosts visitors.” [2] “This course lasted two weeks and 40 officials "
        "attended it.” [1]"
    )
    assert draft.quotes == {1: COURSE.sentences[1], 2: COURSE.sentences[0]}
    assert evidence.passages == [COURSE, COURSE]  # each sentence has its own citation


def test_a_figure_leads_once_and_its_sentence_follows_without_it():
    evidence = Evidence(
        question="How many officials attended the course?",
        passages=[COURSE],
        facts=[FactMatch(ATTENDED, 1.0)],
        numeric=True,
        library=LIBRARY,
    )
    draft = ExtractiveSynthesizer().synthesize(evidence)
    assert draft.text.startswith("40 officials in FY2013: ")
    assert re.findall(r"\b40\b", draft.text) == ["40"]
    assert "… attended it." in draft.text and "Internal label" not in draft.text
    assert draft.grounded == [("40 officials in FY2013", [ATTENDED])]


def test_a_fact_is_phrased_without_its_subject():
    assert phrase(ATTENDED) == "40 officials attended the course in FY2013"


def test_an_overview_has_one_cited_bullet_per_top_section():
    evidence = Evidence(question="Give an overview", passages=[], library=LIBRARY)
    draft = overview(evidence, ["doc"], Request())
    assert draft.text == (
        "From the headings and the opening sentence of each part: "
        "• Part A: “The office runs a training course for officials.” [1] "
        "• Part B (Visits): “Part B is about visits.” [2]"
    )
    assert not draft.abstained and len(evidence.passages) == 2
    one = overview(Evidence(question="", passages=[], library=LIBRARY), ["doc"], Request(count=1))
    assert one.text.count("•") == 1
    more = overview(Evidence(question="", passages=[], library=LIBRARY), ["doc"], Request(count=4))
    assert more.text.count("•") == 3  # one level deeper: A, B, B > Visits


def test_an_overview_of_several_documents_has_a_bullet_each_and_untitled_text_is_quoted():
    plain = Passage("notes", "notes:000", "", 1, 0, "Notes begin here.", 0, 17,
                    (Sentence("Notes begin here.", 0, 17),))  # fmt: skip
    evidence = Evidence(question="", passages=[], library=[*LIBRARY, plain])
    draft = overview(evidence, ["doc", "notes"], Request(all_documents=True))
    assert draft.text.endswith(
        "• Part A: “The office runs a training course for officials.” [1] "
        "• notes: “Notes begin here.” [2]"
    )
    alone = overview(Evidence(question="", passages=[], library=[plain]), ["notes"], Request())
    assert alone.text.endswith("• “Notes begin here.” [1]")
