"""A table row's note: a row labelled "Widget fees (3)" is explained by the line that starts
"(3) Widget fees include …" below its table. What the row means, includes or relates to is that
note, never one of the row's figures."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..ingest.corpus import Passage, Sentence

# A note mark closing a row label: "(3)", "(a)", "*", "†" or a superscript figure.
_LABEL_MARK = re.compile(
    r"(?:\(\s*([a-z]|\d{1,2})\s*\)|(\*{1,3}|†{1,2})|([¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*$", re.I
)


def mark_of(label: str) -> str | None:
    """The note mark a row label ends with ("(3)" → "3", "*" → "*"), or None."""
    m = _LABEL_MARK.search(label.strip())
    if m is None:
        return None
    return next(g for g in m.groups() if g).lower()


def _opens_with(text: str, mark: str) -> bool:
    """The sentence is the note for ``mark``: "(3) …", "3) …", "3. …" or "* …"."""
    head = text.lstrip()
    if not mark.isalnum():
        return head.startswith(mark) and not head.startswith(mark + mark[0])
    return bool(re.match(rf"\(?{re.escape(mark)}[).]\s", head, re.I))


def note_for(
    label: str, table: Passage, passages: Sequence[Passage]
) -> tuple[Passage, Sentence] | None:
    """The note that the row ``label`` of ``table`` points to: the first sentence opening with
    its mark after the table, else before it; None when the label has no mark or no note."""
    mark = mark_of(label)
    if mark is None:
        return None
    prose = [p for p in passages if p.kind != "table" and p.doc == table.doc]
    after = [p for p in prose if p.start >= table.end]
    before = [p for p in prose if p.end <= table.start][::-1]
    for passage in after + before:
        for sentence in passage.sentences:
            if _opens_with(sentence.text, mark):
                return passage, sentence
    return None


def without_mark(text: str) -> str:
    """The note's words without the mark it opens with."""
    return re.sub(r"^\s*(?:\(?\w{1,2}[).]|\*+|†+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*", "", text)
