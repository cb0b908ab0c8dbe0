"""How many more of one thing than of another, on a hand-made report (no model, no index)."""

from __future__ import annotations

from coopqa.more_than import sides

from .answering import answer_from

REPORT = """# Harbour review

## Traffic

In 2019, 52 ferries docked at the harbour. Meanwhile, 31 ferries sailed to the islands in 2019. \
The marina held 340 yachts in 2019.
"""


def test_the_two_sides_of_than():
    assert sides("How many more boats docked than sailed?") == (" boats docked ", " sailed?")
    assert sides("How many boats docked?") is None


def test_the_difference_of_the_figures_each_side_names():
    draft = answer_from(
        REPORT, "In 2019, how many more ferries docked at the harbour than sailed to the islands?"
    )
    assert draft.text.startswith("21 ferries more, computed as 21 = 52 − 31")
    assert len(draft.quotes) == 2


def test_no_difference_when_the_first_is_the_smaller():
    draft = answer_from(
        REPORT, "In 2019, how many more ferries sailed to the islands than docked at the harbour?"
    )
    assert "computed as" not in draft.text
