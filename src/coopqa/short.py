"""The short answer: the bare figure with its unit and scale, the quoted span, or the list.

Read from the checked answer text and the passages it cites, so every answerer gets one the same
way: "7% (an increase): …" -> "7%", "$23,030 (…)" in a table "in thousands" -> "$23,030
thousand", a quoted sentence -> that sentence, "84% in 2018; 83% in 2019" -> ["84%", "83%"].
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .corpus import Passage

_PLAIN_LEAD = re.compile(r"^[$€£¥]?\s?[−-]?[$€£¥]?\s?\d[\d,]*(?:\.\d+)?(?:\s?%)?")
_QUOTE = re.compile(r"“(?P<quote>.+?)”(?=\s*\[\d|\s*$)")
_LIST = re.compile(r"(?P<figure>[$€£¥]?[−-]?\d[\d,]*(?:\.\d+)?%?) (?:in|for|at) [^;.]+")
_IN_TEXT = re.compile(
    r"(?P<figure>[$€£¥]?\s?\d[\d,]*(?:\.\d+)?(?:\s?%| (?:thousand|million|billion)\b)?)"
)
# A unit word right after a figure ("424 persons: …"), not a preposition starting a phrase.
_UNIT_WORD = re.compile(
    r"\s([a-z][a-z-]+)\b(?<!\bin)(?<!\bof)(?<!\bto)(?<!\bfor)(?<!\bat)"
    r"(?<!\bon)(?<!\bby)(?<!\band)(?<!\bor)(?<!\bfrom)(?<!\bcomputed)"
)
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")


def _tidy(figure: str) -> str:
    figure = figure.replace("−", "-").strip()
    return re.sub(r"^([$€£¥])-", r"-\1", figure)


def lone_figure(sentence: str) -> str | None:
    """The one figure a sentence states (years and small ordinals aside), else None."""
    found = [
        m.group("figure").strip()
        for m in _IN_TEXT.finditer(sentence)
        if not _YEARLIKE.match(m.group("figure").strip())
    ]
    return found[0] if len(found) == 1 else None


def short_answer(
    text: str,
    abstained: bool,
    cited: Sequence[Passage],
    scale: str = "",
    numeric: bool = False,
) -> str | list[str] | None:
    """The bare answer in ``text``; None when it abstains or states nothing bare. A figure read
    from a cited table takes that table's ``scale``; a quote answers a ``numeric`` question with
    the one figure it states, when it states one."""
    if abstained or not text.strip():
        return None
    body = text.strip()
    lead = _PLAIN_LEAD.match(body)
    if lead and not body.startswith("“"):
        rest = body[lead.end() :]
        listed = [m.group("figure") for m in _LIST.finditer(body.split(". ")[0])]
        if len(listed) > 1 and ";" in body.split(". ")[0]:
            return [_tidy(f) for f in listed]
        figure = _tidy(lead.group())
        word = re.match(r"\s?(thousand|million|billion)\b", rest)
        if word:
            return f"{figure} {word.group(1)}"
        unit = _UNIT_WORD.match(rest)
        if unit and "%" not in figure:
            return f"{figure} {unit.group(1)}"
        if "%" not in figure and cited and cited[0].kind == "table" and scale:
            return f"{figure} {scale}"
        return figure
    listed = [m.group("figure") for m in _LIST.finditer(body.split("“")[0])]
    if len(listed) > 1:
        return [_tidy(f) for f in listed]
    quote = _QUOTE.search(body)
    if quote:
        figure = lone_figure(quote.group("quote")) if numeric else None
        return figure or quote.group("quote").strip()
    return body.split(" [")[0].strip() or None
