"""Which of a question's words the documents use: in their own words or a glossary synonym, the
specific ones they never use (a name, a breakdown), and the names a sentence gives.

General English from spaCy's parse and entities; the vocabulary from the documents themselves.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..facts.match import DocumentFacts
from ..ingest.corpus import Sentence
from ..ingest.text import tokenize
from .asks import TIME_NOUNS, Question
from .question import PERIOD_TERM

NAMED_ENTITIES = frozenset(
    ("ORG", "GPE", "PERSON", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART")
)
_MODIFIERS = frozenset(("amod", "compound", "nmod", "poss"))


def document_terms(terms: tuple[str, ...], facts: DocumentFacts) -> tuple[str, ...]:
    """Each question term in the documents' own word: itself, or its glossary synonym or
    country the documents use; terms they never use in any form are left out."""
    from .strategies.acronyms import expansion

    out = []
    for term in terms:
        forms = [term, *glossary_forms(term)]
        own = next((f for f in forms if facts.known(f)), "")
        out += [own] if own else expansion(term, facts)  # "AGM": the words it abbreviates
    return tuple(t for t in dict.fromkeys(out) if t)


def glossary_forms(term: str) -> list[str]:
    from ..ingest.glossary import active
    from ..ingest.text import stem

    glossary = active()
    words = glossary.stemmed_thesaurus.get(term, "").split()
    words += [c for n, c in glossary.nationality.items() if stem(n) == term]
    return [stem(w) for w in words]


def unknown_specifics(q: Question, facts: DocumentFacts) -> list[str]:
    """The question's words that make it specific and that the documents never use: a name
    ("Frozen Kefir", "the Life portfolio") or a modifier of a thing they do report ("preferred
    shares", "Residential customers": a breakdown not given). Other unknown nouns ("secondees",
    "headcount") may be the asker's word for what the documents word otherwise: measured on the
    development set and Chapter 8, holding them against a question cost more answers than it
    saved abstentions."""
    from ..ingest.nlp import parse

    specific = []
    for token in parse(q.text):
        if token.pos_ not in ("NOUN", "PROPN", "ADJ"):
            continue
        stems = [t for t in tokenize(token.text) if t in q.terms and not known(t, facts)]
        named = token.pos_ == "PROPN" or token.ent_type_ in NAMED_ENTITIES
        head_known = token.head is not token and any(
            known(t, facts) for t in tokenize(token.head.text)
        )
        of_time = token.head.lemma_.lower() in TIME_NOUNS  # "financial years": no breakdown
        if named or token.dep_ in _MODIFIERS and head_known and not of_time:
            specific += [t for t in stems if len(t) > 3 and not PERIOD_TERM.fullmatch(t)]
    return list(dict.fromkeys(specific))


def new_names(q: Question, sentence: Sentence) -> list[str]:
    """The names (people, bodies, places) a sentence gives that the question does not."""
    from ..ingest.nlp import entities

    asked = q.text.lower()
    return [
        text
        for text, label in entities(sentence.text)
        if label in NAMED_ENTITIES and text.lower() not in asked
    ]


def has_entity(sentence: Sentence, labels: frozenset[str], besides: str = "") -> bool:
    """Whether the sentence names an entity of ``labels`` that ``besides`` (the question) does
    not: "Where is the Lake District?" is not answered by a sentence naming only it."""
    from ..ingest.nlp import entities

    asked = besides.lower()
    return any(
        label in labels and not (asked and text.lower().removeprefix("the ") in asked)
        for text, label in entities(sentence.text)
    )


def known(term: str, facts: DocumentFacts) -> bool:
    return any(facts.known(f) for f in (term, *glossary_forms(term)))


_PLACES = frozenset(("GPE", "LOC"))
_TOWARD = frozenset(("to", "into", "toward", "towards"))
_WITHIN = _TOWARD | frozenset(("in", "at", "inside", "within"))


def _places_under(doc: Any, prepositions: frozenset[str]) -> list[str]:
    """The places named inside a phrase one of ``prepositions`` opens ("to the museum of Oslo")."""
    out = []
    for token in doc:
        if token.dep_ == "prep" and token.lower_ in prepositions:
            span = doc[token.left_edge.i : token.right_edge.i + 1]
            out += [
                e.text.lower()
                for e in doc.ents
                if e.label_ in _PLACES and e.start >= span.start and e.end <= span.end
            ]
    return out


def other_direction(question: str, sentence: Sentence) -> bool:
    """The question asks about movement to a place ("sent to Oslo") and the sentence names that
    place only outside any "to"/"in" phrase ("visitors of Oslo", "from Oslo"): it tells of the
    other direction, not of what went there."""
    asked = _places_toward(question)
    if not asked:
        return False
    named, within = _places_named(sentence.text)

    def meets(place: str, found: tuple[str, ...]) -> bool:
        return any(place in f or f in place for f in found)

    return any(meets(p, named) and not meets(p, within) for p in asked)


def _places_toward(question: str) -> list[str]:
    from ..ingest.nlp import parse

    return _places_under(parse(question), _TOWARD)


@lru_cache(maxsize=8192)  # small results for many sentences, beyond the parse cache
def _places_named(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every place the sentence names, those inside a "to"/"in" phrase)."""
    from ..ingest.nlp import parse

    doc = parse(text)
    named = tuple(e.text.lower() for e in doc.ents if e.label_ in _PLACES)
    return named, tuple(_places_under(doc, _WITHIN))
