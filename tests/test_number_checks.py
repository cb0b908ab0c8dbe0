"""The per-question shortcuts of number_checks give what the full checks give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coopqa.answer import number_checks
from coopqa.answer.verify import verify_answer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def table(corpus):
    from coopqa.facts import load_fact_table

    return load_fact_table(ROOT / "corpus" / "facts.csv", corpus)


def test_a_quote_is_checked_once_and_gives_the_same_numbers(table, monkeypatch):
    quote = (
        "As a result, the total number of dispatched personnel was 424 as of the end of "
        "FY2012, an increase of 14 persons from that in FY2011 (Figure 27)."
    )
    first = number_checks._quoted_numbers(quote, table)
    assert [n.text for n in first] == ["424", "FY2012", "14", "FY2011"]
    assert first[0].fact_id is not None

    calls = []
    real = number_checks._check_quote
    monkeypatch.setattr(number_checks, "_check_quote", lambda q, t: calls.append(q) or real(q, t))
    assert number_checks._quoted_numbers(quote, table) == first
    assert calls == []  # answered from the cache
    assert number_checks._quoted_numbers(quote, None) == number_checks._check_quote(quote, None)


@pytest.mark.parametrize(
    "clause, framing",
    [
        ("How many persons were newly dispatched in FY2012", True),
        ("What did the NPA do", True),
        ("The seminar started in FY1999", False),  # a year claimed as when it started
        ("Why did the 410 dispatched persons decrease in FY2012", False),
        ("How many of the three seminars", False),
    ],
)
def test_a_clause_framed_by_years_only_is_not_verified(clause, framing):
    assert number_checks._frames_only(clause) is framing


def test_skipped_clauses_would_have_given_no_note(table):
    """On every question of the eval sets, a skipped clause has no contradicted claim to note."""
    import json

    questions = {
        json.loads(line)["question"]
        for path in (ROOT / "eval").glob("**/*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    skipped = 0
    for question in sorted(questions):
        masked = number_checks.mask_markers(question)[0]
        for clause in re.split(r"[,;:?]|\b(?:and|but|so|then)\b", masked):
            if not number_checks._frames_only(clause):
                continue
            skipped += 1
            for checked in verify_answer(clause, [], table):
                if checked.status == "contradicted":
                    assert number_checks._is_year(checked.text)
                    assert not number_checks._claims_date(clause, checked.text)
    assert skipped > 100
