"""The one ``Answer`` type every interface returns, and its JSON shape (shown in README.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

NumberStatus = Literal["verified", "derived", "unverified", "contradicted"]


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    passage_id: str
    section: str
    page: int
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class CheckedNumber:
    text: str
    value: float | int
    status: NumberStatus
    fact_id: str | None = None
    expected: float | int | None = None  # the table's value when status is "contradicted"


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    numbers: list[CheckedNumber] = field(default_factory=list)
    backend: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    corrections: list[str] = field(default_factory=list)
    resolved_question: str | None = None
    # The bare answer a helpdesk wants: the figure with unit and scale, the span, or the list;
    # None when coopqa abstains.
    short: str | list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for number in data["numbers"]:
            value = number["value"]
            number["value"] = int(value) if float(value).is_integer() else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        return cls(
            question=data["question"],
            answer=data["answer"],
            abstained=bool(data["abstained"]),
            citations=[Citation(**c) for c in data.get("citations", [])],
            numbers=[CheckedNumber(**n) for n in data.get("numbers", [])],
            backend=data.get("backend", "extractive"),
            timings_ms=dict(data.get("timings_ms", {})),
            corrections=list(data.get("corrections", [])),
            resolved_question=data.get("resolved_question"),
            short=data.get("short"),
        )
