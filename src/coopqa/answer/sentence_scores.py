"""How well each evidence sentence answers the question: its cosine to the question, plus the
question's words it shares, plus whether it names every date the question names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..facts.numbers import find_numbers
from ..ingest.corpus import Passage
from ..ingest.text import expand_query, tokenize
from ..params import fitted
from .fact_ranking import dot

# A sentence's score: cosine to the question plus this much of the question's words it shares.
OVERLAP_WEIGHT = fitted("overlap_weight")
# ... and this much when it names every date the question names ("in November 2013").
DATE_MATCH = fitted("date_match")

Key = tuple[str, int]


def score_sentences(
    vector: list[float], query: str, passages: Sequence[Passage], vectors: dict[Key, Any]
) -> tuple[dict[Key, float], dict[Key, float]]:
    """Each sentence's ranking score, and its cosine similarity to the question, keyed by
    (passage id, sentence index); ``vectors`` holds the sentences' stored vectors."""
    asked = set(tokenize(query))
    words = set(expand_query(list(asked)))
    dates = [m.text.lower() for m in find_numbers(query) if m.is_time]
    scores, similarity = {}, {}
    for passage in passages:
        for i, sentence in enumerate(passage.sentences):
            key = (passage.passage_id, i)
            stored = vectors.get(key)
            dense = dot(vector, stored) if stored is not None else 0.0
            overlap = len(words & set(tokenize(sentence.text))) / max(len(asked), 1)
            on_date = bool(dates) and all(d in sentence.text.lower() for d in dates)
            scores[key] = dense + OVERLAP_WEIGHT * overlap + DATE_MATCH * on_date
            similarity[key] = dense
    return scores, similarity
