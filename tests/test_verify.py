"""The number verifier on the real fact table: statuses, years, corrections, the benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopqa.answer import CheckedNumber
from coopqa.answer.verify import verify_answer
from coopqa.answer.verify_report import benchmark, cli_check, correct_number
from coopqa.config import Settings
from coopqa.facts import load_fact_table
from coopqa.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "verifier_sentences.jsonl"


@pytest.fixture(scope="module")
def table():
    return load_fact_table(ROOT / "corpus" / "facts.csv", load_corpus([ROOT / "corpus"]))


def _status(table, text, quotes=()):
    return [(c.text, c.status) for c in verify_answer(text, list(quotes), table)]


def test_stated_number_is_verified(table):
    checked = verify_answer("424 persons were dispatched at the end of FY2012.", [], table)
    assert [(c.text, c.status) for c in checked] == [("424", "verified"), ("FY2012", "verified")]
    assert checked[0].fact_id == "dispatch.total.end_fy2012"


def test_other_value_for_a_held_fact_is_contradicted(table):
    checked = verify_answer("410 persons were on dispatch at the end of FY2012.", [], table)
    number = checked[0]
    assert (number.status, number.expected, number.fact_id) == (
        "contradicted", 424, "dispatch.total.end_fy2012",
    )  # fmt: skip


def test_derived_value_is_derived(table):
    checked = verify_answer("410 persons were on dispatch at the end of FY2011.", [], table)
    assert checked[0].status == "derived" and checked[0].fact_id == "dispatch.total.end_fy2011"
    checked = verify_answer("In FY2011, 147 persons were newly dispatched.", [], table)
    assert [c.status for c in checked] == ["derived", "derived"]


def test_swapped_year_is_never_verified(table):
    checked = verify_answer("424 persons were on dispatch at the end of FY2013.", [], table)
    assert all(c.status in ("contradicted", "unverified") for c in checked)
    year = next(c for c in checked if c.text == "FY2013")
    assert year.status == "contradicted" and year.expected == 2012


def test_date_that_is_the_value(table):
    assert _status(table, "The network was established in January 2005.") == [
        ("January 2005", "verified")
    ]
    checked = verify_answer("The network was established in January 2006.", [], table)
    assert (checked[0].status, checked[0].expected) == ("contradicted", 2005)


def test_number_words_and_units(table):
    assert _status(table, "In FY2013, ten fellows were accepted for the 18th program.") == [
        ("FY2013", "verified"), ("ten", "verified"), ("18th", "verified"),
    ]  # fmt: skip
    wrong_unit = verify_answer("Mansfield fellows spend about two years in training.", [], table)
    assert wrong_unit[0].status != "verified"


def test_labels_are_not_checked(table):
    text = "Chapter 8, Section 1 and Figures 28 and 29 describe it (see Figure 27)."
    assert verify_answer(text, [], table) == []


def test_each_clause_is_checked_against_its_own_programme(table):
    text = (
        "In FY2013, 9 officials from 9 countries attended the two-week seminar, "
        "and 10 officials from 10 countries attended the middle-level seminar."
    )
    assert all(c.status == "verified" for c in verify_answer(text, [], table))
    altered = text.replace("and 10 officials", "and 11 officials")
    statuses = {c.text: c.status for c in verify_answer(altered, [], table)}
    assert statuses["11"] == "contradicted"


def test_cited_quotes_verify_when_there_is_no_table():
    quote = "The NPA co-hosted International Symposium ... which over 120 people attended."
    assert _status(None, "Over 120 people attended.", [quote]) == [("120", "verified")]
    assert _status(None, "Over 130 people attended.", [quote]) == [("130", "unverified")]
    assert _status(None, "In FY2012, over 120 people attended.", [quote]) == [
        ("FY2012", "unverified"), ("120", "unverified"),
    ]  # fmt: skip


def test_cited_quote_cannot_move_a_number_to_another_year(table):
    quote = "the total number of dispatched personnel was 424 as of the end of FY2012"
    checked = verify_answer("424 persons were on dispatch at the end of FY2013.", [quote], table)
    assert all(c.status != "verified" for c in checked)


def test_correct_number_uses_the_table_value(table):
    sentence = "410 persons were on dispatch at the end of FY2012."
    fixed = correct_number(sentence, verify_answer(sentence, [], table))
    assert fixed == "424 persons were on dispatch at the end of FY2012."
    sentence = "In FY2013, nine fellows were accepted."
    assert correct_number(sentence, verify_answer(sentence, [], table)) == (
        "In FY2013, ten fellows were accepted."
    )
    sentence = "424 persons were on dispatch at the end of FY2013."
    assert correct_number(sentence, verify_answer(sentence, [], table)).endswith("FY2012.")
    one = CheckedNumber("1,240", 1240, "contradicted", "x.y", 1245)
    assert correct_number("It was 1,240 in all.", one) == "It was 1,245 in all."


def test_benchmark_figures(table):
    rows = [json.loads(line) for line in BENCH.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 60
    assert {r["truth"] for r in rows} == {"true", "altered"}
    assert all(r["altered_text"] in r["sentence"] for r in rows if r["truth"] == "altered")
    result = benchmark(BENCH, table)
    assert result["sentences"] == len(rows)
    assert result["wrong_passed_as_verified"] == 0, result["wrong_passed_examples"]
    assert result["true_flagged"] == 0, result["true_flagged_examples"]


def test_cli_check():
    settings = Settings(corpus_dirs=(ROOT / "corpus",), facts_path=ROOT / "corpus" / "facts.csv")
    out, code = cli_check("In FY2012, 143 persons were newly dispatched.", settings=settings)
    assert code == 0 and "verified" in out and "dispatch.new.fy2012" in out
    out, code = cli_check("410 persons were on dispatch at the end of FY2012.", True, settings)
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["numbers"][0] == {
        "text": "410", "value": 410, "status": "contradicted",
        "fact_id": "dispatch.total.end_fy2012", "expected": 424,
    }  # fmt: skip
    assert cli_check("   ", settings=settings) == ("error: the answer text is empty", 2)
    out, code = cli_check("x 1", settings=settings.with_(facts_path=ROOT / "missing.csv"))
    assert code == 2 and out.startswith("error:")
