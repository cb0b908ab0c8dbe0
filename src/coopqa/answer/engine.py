"""The answer engine: read the question once, plan an operation, fill its operands from the
document's cells, gate on what the question names, execute, and write the draft.

The draft's every number is grounded in the cells it came from (each stated cell a fact, the
result a derived fact with its formula), so verification checks it like any other answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..facts.model import Fact
from ..ingest.corpus import Passage, Sentence, last_heading
from ..ingest.text import tokenize
from ..params import fitted
from .cells import Cell, document_scale, table_cells
from .fit import counts_another_thing, table_fit
from .notes import note_for, without_mark
from .operations import Operation, Result, plan
from .question import CELL_OPERATIONS, Question, read
from .synthesize import Draft, Evidence

_TOTAL_WORDS = frozenset(tokenize("total subtotal"))  # a row label that names only a sum
# A row answers when its label (and group) holds this share of the question's weighted terms.
MIN_ROW_COVERAGE = fitted("min_row_coverage")
# Weight of how much of a row's own label the question names, beside how much of the question
# the label covers (tells "Revenue" from "Revenue from services" when the question says neither).
LABEL_PRECISION_WEIGHT = fitted("label_precision_weight")
# A question word that nothing near the chosen row holds, weighing at least this share of the
# question, makes the engine say the document does not say it.
MAX_UNCOVERED = fitted("max_uncovered")


@dataclass
class Store:
    """One document's operands: its table cells, grouped by row, with the words around them."""

    doc: str
    passages: list[Passage]
    cells: list[Cell] = field(default_factory=list)

    @classmethod
    def of(cls, doc: str, passages: Sequence[Passage]) -> Store:
        store = cls(doc, sorted(passages, key=lambda p: p.start))
        store.cells = table_cells(store.passages, store.scale)
        return store

    @cached_property
    def scale(self) -> str:
        """The scale the document's prose gives its figures ("(in thousands)"), or ""."""
        return document_scale(self.passages)

    @cached_property
    def rows(self) -> dict[tuple[int, int], list[Cell]]:
        out: dict[tuple[int, int], list[Cell]] = {}
        for cell in self.cells:
            out.setdefault((cell.table, cell.row_index), []).append(cell)
        return out

    @cached_property
    def idf(self) -> dict[str, float]:
        units = [frozenset(tokenize(s.text)) for p in self.passages for s in p.sentences]
        units += [frozenset(tokenize(h)) for h in dict.fromkeys(p.section for p in self.passages)]
        counts = Counter(t for unit in units for t in unit)
        n = max(len(units), 1)
        return {t: math.log(1 + n / (1 + c)) for t, c in counts.items()}

    def share(self, terms: Sequence[str], part: Sequence[str]) -> float:
        """The weighted share of ``terms`` that ``part`` holds."""
        total = sum(self.weight(t) for t in terms) or 1.0
        return sum(self.weight(t) for t in part) / total

    def weight(self, term: str) -> float:
        return self.idf.get(term, math.log(1 + max(len(self.idf), 1)))

    @cached_property
    def context(self) -> dict[int, frozenset[str]]:
        """Each table's surrounding words: its headers, its heading, the paragraph before it."""
        out: dict[int, frozenset[str]] = {}
        tables = [p for p in self.passages if p.kind == "table"]
        for t, passage in enumerate(tables):
            before = [p for p in self.passages if p.end <= passage.start and p.kind != "table"]
            intro = before[-1].text if before else ""
            header = " ".join(s.text for s in passage.sentences[:3])
            out[t] = frozenset(tokenize(f"{passage.section} {intro} {header}"))
        return out


@dataclass(frozen=True)
class Choice:
    """The row the engine reads and the words of the question it leaves uncovered."""

    cells: list[Cell]
    uncovered: tuple[str, ...]
    uncovered_share: float


def _coverage(
    store: Store, terms: Sequence[str], cells: list[Cell], asked: Sequence[str] = ()
) -> tuple[float, float]:
    """(weighted share of the terms the row's label and group hold, share of the row label's
    own words the terms, or the question's other words, name: "Total revenues" is named by
    "total revenues" though "total" is no constraint)."""
    label = cells[0].label_terms
    if "total" in (*terms, *asked) and cells[0].row_terms == {"total"}:  # "total Y": the table's
        label |= store.context.get(cells[0].table, frozenset())
    covered = store.share(terms, [t for t in terms if t in label])
    own = cells[0].row_terms
    if own <= _TOTAL_WORDS and cells[0].group:  # "Subtotal" under "Operating expenses"
        own = cells[0].label_terms - _TOTAL_WORDS
    named = sum(1 for t in own if t in terms or t in asked) / max(len(own), 1)
    return covered, named


def choose_row(store: Store, question: Question, terms: Sequence[str] = ()) -> Choice | None:
    """The row whose label best covers the question's terms (or ``terms``); None when none
    covers enough."""
    terms = terms or question.constraint_terms
    if not terms or not store.rows:
        return None
    ranked = []
    for key, cells in store.rows.items():
        if counts_another_thing(question, cells):
            continue
        covered, named = _coverage(store, terms, cells, question.terms)
        score = covered + LABEL_PRECISION_WEIGHT * named
        ranked.append((score, table_fit(store, terms, cells), covered, key))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (-r[0], -r[1], r[3]))  # a tie: the table whose title fits best
    _, _, covered, key = ranked[0]
    if covered < MIN_ROW_COVERAGE:
        return None
    cells = store.rows[key]
    uncovered = tuple(t for t in terms if t not in _near(store, cells))
    return Choice(cells, uncovered, store.share(terms, uncovered))


def _near(store: Store, cells: list[Cell]) -> frozenset[str]:
    """The words a row's figures stand under: its label, its table's context, its headers."""
    near = cells[0].label_terms | store.context.get(cells[0].table, frozenset())
    return near | frozenset(t for c in cells for t in c.column_terms)


def _table_named(store: Store, question: Question, terms: Sequence[str]) -> Choice | None:
    """For counting a table's rows ("how many regions had revenue over …"), naming its years or
    its rows ("What are the types of X in the table?"):
    the first row of the table whose heading, introduction and headers hold the most of the
    question's words."""
    asks_rows = question.operation == "count_rows" or question.asks_years or question.asks_kinds
    if not (asks_rows and terms):
        return None
    shares = {
        t: store.share(terms, [w for w in terms if w in near]) for t, near in store.context.items()
    }
    table = max(shares, key=lambda t: (shares[t], -t), default=None)
    if table is None or shares[table] < MIN_ROW_COVERAGE:
        return None
    first = min((key for key in store.rows if key[0] == table), default=None)
    return Choice(store.rows[first], (), 0.0) if first else None  # a table of words has no rows


def _years_row(store: Store, question: Question) -> Choice | None:
    """For "What years does the table give?" naming no row: the first row with yearly figures."""
    if not question.asks_years:
        return None
    for cells in store.rows.values():
        if any(len(c.years) == 1 and not c.derived_column for c in cells):
            return Choice(cells, (), 0.0)
    return None


def _columns_missed(question: Question, store: Store, inputs: Sequence[Cell]) -> list[str]:
    """The words the question shares with the table's column headers (and not with the row)
    that some column the figures come from does not have in its header."""
    if not inputs:
        return []
    first = inputs[0]
    headers = {t for c in store.cells if c.table == first.table for t in c.column_terms}
    asked = {t for t in question.constraint_terms if t in headers} - first.label_terms
    return [
        t
        for t in question.constraint_terms
        if t in asked and any(t not in c.column_terms for c in inputs)
    ]


def _columns_for(question: Question, cells: list[Cell]) -> list[Cell]:
    """The row's cells with those whose header the question names first (a lookup with no year
    reads the column it names: "As Reported", "Adjustments"); a word of the row's own label
    names no column."""
    terms = set(question.constraint_terms) - (cells[0].label_terms if cells else set())
    return sorted(cells, key=lambda c: (-len(c.column_terms & terms), c.derived_column))


@dataclass
class Written:
    """A draft under way: its text, the sentences it quotes and the facts behind its numbers."""

    evidence: Evidence
    quotes: dict[int, Sentence] = field(default_factory=dict)
    grounded: list[tuple[str, list[Fact]]] = field(default_factory=list)

    def cite(self, cell: Cell) -> str:
        from .fact_sources import Cites

        cites = Cites(self.evidence)
        n = cites.cite(cell.passage, cell.sentence, self.quotes)
        if cell.header is None:
            return f"“{cell.sentence.text}” [{n}]"
        m = cites.cite(cell.passage, cell.header, self.quotes)
        return f"“{cell.sentence.text}” [{n}], under “{cell.header.text}” [{m}]"

    def mark(self, cell: Cell) -> str:
        """The citation of a cell's row without its quote (for an answer that names rows)."""
        from .fact_sources import Cites

        return f"[{Cites(self.evidence).cite(cell.passage, cell.sentence, self.quotes)}]"

    def sources(self, cells: Sequence[Cell]) -> str:
        return " ".join(dict.fromkeys(self.cite(c) for c in cells))


def cell_fact(cell: Cell) -> Fact:
    return Fact(
        id=f"{cell.passage.doc}.t{cell.table}.r{cell.row_index}.c{cell.col_index}",
        subject=cell.row,
        measure=cell.column,
        value=cell.value,
        unit="%" if cell.percent else cell.currency,
        period=" ".join(map(str, cell.years)),
        doc=cell.passage.doc,
        page=cell.passage.page,
        section=cell.passage.section,
        quote=cell.sentence.text,
        start=cell.sentence.start,
        end=cell.sentence.end,
        origin="table",
    )


def figure(value: float, cell: Cell, percent: bool, decimals: int = 2) -> str:
    """A value as an answer states it: currency, digits, percent sign or scale word."""
    rounded = round(value, decimals)
    digits = f"{abs(rounded):,.{decimals}f}".rstrip("0").rstrip(".")
    sign = "-" if rounded < 0 else ""
    if percent:
        return f"{sign}{digits}%"
    scale = f" {cell.scale}" if cell.scale else ""
    return f"{sign}{cell.currency}{digits}{scale}"


def as_written(cell: Cell) -> str:
    """A cell's figure as the table writes it, with the table's scale."""
    if cell.percent or not cell.scale:
        return cell.written
    return f"{cell.written} {cell.scale}"


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years))


def _missing_years(question: Question, cells: list[Cell]) -> list[int]:
    have = {y for c in cells if not c.derived_column for y in c.years}
    return [y for y in question.years if y not in have]


def _missing_text(question: Question, missing: list[int]) -> str:
    """The missing years as the question puts them: a year it reads in but never writes (the
    year before a change it asks for) is "2017 or the year before"."""

    def named(year: int) -> bool:
        return str(year) in question.text or f"{year % 100:02d}" in question.text

    text = _years_text([y for y in missing if named(y)])
    for year in (y for y in missing if not named(y)):
        if year + 1 in missing:
            text += " or the year before"
        else:
            text += f"{', ' if text else ''}the year before {year + 1}"
    return text


def as_asked(text: str, stems: Sequence[str]) -> list[str]:
    """The question's own words for the given stems ("femal" -> "female")."""
    words = {}
    for word in re.findall(r"[A-Za-z][\w'’-]*", text):
        for stem in tokenize(word):
            words.setdefault(stem, word)
    return [words.get(s, s) for s in stems]


def _phrases(text: str, stems: Sequence[str]) -> str:
    """The question's own words for ``stems``, neighbours joined ("the second quarter")."""
    runs: list[list[str]] = []
    last = -2
    for i, word in enumerate(re.findall(r"[\w'’.-]+", text)):
        if set(tokenize(word)) & set(stems):
            if i == last + 1:
                runs[-1].append(word)
            else:
                runs.append([word])
            last = i
    return ", ".join(" ".join(run) for run in runs)


def _what_table_shows(store: Store, evidence: Evidence) -> Draft | None:
    """ "What does the table show?": the first table's own heading, with the sentence of its
    section that names a table (the nearest), or else the one right before it ending in ":"."""
    from .fact_sources import Cites
    from .short import answer_span
    from .wording import heading_words

    table = next(p for p in store.passages if p.kind == "table")
    heading = heading_words(last_heading(table.section)) if table.section else ""
    prose = [p for p in store.passages if p.kind != "table" and p.section == table.section]
    near = sorted(
        ((p, s) for p in prose for s in p.sentences),
        key=lambda ps: min(abs(ps[1].start - table.start), abs(ps[1].end - table.end)),
    )
    naming = [(p, s) for p, s in near if "tabl" in tokenize(s.text)]
    before = [(p, s) for p, s in near if s.end <= table.start][:1]
    leading = [(p, s) for p, s in before if s.text.rstrip().endswith(":")]  # "… as follows:"
    found = (naming or leading)[:1]
    quotes: dict[int, Sentence] = {}
    if not found:
        if not heading or not table.sentences:
            return None
        n = Cites(evidence).cite(table, table.sentences[0], quotes)
        text = f"The table shows {heading}, under that heading [{n}]."
        return Draft(text=text, quotes=quotes, short=heading)
    sentence = found[0][1]
    shows = f"The table shows {heading}: " if heading else ""
    short = answer_span(sentence.text, "What does the table show?") or sentence.text
    return _quote(found[0], evidence, short, lead=shows)


def _names_its_operation(question: Question, cells: list[Cell]) -> bool:
    """The row or its column is named by the question's operation word ("Weighted average
    number of shares", "Weighted-average exercise price"): the figure is read, not worked out,
    when the question asks for at most one year."""
    if question.operation != "average" or len(question.years) > 1:
        return False
    return any("averag" in c.label_terms | c.column_terms for c in cells)


def _asks_about_row(question: Question, choice: Choice) -> bool:
    """The question asks what a row is, includes or relates to, not for one of its figures or
    parts, and the row's label holds every thing the question names."""
    if question.years or question.answer_type == "reason":
        return False  # a note says what a row is, not what it was in a year or why it moved
    figure = question.wants_figure or question.operation or question.asks_years
    if (figure or question.asks_parts) and not question.asks_meaning:
        return False  # "What is included in X?" reads as a quantity, yet asks what X is
    label = choice.cells[0].label_terms
    return all(t in label for t in question.constraint_terms if t in question.naming)


def _quote(
    found: tuple[Passage, Sentence], evidence: Evidence, short: str, lead: str = ""
) -> Draft:
    """A draft that quotes one sentence, after ``lead``."""
    from .fact_sources import Cites

    quotes: dict[int, Sentence] = {}
    n = Cites(evidence).cite(*found, quotes)
    return Draft(text=f"{lead}“{found[1].text}” [{n}]", quotes=quotes, short=short)


def not_said(text: str) -> Draft:
    return Draft(text=text, abstained=True)


def _never_mentions(
    question: Question, unknown: list[str], known: list[str], store: Store, evidence: Evidence
) -> Draft:
    """ "The document does not say this: it never mentions …", with the nearest row it states."""
    words = ", ".join(f"“{w}”" for w in as_asked(question.text, unknown))
    claim = f"The document does not say this: it never mentions {words}"
    nearest = choose_row(store, question, known) if known else None
    if nearest is None:
        return not_said(f"{claim}.")
    written = Written(evidence)
    source = written.sources(nearest.cells[:1])
    return Draft(text=f"{claim}. The nearest it states: {source}", abstained=True,
                 quotes=written.quotes)  # fmt: skip


def _nearest_instead(claim: str, cells: list[Cell], evidence: Evidence) -> Draft:
    """ "The document does not give …; the nearest it states: ROW", an abstention."""
    written = Written(evidence)
    written.grounded.append((claim, [cell_fact(c) for c in cells]))
    text = f"{claim}; the nearest it states: {written.sources(cells[:1])}"
    return Draft(text=text, abstained=True, quotes=written.quotes, grounded=written.grounded)


def answer(question_text: str, store: Store, evidence: Evidence) -> Draft | None:
    """The engine's draft for a question about one document; None when no table row covers
    the question (the document's sentences answer it instead)."""
    if not store.rows:
        return None  # no table: the document's sentences and facts answer it
    question = read(question_text)
    if question.asks_table:
        return _what_table_shows(store, evidence)
    answers_cells = question.answer_type in ("quantity", "year_choice", "text", "date")
    if not answers_cells and question.answer_type != "place":
        return None  # where a row is included may be its note; nothing else is a cell's
    terms = question.constraint_terms
    # A word naming a thing that the document never uses; a verb or adverb ("earned", "well")
    # names nothing, so it does not count.
    unknown = [t for t in terms if t not in store.idf and t in question.naming]
    known = [t for t in terms if t in store.idf]
    figure = question.answer_type in ("quantity", "year_choice") or bool(question.operation)
    unknown_breakdown = any(t in unknown for t in question.breakdown)
    never_mentioned = bool(unknown) and store.share(terms, unknown) > MAX_UNCOVERED
    if unknown_breakdown or figure and never_mentioned:
        return _never_mentions(question, unknown, known, store, evidence)
    each = question.two_rows is not None and question.two_rows[0] == "each"  # rows named apart
    # the years a table gives are the table's: its heading and headers name it before a row does
    table_first = (
        question.asks_years and not question.operation and _table_named(store, question, known)
    )
    choice = (
        table_first
        or choose_row(store, question, known)
        or _table_named(store, question, known)
        or _years_row(store, question)
        or (choose_row(store, question, question.two_rows[1]) if each else None)
    )
    if choice is None:
        return None
    cells = _columns_for(question, choice.cells)
    row = cells[0].row
    if _asks_about_row(question, choice):
        noted = note_for(row, cells[0].passage, store.passages)
        if noted is not None:  # "Widget fees (3)": what the row is, in the note it points to
            return _quote(noted, evidence, short=without_mark(noted[1].text))
    if not answers_cells:
        return None
    about_table = question.asks_years or question.asks_kinds  # the table's, not a row's
    if never_mentioned and not about_table:  # a cell is "the X" only when the document names X
        return _never_mentions(question, unknown, known, store, evidence)
    breakdown = [t for t in question.breakdown if t in choice.uncovered]
    if breakdown:  # "in Canada": the row is the whole, not the place's part
        claim = f"The document does not give {row} for {_phrases(question.text, breakdown)}"
        return _nearest_instead(claim, cells, evidence)
    if _names_its_operation(question, cells):  # "weighted average shares": a measure's name
        question = replace(question, operation="")
    operation = plan(question)
    if question.operation not in CELL_OPERATIONS and operation.name == "lookup":
        return None  # a figure to work out that no operation can: never one cell instead
    missing = _missing_years(question, cells)
    if missing:
        have = sorted({y for c in cells if not c.derived_column for y in c.years})
        written = Written(evidence)
        claim = (
            f"The document does not give {row} for {_missing_text(question, missing)}; "
            f"it gives {row} for {_years_text(have) or 'no year'}"
        )
        written.grounded.append((claim, [cell_fact(c) for c in cells]))
        text = f"{claim}: {written.sources(cells[:1])}"
        return Draft(text=text, abstained=True, quotes=written.quotes, grounded=written.grounded)
    uncovered = choice.uncovered_share
    if operation.name in ("share", "two_rows"):
        first, second = (
            (question.part, question.whole) if operation.name == "share" else question.two_rows[1:]
        )
        one, other = choose_row(store, question, first), choose_row(store, question, second)
        if one is None or other is None or one.cells[0] is other.cells[0]:
            return None
        cells = _columns_for(question, one.cells) + _columns_for(question, other.cells)
        if operation.name == "share":  # the part's row and the whole's cover its words
            near = _near(store, one.cells) | _near(store, other.cells)
            uncovered = store.share(known, [t for t in known if t not in near])
    if uncovered > MAX_UNCOVERED and not each:
        return None  # words the rows do not hold, but the document's sentences may
    if operation.name in ("parts", "count_rows", "years_given"):  # across the named table
        cells = cells + [c for c in store.cells if c.table == cells[0].table]
    result = operation.solve(question, cells)
    missed = _columns_missed(question, store, result.inputs) if result is not None else []
    if missed:
        if operation.name == "lookup" and not choice.uncovered:  # the row, with that column empty
            claim = (
                f"The document gives no figure for {row} under “{_phrases(question.text, missed)}”"
            )
            return _nearest_instead(claim, cells, evidence)
        return None  # the question names a column the figures are not from
    if result is None:
        if question.operation:
            return not_said(
                f"The document's figures for {row} do not give what the question asks to work "
                f"out ({operation.name.replace('_', ' ')})."
            )
        return None
    return _write(question, operation, result, Written(evidence))


def _derived(first: Cell, operation: Operation, result: Result, value: float, facts) -> Fact:
    """The worked-out figure as a fact, its value as the answer states it."""
    return Fact(
        id=f"{first.passage.doc}.{operation.name}",
        subject=first.row,
        measure=result.what,
        value=value,
        unit="%" if result.percent else first.currency,
        derived=True,
        formula=result.formula,
        inputs=tuple(f.id for f in facts),
        doc=first.passage.doc,
    )


def _write(question: Question, operation: Operation, result: Result, w: Written) -> Draft:
    first = (result.inputs or result.parts)[0]
    facts = [cell_fact(c) for c in result.inputs or result.parts]
    if operation.name == "count_rows":
        listed = "; ".join(f"{c.row} {w.mark(c)}" for c in result.parts)  # rows, not figures
        counted = f"{len(result.parts)} rows with {result.formula}"
        facts = [cell_fact(c) for c in result.parts]
        facts.append(_derived(first, operation, result, result.value, facts))
        w.grounded.append((counted, facts))
        text = f"{counted}: {listed or 'none'}."
        return Draft(text=text, quotes=w.quotes, grounded=w.grounded, short=str(len(result.parts)))
    if result.parts:
        labels = [c.row for c in result.parts if c.row.strip()]
        listed = "; ".join(f"{c.row} {w.mark(c)}" for c in result.parts)
        counted = f" {len(labels)}" if result.value is not None else ""  # a count is grounded
        whole = f"{first.row} {w.mark(first)} " if result.inputs else ""
        made = f"is made up of{counted}" if result.inputs else f"The table's{counted} rows are"
        claim = f"{whole}{made}: {listed}"
        if result.value is not None:  # the count is the one figure: grounded where it stands
            facts.append(_derived(first, operation, result, result.value, facts))
            w.grounded.append((made, facts))
        short = str(len(labels)) if result.value is not None else labels
        text = f"{claim}."
    elif operation.name == "two_rows" and result.value is None:  # each row's own figure
        claim = "; ".join(f"{c.row}: {as_written(c)}" for c in result.inputs)
        w.grounded.append((claim, facts))
        short = [as_written(c) for c in result.inputs]
        text = f"{claim}. {w.sources(result.inputs)}"
    elif result.listed:
        parts = [f"{as_written(c)} in {_years_text(c.years)}" for c in result.listed]
        claim = f"{first.row}: " + "; ".join(parts)
        w.grounded.append((claim, facts))
        short: str | list[str] = [as_written(c) for c in result.listed]
        text = f"{claim}. {w.sources(result.inputs)}"
    elif operation.name == "count_past":
        years = list(result.chosen_years)
        stated = "; ".join(f"{as_written(c)} in {_years_text(c.years)}" for c in result.inputs)
        short = str(len(years))
        claim = f"{len(years)} ({_years_text(years) or 'none'}): {first.row}, {stated}"
        facts.append(_derived(first, operation, result, len(years), facts))
        w.grounded.append((claim, facts))
        text = f"{claim}. {w.sources(result.inputs)}"
    elif result.value is None:  # years are the answer: the row is cited, its figures are not stated
        years = list(result.chosen_years)
        short = [str(y) for y in years] if len(years) != 1 else str(years[0])
        if operation.name == "years_given":
            claim = f"{_years_text(years)}: the years the table gives {first.row} for"
        else:
            side = "largest" if question.greater else "smallest"
            claim = f"{_years_text(years) or 'None'}: the year {first.row} is {side}"
        w.grounded.append((claim, facts))
        text = f"{claim} {w.mark(first)}."
    elif not result.formula:
        short = as_written(first)
        column = f", {first.column}" if first.column else ""
        claim = f"{short} ({first.row}{column})"
        w.grounded.append((claim, facts))
        text = f"{claim}: {w.sources(result.inputs)}"
    else:
        short = figure(result.value, first, result.percent)
        if operation.name == "ratio":
            short = figure(result.value, first, False).split(" ")[0].lstrip("$€£¥")
        derived = _derived(first, operation, result, round(result.value, 2), facts)
        years = sorted({y for c in result.inputs for y in c.years})
        direction = ""
        if result.what in ("the change", "the percentage change") and result.value:
            direction = " (an increase)" if result.value > 0 else " (a decrease)"
        rows = " and ".join(dict.fromkeys(c.row for c in result.inputs))
        when = f", {_years_text(years)}" if years else ""
        claim = f"{short}{direction}: {result.what} of {rows}{when}, computed as {result.formula}"
        w.grounded.append((claim, [derived, *facts]))
        text = f"{claim}. {w.sources(result.inputs)}"
    return Draft(text=text, quotes=w.quotes, grounded=w.grounded, short=short)
