"""The fact table against the real chapter: quotes, coverage, derivations, lookup, errors."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coopqa.config import Settings
from coopqa.facts import (
    COLUMNS,
    FactsError,
    FactTable,
    check_facts,
    cli_facts,
    cli_facts_check,
    coverage,
    derive,
    format_table,
    load_fact_table,
)
from coopqa.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "corpus" / "facts.csv"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([ROOT / "corpus"])


@pytest.fixture(scope="module")
def table(corpus):
    return load_fact_table(FACTS, corpus)


def _rows() -> list[dict[str, str]]:
    with FACTS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write(tmp_path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    path = tmp_path / "facts.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


# ----------------------------------------------------------------------------- validation


def test_facts_check_passes_on_the_shipped_table(corpus):
    assert check_facts(FACTS, corpus) == []


def test_every_number_in_the_chapter_is_covered(table, corpus):
    covered, total, uncovered = coverage(table, corpus)
    assert uncovered == []
    assert covered == total >= 70


def test_coverage_fails_when_a_number_is_left_uncovered(tmp_path, corpus):
    rows = [r for r in _rows() if r["id"] != "research.agencies.fy2013"]
    table = load_fact_table(_write(tmp_path, rows), corpus)
    covered, total, uncovered = coverage(table, corpus)
    assert covered == total - 1
    assert len(uncovered) == 1 and "'2' (count)" in uncovered[0] and "agencies" in uncovered[0]
    assert any("not covered" in p for p in check_facts(tmp_path / "facts.csv", corpus))


def test_stated_facts_carry_page_section_and_quote(table, corpus):
    fact = table.get("dispatch.total.end_fy2012")
    assert (fact.value, fact.unit, fact.period, fact.page) == (424, "persons", "end of FY2012", 1)
    assert fact.section.startswith("Section 1.")
    assert (
        "424" in fact.quote
        and fact.quote
        in corpus.document("npa-annual-report-ch8-international-cooperation").passages[3].text
    )
    assert len(table.stated) >= 50


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"value": "many"}, "value 'many' is not a number"),
        ({"quote": "In FY2012, 999 persons were newly dispatched"}, "quote not found verbatim"),
        ({"value": "144"}, "quote does not state the value 144"),
        ({"page": "3"}, "quote is on page 1"),
        ({"subject": ""}, "empty subject"),
        ({"qualifier": "roughly"}, "qualifier 'roughly' is not one of"),
        ({"id": "Not An Id"}, "is not dotted lower-case words"),
        ({"doc": "npa-ch9"}, "doc 'npa-ch9' is not in the corpus"),
        ({"period": "last year"}, "period 'last year' names no fiscal year"),
    ],
)
def test_malformed_row_names_its_row_and_reason(tmp_path, corpus, change, reason):
    rows = _rows()
    rows[4] = rows[4] | change  # spreadsheet row 6: header is row 1, first fact row 2
    path = _write(tmp_path, rows)
    with pytest.raises(FactsError) as info:
        load_fact_table(path, corpus)
    assert str(info.value).startswith("facts.csv row 6: ")
    assert reason in str(info.value)
    assert any(p.startswith("facts.csv row 6: ") and reason in p for p in check_facts(path, corpus))


def test_missing_column_is_reported_on_the_header_row(tmp_path, corpus):
    columns = [c for c in COLUMNS if c != "quote"]
    path = _write(tmp_path, _rows(), columns)
    with pytest.raises(FactsError, match=r"^facts.csv row 1: missing column\(s\) quote$"):
        load_fact_table(path, corpus)


def test_short_row_and_duplicate_id(tmp_path, corpus):
    text = FACTS.read_text(encoding="utf-8").splitlines()
    text.insert(3, "dispatch.x.y,subject,measure,1")
    text.append(text[1])
    path = tmp_path / "facts.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = check_facts(path, corpus)
    assert "facts.csv row 4: has 4 fields, the header has 12" in problems
    assert any(p.startswith(f"facts.csv row {len(text)}: duplicate id") for p in problems)


def test_missing_file_is_a_clear_error(tmp_path, corpus):
    with pytest.raises(FactsError, match="no such file"):
        load_fact_table(tmp_path / "nope.csv", corpus)


# ----------------------------------------------------------------------------- derivations


@pytest.mark.parametrize(
    ("fact_id", "value", "formula"),
    [
        ("dispatch.new.fy2011", 147, "143 + 4"),
        ("dispatch.total.end_fy2011", 410, "424 - 14"),
        ("dispatch.net.fy2012", 24, "143 - 119"),
        ("jica.all.participants.fy2013", 27, "9 + 10 + 8"),
        ("jica.all.participants.total", 672, "220 + 158 + 294"),
        ("jica.middle.participants.before_fy2013", 148, "158 - 10"),
        ("mansfield.time_in_japan", 12, "2 + 10"),
    ],
)
def test_derived_facts(table, fact_id, value, formula):
    fact = table.get(fact_id)
    assert fact is not None and fact.derived
    assert (fact.value, fact.formula) == (value, formula)
    assert all(table.get(i) is not None and not table.get(i).derived for i in fact.inputs)


def test_derivations_are_computed_from_stated_values(table):
    stated = [
        dataclasses.replace(f, value=150) if f.id == "dispatch.new.fy2012" else f
        for f in table.stated
    ]
    derived = {f.id: f for f in derive(stated)}
    assert derived["dispatch.new.fy2011"].value == 154
    assert derived["dispatch.net.fy2012"].formula == "150 - 119"


def test_counts_of_countries_are_not_summed(table):
    assert not [f for f in table.derived if f.unit == "countries"]


def test_describe_phrases_value_and_period(table):
    assert table.get("dispatch.total.end_fy2012").describe().startswith("424 persons on dispatch")
    assert "at the end of FY2012" in table.get("dispatch.total.end_fy2012").describe()
    assert "[derived: 143 + 4]" in table.get("dispatch.new.fy2011").describe()
    assert "from FY1991 to FY2013" in table.get("jica.senior.participants.total").describe()


# ----------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("How many staff were on overseas dispatch at the end of FY2012?", "dispatch.total.end_fy2012"),
        ("How many were newly dispatched in FY2011?", "dispatch.new.fy2011"),
        ("How many personnel on dispatch were there at the end of FY2011?", "dispatch.total.end_fy2011"),
        ("How many dispatched staff returned to Japan in FY2012?", "dispatch.returned.fy2012"),
        ("What was FY2012 new dispatches minus returns?", "dispatch.net.fy2012"),
        ("How many officials took part in the three JICA seminars together in FY2013?",
         "jica.all.participants.fy2013"),
        ("How many officials attended the middle-level seminar in FY2013?",
         "jica.middle.participants.fy2013"),
        ("How many countries did middle level seminar participants come from in FY2013?",
         "jica.middle.countries.fy2013"),
        ("How many officials have taken part in the HRM seminar for senior officials since it started?",
         "jica.senior.participants.total"),
        ("How many Mansfield fellows were accepted in FY2013?", "mansfield.fellows.fy2013"),
        ("How many visitors came with research groups in FY2013?", "research.visitors.fy2013"),
        ("How many people attended the symposium?", "symposium.attendees.fy2013"),
        ("How long is the Mansfield fellows' homestay?", "mansfield.homestay.duration"),
        ("When was the China-Japan-Korea Personnel Policy Network established?",
         "cjk.network.established"),
        ("How many consultations did the NPA receive in FY2012?", "dispatch.consultations.fy2012"),
    ],
)  # fmt: skip
def test_lookup_finds_the_fact(table, question, fact_id):
    matches = table.lookup(question, k=3)
    assert matches and matches[0].fact.id == fact_id
    assert 0 < matches[0].score <= 1
    assert table.not_stated(question) is None


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        # domain synonyms: secondment / posting = dispatch, come home = return, close = end of FY
        ("How many secondees came home during fiscal 2012?", "dispatch.returned.fy2012"),
        ("How many fresh postings abroad were there in the 2012 fiscal year?", "dispatch.new.fy2012"),
        ("How many officials were on secondment when fiscal 2012 closed?", "dispatch.total.end_fy2012"),
        # spans: "before", "excluding", "between ... and" pick the matching cumulative total
        ("How many officials attended the middle-level seminar before FY2013?",
         "jica.middle.participants.before_fy2013"),
        ("Leaving out FY2013, how many officials have attended the national government seminar?",
         "jica.national.participants.before_fy2013"),
        ("How many countries took part in the senior officials seminar between FY1991 and FY2013?",
         "jica.senior.countries.total"),
        # a comparison base is not the asked period
        ("By how much did the total number of dispatched personnel change compared with FY2011?",
         "dispatch.total.increase_fy2012"),
        ("What was the total number of dispatched personnel a year earlier than the end of FY2012?",
         "dispatch.total.end_fy2011"),
        # direction: sent from Japan vs received in Japan
        ("How many Korean officials came to Japan for training in FY2013?",
         "cjk.exchange.accepted.fy2013"),
        ("How many Japanese staff went to Korea in FY2013?", "cjk.exchange.dispatched.fy2013"),
        # one named year with "in total" sums across programmes, not over the years
        ("How many officials in total attended the three JICA seminars in FY2013?",
         "jica.all.participants.fy2013"),
        ("What is the all-time number of participants of the middle-level seminar?",
         "jica.middle.participants.total"),
        # the first thing asked decides the kind of answer
        ("How many officials joined the senior officials HRM seminar in FY2013, and how long was it?",
         "jica.senior.participants.fy2013"),
    ],
)  # fmt: skip
def test_lookup_general_rules(table, question, fact_id):
    assert table.lookup(question, k=3)[0].fact.id == fact_id
    assert table.not_stated(question) is None


@pytest.mark.parametrize(
    ("fact_id", "value", "formula"),
    [
        ("jica.training_course_on_human.participants.total", 378, "220 + 158"),
        ("jica.three_week.participants.fy2013", 18, "10 + 8"),
        ("jica.senior_minus_middle.participants.total", 62, "220 - 158"),
        ("jica.middle.years_start_to_renamed", 5, "2004 - 1999"),
        ("cjk.agreement.end_year", 2015, "2010 + 5"),
    ],
)
def test_new_derivation_rules(table, fact_id, value, formula):
    fact = table.get(fact_id)
    assert fact is not None and fact.derived and (fact.value, fact.formula) == (value, formula)


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        ("How many more officials attended the HRM seminar for senior officials than the "
         "middle-level seminar in total?", "jica.senior_minus_middle.participants.total"),
        ("How many years after it started did the middle-level seminar take its present title?",
         "jica.middle.years_start_to_renamed"),
        ("In what year does the five-year agreement of summer 2010 run out?",
         "cjk.agreement.end_year"),
        ("How many participants did the two three-week seminars have together in FY2013?",
         "jica.three_week.participants.fy2013"),
    ],
)  # fmt: skip
def test_lookup_finds_derived_answers(table, question, fact_id):
    assert table.lookup(question, k=3)[0].fact.id == fact_id


def test_direction_and_other_way():
    from coopqa.facts import question_direction

    assert question_direction("How many employees did the NPA send to Korea?") == "out"
    assert question_direction("How many Korean officials did the NPA accept?") == "in"
    assert question_direction("And the other way? — How many did the NPA send to Korea?") == "in"
    assert question_direction("How many secondees came home in FY2012?") == "out"


@pytest.mark.parametrize(
    "question",
    [
        "How much did the number of dispatched personnel grow compared with FY2011?",
        "Which figures show dispatches by organization and by area?",
        "With which countries does the NPA have partnerships in personnel administration?",
        "Since the middle-level seminar started in FY1991, how many officials have attended it?",
    ],
)
def test_not_stated_stays_silent_when_answerable(table, question):
    assert table.not_stated(question) is None


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("How many of the 424 dispatched personnel work at the World Bank?", "424"),
        ("How many dispatched personnel were stationed in Africa at the end of FY2012?", "Figures 28"),
        ("How many Chinese officials took part in the exchange programme in FY2013?", "nationality"),
        ("Which countries did the 10 participants of the middle-level seminar come from in FY2013?",
         "which countries"),
    ],
)  # fmt: skip
def test_not_stated_for_parts_the_text_does_not_give(table, question, says):
    result = table.not_stated(question)
    assert result is not None and says in result.message


def test_not_stated_for_a_period_the_table_lacks(table):
    result = table.not_stated("How many officials took part in the middle-level seminar in FY2012?")
    assert result is not None
    assert result.message.startswith("The chapter does not say how many officials")
    assert "in FY2012" in result.message
    assert "It gives 10 officials in FY2013 and 158 officials" in result.message
    assert "(" not in result.message  # no subject label, no "(…)"
    assert {f.id for f in result.related} >= {"jica.middle.participants.fy2013"}


def test_not_stated_for_a_breakdown_left_to_the_figures(table):
    result = table.not_stated("How many dispatched personnel were there by organization?")
    assert result is not None
    assert result.message.startswith("The chapter does not give a breakdown by organization")
    assert "Figures 28 and 29" in result.message and "424" in result.message
    assert result.message.count("424") == 1


def test_not_stated_stays_silent_for_unknown_subjects(table):
    assert table.not_stated("What is the capital of France in 2010?") is None
    assert table.not_stated("How many returned to Japan in FY2011?") is not None


def test_format_table_json_and_csv(table):
    rows = json.loads(format_table(table, "json"))
    assert len(rows) == len(table.facts)
    derived = next(r for r in rows if r["id"] == "dispatch.new.fy2011")
    assert derived["formula"] == "143 + 4" and derived["derived"] is True
    parsed = list(csv.DictReader(io.StringIO(format_table(table, "csv"))))
    assert list(parsed[0])[: len(COLUMNS)] == list(COLUMNS)
    assert len(parsed) == len(table.facts)
    assert "stated and" in format_table(table, "text")
    with pytest.raises(ValueError):
        format_table(table, "xml")


def test_cli_functions(tmp_path):
    settings = Settings(corpus_dirs=(ROOT / "corpus",), facts_path=FACTS)
    out, code = cli_facts_check(settings)
    assert code == 0 and out.startswith("OK:") and "coverage" in out
    out, code = cli_facts(settings, "csv")
    assert code == 0 and out.startswith("id,subject,measure")
    broken = tmp_path / "facts.csv"
    broken.write_text("id,subject\n", encoding="utf-8")
    out, code = cli_facts(settings.with_(facts_path=broken), "text")
    assert code == 1 and out.startswith("error: facts.csv row 1: missing column(s)")
    out, code = cli_facts_check(settings.with_(facts_path=broken))
    assert code == 1 and "row 1" in out


def test_empty_table_behaves():
    empty = FactTable([])
    assert empty.lookup("How many?") == [] and empty.not_stated("How many in FY2012?") is None


def test_import_stays_light():
    code = (
        "import sys, coopqa.facts, coopqa.answer.verify, coopqa.facts.numbers;"
        "heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'gradio', 'langchain')"
        " if m in sys.modules]; print(heavy); sys.exit(bool(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
