"""The components of a total: the rows a table adds up into the row the question names ("What
are the components of total accrued expenses?", "How many types of deferred income are there?").

The named row's components are the rows of its table and group above it, back to the previous
total; a row that heads its group (nothing above it) has the rows below it instead. A question
that names the table and no row of it ("What are the types of X in the table?") asks for all its
rows but the totals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..cells import Cell
from ..question import Question
from . import Operation, Result

TOTAL_ROW = re.compile(r"^\s*(?:total|net|sub-?total)\b", re.I)
_HOW_MANY = re.compile(r"^\W*how many\b", re.I)


def one_per_row(cells: Sequence[Cell]) -> list[Cell]:
    """One cell for each row, in table order."""
    first: dict[int, Cell] = {}
    for cell in cells:
        first.setdefault(cell.row_index, cell)
    return [first[r] for r in sorted(first)]


def components(whole: Cell, table: Sequence[Cell]) -> tuple[Cell, list[Cell]]:
    """The total ``whole`` stands for and the rows that make it up, one cell each (no rows when
    none do). A named row that opens the rows a total row closes is one of that total's parts."""
    rows = [c for c in one_per_row(table) if c.group == whole.group]
    at = next(i for i, c in enumerate(rows) if c.row_index == whole.row_index)
    above = []
    for cell in reversed(rows[:at]):
        if TOTAL_ROW.match(cell.row):
            break
        above.append(cell)
    if len(above) >= 2:
        return whole, above[::-1]
    below = []
    for cell in rows[at + 1 :]:
        if TOTAL_ROW.match(cell.row):
            if below and not above:  # "Current", "Non-current", then "Total"
                return cell, [whole, *below]
            break
        below.append(cell)
    return whole, below if len(below) >= 2 else []


def solve(question: Question, cells: Sequence[Cell]) -> Result | None:
    """``cells``: the named row's cells first, then every cell of its table."""
    whole = cells[0]
    table = [c for c in cells if c.table == whole.table]
    if whole.label_terms.isdisjoint(question.terms):  # the question names the table, not a row
        parts = [c for c in one_per_row(table) if c.row.strip() and not TOTAL_ROW.match(c.row)]
        inputs: tuple[Cell, ...] = ()
    else:
        total, parts = components(whole, table)
        inputs = (total,)
    if len(parts) < 2:
        return None
    count = float(len(parts)) if _HOW_MANY.match(question.text) else None
    return Result(count, inputs, "", "the components", parts=tuple(parts))


OPERATION = Operation("parts", lambda q: q.asks_parts and not (q.operation or q.asks_years), solve)
