"""Answers from ``respond`` over a hand-made Markdown report, with no model and no index: every
sentence is equally close to the question, so the rules alone choose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coopqa.answer.respond import respond
from coopqa.answer.synthesize import Draft, Evidence
from coopqa.config import Settings
from coopqa.facts.extract import extract_document
from coopqa.facts.match import DocumentFacts
from coopqa.ingest.corpus import parse_text


def answer_from(report: str, question: str, name: str = "document") -> Draft:
    document = parse_text("r", report, markdown=True)
    passages = list(document.passages)
    texts = [s.text for p in passages for s in p.sentences] + [p.section for p in passages]
    facts = DocumentFacts(extract_document(document).facts, texts)
    scores = {(p.passage_id, i): 1.0 for p in passages for i, _ in enumerate(p.sentences)}
    evidence = Evidence(question, passages, sentence_scores=scores, library=passages)
    return respond(evidence, facts, name)


def corpus_settings(root: Path, documents: dict[str, str], **extra: Any) -> Settings:
    """Settings over ``documents`` (file name -> text) written to a corpus under ``root``, with
    its own data dir and no facts.csv."""
    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    no_facts = root / "no-facts.csv"
    return Settings(data_dir=root / "data", corpus_dirs=(corpus,), facts_path=no_facts, **extra)
