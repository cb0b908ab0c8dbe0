"""Answers from ``respond`` over a hand-made Markdown report, with no model and no index: every
sentence is equally close to the question, so the rules alone choose."""

from __future__ import annotations

from coopqa.corpus import parse_text
from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.respond import respond
from coopqa.synthesize import Draft, Evidence


def answer_from(report: str, question: str, name: str = "document") -> Draft:
    document = parse_text("r", report, markdown=True)
    passages = list(document.passages)
    texts = [s.text for p in passages for s in p.sentences] + [p.section for p in passages]
    facts = DocumentFacts(extract_document(document).facts, texts)
    scores = {(p.passage_id, i): 1.0 for p in passages for i, _ in enumerate(p.sentences)}
    evidence = Evidence(question, passages, sentence_scores=scores, library=passages)
    return respond(evidence, facts, name)
