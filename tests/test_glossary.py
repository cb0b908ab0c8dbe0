"""The optional glossary beside the corpus: document words live there, and the rules read them."""

from __future__ import annotations

import pytest

from coopqa.facts.query import named_place
from coopqa.facts.units import unit_class
from coopqa.ingest.glossary import GlossaryError, activate, active, load


@pytest.fixture
def restore_glossary():
    previous = active()
    yield
    activate(previous)


def test_patterns_and_unit_classes_come_from_the_glossary(tmp_path, restore_glossary):
    path = tmp_path / "glossary.toml"
    path.write_text(
        '[patterns]\nnamed_place_verbs = "shipped"\nhome = "Norway"\n'
        '[unit_classes]\n"barges" = "vessel"\n',
        encoding="utf-8",
    )
    activate(load(path))
    assert named_place().search("How many were shipped to Sweden?")
    assert not named_place().search("How many were shipped to Norway?")
    assert unit_class("barges") == "vessel" and unit_class("persons") == "person"
    activate(load(tmp_path / "none.toml"))  # no glossary: general English only
    assert not named_place().search("How many were shipped to Sweden?")
    assert named_place().search("How many were stationed in Sweden?")
    assert unit_class("barges") is None


def test_a_broken_pattern_is_a_clear_error(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text('[patterns]\nmoving_out = "(unclosed"\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match="glossary.toml"):
        load(path)
