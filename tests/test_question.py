"""Question analysis and on-demand arithmetic: general English, no document's words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coopqa.answer.asks import analyse
from coopqa.facts import compute
from coopqa.facts.model import Fact


@pytest.mark.parametrize(
    ("question", "answer_type", "operation", "years"),
    [
        ("How many persons returned in FY2012?", "quantity", "", (2012,)),
        (
            "What was the percentage change in cost between 2018 and 2019?",
            "quantity",
            "percent_change",
            (2018, 2019),
        ),
        (
            "What was the change in average daily hire rate from 2018 to 2019?",
            "quantity",
            "change",
            (2018, 2019),
        ),
        (
            "What was the average salary of the director in 2017/18 and 2018/19?",
            "quantity",
            "average",
            (2018, 2019),
        ),
        ("Which year have greater total accumulated amortisation?", "year_choice", "", ()),
        ("Why did the company record an impairment loss?", "reason", "", ()),
        ("Who chaired the committee?", "person", "", ()),
        ("Where is the head office?", "place", "", ()),
        ("When was the act enacted?", "date", "", ()),
        ("What percentage of revenue was Platforms in 2019?", "text", "ratio", (2019,)),
        ("What were net sales of Frozen Kefir in 2017?", "quantity", "", (2017,)),
        ("What is revenue by geography based on?", "text", "", ()),
    ],
)
def test_analysis(question, answer_type, operation, years):
    q = analyse(question)
    assert (q.answer_type, q.operation, q.years) == (answer_type, operation, years)


def test_terms_leave_out_framing_and_years_and_keep_names():
    q = analyse("What were net sales of Frozen Kefir in 2018 and 2019 respectively?")
    assert "2018" not in q.terms and "respectively" not in q.terms and "what" not in q.terms
    assert q.names == ("Frozen Kefir",)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Which countries did the participants come from?", 2),
        ("Which nine ports sent ships?", 9),  # as many names as it counts
        ("What are the names of the ten captains?", 10),
        ("What is the name of the captain?", 1),
        ("Which ports did the ten captains sail from?", 2),  # ten captains, not ten ports
        ("Who was the guest at the symposium?", 1),
        ("Which ministry made the consultation?", 0),
        ("In which years did revenue rise?", 0),
        ("Who does the agency invite?", 0),
    ],
)
def test_names_wanted(question, wanted):
    """A question for names is not answered by a sentence that only counts them."""
    assert analyse(question).names_wanted == wanted


def _fact(value: float, year: int) -> Fact:
    return Fact(id=f"d.t0.r0.c{year}", subject="Cost", measure=str(year), value=value, unit="$",
                period=str(year), origin="table")  # fmt: skip


def test_computations_carry_formula_and_inputs():
    earlier, later = _fact(6509, 2018), _fact(16284, 2019)
    pct = compute.percent_change(earlier, later)
    assert round(pct.value, 2) == 150.18 and pct.unit == "%"
    assert pct.formula.startswith("150.18% = (16,284 − 6,509) / 6,509")
    assert pct.inputs == (earlier.id, later.id) and pct.derived
    assert compute.change(earlier, later).value == 9775
    assert compute.average([earlier, later]).formula == "11,396.5 = (6,509 + 16,284) / 2"
    assert compute.percent_change(_fact(0, 2018), later) is None
    negative = compute.change(_fact(-55849, 2018), _fact(-56552, 2019))
    assert negative.value == -703 and "(56,552)" in negative.formula


def test_a_share_is_a_percentage_of_the_whole():
    part, whole = _fact(7936, 2019), _fact(23200, 2019)
    result = compute.share(part, whole)
    assert round(result.value, 2) == 34.21 and result.unit == "%" and result.measure == "share"
    assert result.formula == "34.21% = 7,936 / 23,200"
    assert compute.share(part, _fact(0, 2019)) is None


def test_an_earlier_period_from_a_later_level_and_its_stated_change():
    level, change = _fact(143, 2012), replace(_fact(4, 2012), id="d.p1.s0.n1")
    assert compute.previous(level, change, fell=True).value == 147
    risen = compute.previous(level, change, fell=False)
    assert risen.value == 139 and risen.formula == "139 = 143 − 4"
    assert risen.inputs == (level.id, change.id) and risen.derived
