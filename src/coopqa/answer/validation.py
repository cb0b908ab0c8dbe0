"""Checks on user input shared by every interface, each failure with a message a person can act on."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..config import MAX_QUESTION_CHARS

MAX_HISTORY_TURNS = 50


class InputError(ValueError):
    """Input that coopqa refuses; ``str(exc)`` is the message to show."""


def clean_question(question: Any) -> str:
    """The question stripped, or InputError saying why it cannot be asked."""
    if not isinstance(question, str):
        raise InputError("question must be a string")
    text = question.strip()
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(
            f"question is {len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,}"
        )
    _refuse_unprintable(text, "question")
    # Zero-width, bidi-override and BOM characters change matching, not meaning: drop them.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    if not text.strip():
        raise InputError("question is empty")
    return " ".join(text.split())


# Unicode gives the C0/C1 controls no names; these are their usual ones (the rest get a number).
_CONTROL_NAMES = {
    0x00: "null", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
    0x1A: "substitute", 0x1B: "escape", 0x7F: "delete", 0x85: "next line",
}  # fmt: skip


def character_name(ch: str) -> str:
    """A character named in words for a person: "the bell character (U+0007)"."""
    code = f"U+{ord(ch):04X}"
    name = _CONTROL_NAMES.get(ord(ch)) or unicodedata.name(ch, "").lower()
    return f"the {name} character ({code})" if name else f"a control character ({code})"


def _refuse_unprintable(text: str, what: str) -> None:
    """InputError for control characters and lone surrogates (undecodable bytes in argv)."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise InputError(f"{what} is not valid UTF-8 text")
        if category == "Cc" and ch not in "\n\r\t":
            raise InputError(
                f"{what} contains control characters: {character_name(ch)}; remove it and try again"
            )


def clean_history(history: Any) -> list[dict[str, str]]:
    """History as ``[{"role": "user"|"assistant", "content": str}]``; plain strings are user turns."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise InputError("history must be a list of {role, content} objects")
    if len(history) > MAX_HISTORY_TURNS:
        raise InputError(f"history has {len(history)} turns; the limit is {MAX_HISTORY_TURNS}")
    turns = []
    for i, turn in enumerate(history):
        if isinstance(turn, str):
            turn = {"role": "user", "content": turn}
        if not isinstance(turn, dict):
            raise InputError(f"history[{i}] must be an object with role and content")
        role, content = turn.get("role"), turn.get("content")
        if role not in ("user", "assistant"):
            raise InputError(f"history[{i}].role must be 'user' or 'assistant'")
        if not isinstance(content, str):
            raise InputError(f"history[{i}].content must be a string")
        if len(content) > 4 * MAX_QUESTION_CHARS:
            raise InputError(f"history[{i}].content is too long")
        _refuse_unprintable(content, f"history[{i}].content")
        turns.append({"role": role, "content": content})
    return turns


# Instructions aimed at the assistant: "ignore the report ...", or an imperative "say that ..."
# opening a sentence. "Does the chapter say that ..." is a question, not an instruction.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.?!]{0,40}?\b(?:instructions?|rules?|report|"
    r"chapter|above|previous|system|prompt)\b[^.?!]*[.?!]?"
    r"|(?:^|(?<=[.?!:]\s))(?:please\s+|just\s+|now\s+)?(?:pretend|act as|you are now|from now on|"
    r"say|answer|respond|reply|state|write)\b[^.?!]*[.?!]?"
    r"|\bsystem\s+override\b[^.?!]*[.?!]?|\balways\s+(?:say|answer|respond|reply)\b[^.?!]*[.?!]?",
    re.IGNORECASE,
)


_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{1,200}>", re.IGNORECASE | re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*_~`])(\*\*|__|~~|\*|_|`+)(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")
_MD_LINE_START = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+)", re.MULTILINE)


def plain_markup(text: str) -> str:
    """Markdown a person typed, read as the words it shows: "**bold** [link](…)" → "bold link"."""
    text = _MD_LINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis: "***both***"
        text = _MD_EMPHASIS.sub(r"\2", text)
    return " ".join(_MD_LINE_START.sub("", text).split())


def strip_injection(question: str) -> tuple[str, bool]:
    """The question without markup (HTML or Markdown) or instructions aimed at the assistant;
    whether there were instructions."""
    plain = plain_markup(_MARKUP.sub(" ", question))
    cleaned = " ".join(_INJECTION.sub(" ", plain).split())
    return (cleaned or plain or question), cleaned != plain
