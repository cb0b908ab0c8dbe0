"""What a count counts, by class: general English, plus the glossary's unit classes."""

from __future__ import annotations

from ..ingest.glossary import active

_UNIT_CLASSES = {
    "person": "persons person people personnel staff employees employee officials official "
    "participants visitors fellows trainees attendees individuals officers delegates secondees "
    "bureaucrats alumni servants heads",
    "country": "countries country nations regions",
    "agency": "agencies agency organizations organisations",
    "part": "parts part",
    "consultation": "consultations consultation",
}
_GENERAL_UNIT_CLASS = {w: cls for cls, words in _UNIT_CLASSES.items() for w in words.split()}


def unit_class(noun: str) -> str | None:
    """The class of what a count counts: general English, plus the glossary's unit classes."""
    return _GENERAL_UNIT_CLASS.get(noun) or active().unit_classes.get(noun)


def counts_people(unit: str) -> bool:
    """Whether a count of ``unit`` counts people ("officials", "participants"): such counts add up."""
    return unit_class(unit.lower()) == "person"
