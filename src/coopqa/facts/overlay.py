"""The reviewed overlay (corpus/facts.csv): rows read, validated against their quotes, coverage."""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .derive import derive
from .lookup import FactTable
from .model import (
    _ID_RE,
    COLUMNS,
    QUALIFIERS,
    REQUIRED,
    Fact,
    FactsError,
    same_unit_kind,
    unit_kind,
)
from .numbers import NumberMention, find_numbers, format_value

if TYPE_CHECKING:
    from ..ingest.corpus import Corpus, Passage


def read_rows(path: Path) -> tuple[list[Fact], list[str]]:
    """Parse facts.csv into stated facts, collecting every malformed row as "row N: reason"."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: no such file"]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read ({exc})"]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [f"{path.name} row 1: the file is empty (expected a header row)"]
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"{path.name} row 1: missing column(s) {', '.join(missing)}"]
    facts: list[Fact] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        fact, reason = _fact_from_cells(header, cells, n)
        if reason:
            problems.append(f"{path.name} row {n}: {reason}")
            continue
        assert fact is not None
        if fact.id in seen:
            problems.append(
                f"{path.name} row {n}: duplicate id {fact.id!r} (first on row {seen[fact.id]})"
            )
            continue
        seen[fact.id] = n
        facts.append(fact)
    return facts, problems


def _fact_from_cells(header: list[str], cells: list[str], n: int) -> tuple[Fact | None, str]:
    if len(cells) != len(header):
        return None, f"has {len(cells)} fields, the header has {len(header)}"
    row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
    empty = [c for c in REQUIRED if not row[c]]
    if empty:
        return None, f"empty {', '.join(empty)}"
    if not _ID_RE.match(row["id"]):
        return (
            None,
            f"id {row['id']!r} is not dotted lower-case words (e.g. revenue.total.fy2019)",
        )
    try:
        value = float(row["value"].replace(",", ""))
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        return None, f"value {row['value']!r} is not a number"
    if not row["page"].isdigit():
        return None, f"page {row['page']!r} is not a page number"
    qualifier = row["qualifier"] or "exact"
    if qualifier not in QUALIFIERS:
        return None, f"qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}"
    fact = Fact(
        id=row["id"], subject=row["subject"], measure=row["measure"], value=value,
        unit=row["unit"], period=row["period"], qualifier=qualifier, scope=row["scope"],
        doc=row["doc"], page=int(row["page"]), section=row["section"], quote=row["quote"],
        kind=unit_kind(row["unit"]), row=n,
    )  # fmt: skip
    for label, text in (("period", fact.period), ("scope", fact.scope)):
        if text and not any(m.is_time for m in find_numbers(text)):
            return None, f"{label} {text!r} names no fiscal year, year or date"
    return fact, ""


# ----------------------------------------------------------------------------- checks against the text


def quote_problem(fact: Fact, corpus: Corpus) -> str:
    """Why the fact's quote is not a verbatim span stating its value at its page and section ("" = OK)."""
    from ..ingest.corpus import fold

    try:
        document = corpus.document(fact.doc)
    except KeyError:
        return f"doc {fact.doc!r} is not in the corpus"
    quote = fold(fact.quote)
    hits = [p for p in document.passages if quote in p.text]
    if not hits:
        return f"quote not found verbatim in {fact.doc}: {fact.quote[:60]!r}"
    if not any(p.page == fact.page and p.section == fact.section for p in hits):
        p = hits[0]
        return f"quote is on page {p.page} in section {p.section!r}, not page {fact.page} / {fact.section!r}"
    if not _states_value(quote, fact):
        return f"quote does not state the value {format_value(fact.value)} ({fact.kind})"
    return ""


def _states_value(quote: str, fact: Fact) -> bool:
    return any(mention_matches(m, fact) for m in find_numbers(quote))


def mention_matches(mention: NumberMention, fact: Fact) -> bool:
    """Whether a number mention says the fact's value (same value, same kind, same duration unit)."""
    if mention.kind != fact.kind or mention.value != fact.value:
        return False
    if fact.kind == "duration":
        return same_unit_kind(mention.unit, fact.unit)
    if fact.kind == "date" and fact.period_mentions:
        p = fact.period_mentions[0]
        return (p.month, p.season) == (mention.month, mention.season)
    return True


def covers(fact: Fact, mention: NumberMention) -> bool:
    """Whether a fact accounts for a mention inside its quote: as its value, or as its period/scope."""
    if mention_matches(mention, fact):
        return True
    if not mention.is_time:
        return False
    keys = {(m.kind, m.value) for m in (*fact.period_mentions, *fact.scope_mentions)}
    return (mention.kind, mention.value) in keys


def coverage(table: FactTable, corpus: Corpus) -> tuple[int, int, list[str]]:
    """(covered, total, uncovered) over every non-label number mention in the corpus passages."""
    from ..ingest.corpus import fold

    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for fact in table.stated:
        by_doc[fact.doc].append(fact)
    covered = total = 0
    uncovered: list[str] = []
    for passage in corpus.passages:
        spans = []
        for fact in by_doc.get(passage.doc, []):
            quote = fold(fact.quote)
            for m in re.finditer(re.escape(quote), passage.text):
                spans.append((m.start(), m.end(), fact))
        for mention in find_numbers(passage.text):
            if mention.kind == "label":
                continue
            total += 1
            if any(
                a <= mention.start and mention.end <= b and covers(f, mention) for a, b, f in spans
            ):
                covered += 1
            else:
                context = passage.text[max(0, mention.start - 40) : mention.end + 40]
                uncovered.append(
                    f"{passage.passage_id} p.{passage.page}: {mention.text!r} ({mention.kind}) "
                    f"in ...{context}..."
                )
    return covered, total, uncovered


def check_facts(path: Path, corpus: Corpus) -> list[str]:
    """Every problem with facts.csv: malformed rows, quotes not in the text, derivations, coverage."""
    facts, problems = read_rows(Path(path))
    name = Path(path).name
    for fact in facts:
        reason = quote_problem(fact, corpus)
        if reason:
            problems.append(f"{name} row {fact.row}: {reason}")
    if problems:
        return problems
    table = FactTable(facts + derive(facts))
    for fact in table.derived:
        if not _recomputes(fact, table):
            problems.append(f"derived fact {fact.id}: formula {fact.formula!r} != {fact.value:g}")
    _, _, uncovered = coverage(table, corpus)
    problems += [f"number not covered by any fact: {u}" for u in uncovered]
    return problems


def _recomputes(fact: Fact, table: FactTable) -> bool:
    """Evaluate the "a + b - c" formula from the input facts' values and compare."""
    if any(table.get(i) is None for i in fact.inputs):
        return False
    tokens = fact.formula.split()
    try:
        total = float(tokens[0])
        for op, operand in zip(tokens[1::2], tokens[2::2], strict=True):
            total = total + float(operand) if op == "+" else total - float(operand)
    except (ValueError, IndexError):
        return False
    return math.isclose(total, fact.value)


def load_fact_table(path_or_settings: object, corpus: Corpus) -> FactTable:
    """Read, validate and derive; raise FactsError("facts.csv row N: reason") on the first bad row."""
    from ..ingest.glossary import use

    path = Path(getattr(path_or_settings, "facts_path", path_or_settings))  # type: ignore[arg-type]
    use(path.parent)  # the reviewed table's pair rules and phrasings sit beside it
    facts, problems = read_rows(path)
    for fact in facts:
        reason = quote_problem(fact, corpus)
        if reason:
            problems.append(f"{path.name} row {fact.row}: {reason}")
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise FactsError(problems[0] + more)
    return FactTable(facts + derive(facts), section_texts(corpus.passages))


def section_texts(passages: Iterable[Passage]) -> dict[str, str]:
    """Each section heading path with the text of its passages (lookup context for its facts)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        texts[passage.section].append(passage.text)
    return {section: " ".join(parts) for section, parts in texts.items()}


# ----------------------------------------------------------------------------- derivation rules


def overlay_facts(extracted: list[Fact], overlay: list[Fact]) -> list[Fact]:
    """Extracted facts with the reviewed rows laid over them: a row replaces the extracted facts
    of the same value whose sentence holds its quote, and adds what the extractor missed."""
    from ..ingest.corpus import normalize_for_match

    replaced: set[str] = set()
    for row in overlay:
        quote = normalize_for_match(row.quote)
        for fact in extracted:
            if (
                fact.doc == row.doc
                and abs(fact.value - row.value) < 1e-9
                and quote in normalize_for_match(fact.quote)
            ):
                replaced.add(fact.id)
    return [f for f in extracted if f.id not in replaced] + list(overlay)
