"""A document's own subject: the organisation a report is by or about, which the report calls
"we" or "the Company" and rarely names. A question about one document that names it ("Boeing's
total revenues") names what the whole document is about, not a constraint that a figure's row or
sentence must cover, so it is read as "its total revenues".

The subject's names are the words of the organisations (spaCy's ORG entities) that the opening
pages name that the file name also names (a report whose file name names no organisation has no
subject here), leaving out words the opening also uses as a person's or a place's name. A word counts only as a proper name: one the document seldom writes in lower case
("Company", "Research" are ordinary words; "Boeing" is a name though "www.boeing.com" is there).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..ingest.corpus import Passage

OPENING_PASSAGES = 40  # the cover and the first pages name the organisation the report is by
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&]*")
# A capitalised word of a question, with a possessive after it ("Boeing's", "3M’s").
_CAPITALISED = re.compile(r"\b[A-Z0-9][A-Za-z0-9&]*(?P<pos>['’]s\b|['’](?=\s))?")


def _name_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) >= 2 and not w.isdigit()}


def subject_names(doc: str, passages: Sequence[Passage]) -> frozenset[str]:
    """The lower-case words that name the document's own organisation (empty when none): of
    the organisations the opening pages name, those the file name names too."""
    from ..ingest.nlp import entities

    ordered = sorted(passages, key=lambda p: p.start)
    lower = _ordinary_words(ordered)
    file_words = _name_words(doc.replace("-", " ").replace("_", " "))
    counts: Counter[str] = Counter()
    people: set[str] = set()  # "the Trump administration" is tagged an organisation too
    for passage in ordered[:OPENING_PASSAGES]:
        if passage.kind == "table":
            continue
        for span, label in entities(passage.text):
            if label == "ORG":
                counts[span.strip()] += 1
            elif label in ("PERSON", "GPE", "NORP"):
                people |= _name_words(span)
    orgs = [_name_words(org) - lower - people for org, _ in counts.most_common()]
    # Only by its file name: the organisation an extract names most may be a customer or a
    # competitor it reports on ("Huawei accounted for 13% of our revenue").
    named = [words for words in orgs if words & file_words]
    return frozenset(w for words in named for w in words)


def _ordinary_words(passages: Sequence[Passage]) -> set[str]:
    """Words the document writes in lower case at least a tenth of the times it uses them."""
    lower: Counter[str] = Counter()
    every: Counter[str] = Counter()
    for passage in passages:
        for w in _WORD.findall(passage.text):
            every[w.lower()] += 1
            lower[w.lower()] += w.islower()
    return {w for w, n in every.items() if lower[w] >= max(1, n / 10)}


def without_subject(question: str, names: frozenset[str]) -> str:
    """The question with each mention of the document's own subject as "it" ("its" for a
    possessive): a run of capitalised words that are all the subject's names."""
    if not names:
        return question
    runs: list[list[re.Match[str]]] = []
    for m in _CAPITALISED.finditer(question):
        word = m.group().split("'")[0].split("’")[0].lower()
        if word not in names:
            continue
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and not last.group("pos")
            and not question[last.end() : m.start()].strip()
        ):
            runs[-1].append(m)
        else:
            runs.append([m])
    if not runs:
        return question
    from ..ingest.nlp import parse

    modifies = {t.idx for t in parse(question) if t.dep_ in ("compound", "poss", "nmod")}
    out, at = [], 0
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        # "Boeing's revenues", "Boeing revenues": its revenues; "did Boeing have": it.
        word = "its" if run[-1].group("pos") or run[-1].start() in modifies else "it"
        before = question[at:start]
        if word == "its":
            before = re.sub(r"\b[Tt]he\s+$", "", before)  # "the Boeing revenue": its revenue
        head = "".join(out) + before
        if not head.strip() or head.rstrip().endswith((".", "?", "!")):
            word = word.capitalize()
        out += [before, word]
        at = end
    return "".join(out) + question[at:]


def read_by(
    question: str, doc: str, passages: Iterable[Passage], known: dict[str, frozenset[str]]
) -> str:
    """The question as document ``doc`` reads it (its subject's names kept in ``known``)."""
    if doc not in known:
        known[doc] = subject_names(doc, [p for p in passages if p.doc == doc])
    return without_subject(question, known[doc])
