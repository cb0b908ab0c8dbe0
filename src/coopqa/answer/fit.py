"""How well a table's own words fit a question, beside its row: its title and unit line, its
heading path and its column headers. When the same row ("Total revenues") is in several tables,
the one whose title and heading the question names is read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..ingest.text import tokenize
from .asks import counts_things

if TYPE_CHECKING:
    from .cells import Cell
    from .question import Question

_ASIDE = re.compile(r"\([^)]*\)|,.*$")


def table_fit(store: Any, terms: Sequence[str], cells: list[Cell]) -> float:
    """The weighted share of ``terms`` (by the engine's ``Store`` weights) that the row's table
    title, heading path and column headers hold (the row's own label aside)."""
    if not terms or not cells:
        return 0.0
    first = cells[0]
    title = first.header.text if first.header is not None else ""
    words = set(tokenize(f"{first.passage.section} {title}"))
    words |= {t for c in cells for t in c.column_terms}
    return store.share(terms, [t for t in terms if t in words])


def counts_another_thing(question: Question, cells: list[Cell]) -> bool:
    """A "how many employees" question is not answered by a row about another thing that only
    names them ("Other employee benefits"): the last word of the row's label (its head, asides
    such as "(in thousands)" left out) is one the question does not use."""
    things, time = counts_things(question.text)
    if not things or time or not cells:
        return False
    own = tokenize(_ASIDE.sub(" ", cells[0].row))
    return bool(own) and own[-1] not in question.terms
