"""Questions coopqa cannot read: those mostly in another script than English's, and long pastes
that ask nothing. Each gets a short, fixed reply (an abstention) instead of unrelated quotes.

Pure functions over Unicode data: the script of each letter decides, no word list of any document.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Answer

ENGLISH_ONLY = "I can only answer questions in English."
# The same sentence where one short fixed sentence says it well enough, by ISO 639-1 code.
IN_LANGUAGE = {
    "ja": "申し訳ありませんが、英語の質問にのみお答えできます。",
    "zh": "抱歉，我只能回答英文问题。",
    "ko": "죄송합니다. 영어로 된 질문에만 답할 수 있습니다.",
}
READ_SCRIPTS = frozenset({"LATIN"})
MOSTLY = 0.5  # a question is in a script when more than this share of its letters are
PASTE_WORDS = 80  # a text this long that asks nothing is a paste, not a question
_QUESTION_MARKS = "?？¿؟\u037e"  # Latin, full-width, Spanish opening, Arabic, Greek
# Unicode names begin with the script: "CJK UNIFIED IDEOGRAPH-5E74", "HIRAGANA LETTER NO".
_SCRIPT_NAMES = {
    "CJK": "HAN",
    "HIRAGANA": "KANA",
    "KATAKANA": "KANA",
    "HALFWIDTH": "KANA",
    "HANGUL": "HANGUL",
}


@dataclass(frozen=True)
class Unreadable:
    """Why a question cannot be read, and the reply that says so."""

    reason: str  # "script" or "paste"
    reply: str
    language: str = ""  # ISO 639-1, when the script names one language


def script_of(ch: str) -> str:
    """The script of a letter by its Unicode name ("LATIN", "HAN", "KANA", "CYRILLIC", …)."""
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first == "HALFWIDTH" and "HANGUL" in name:
        return "HANGUL"
    return _SCRIPT_NAMES.get(first, first or "UNKNOWN")


def script_shares(text: str) -> dict[str, float]:
    """The share of the text's letters in each script; numbers, spaces and marks do not count."""
    letters = [script_of(ch) for ch in text if unicodedata.category(ch).startswith("L")]
    counts = Counter(letters)
    return {script: n / len(letters) for script, n in counts.most_common()} if letters else {}


def language_of(shares: dict[str, float]) -> str:
    """The language (ISO 639-1) a script mix points to, where one script names one language:
    one script for one language (kana, hangul, Han characters alone); else ""."""
    if shares.get("KANA"):
        return "ja"
    if shares.get("HANGUL", 0) >= max(shares.values(), default=0):
        return "ko"
    if shares.get("HAN", 0) >= max(shares.values(), default=0):
        return "zh"
    return ""


def unread_script(text: str) -> Unreadable | None:
    """A question mostly in a script coopqa does not read, with its reply; None otherwise."""
    shares = script_shares(text)
    if not shares or sum(shares.get(s, 0) for s in READ_SCRIPTS) > 1 - MOSTLY:
        return None
    language = language_of(shares)
    reply = f"{ENGLISH_ONLY} {IN_LANGUAGE[language]}" if language in IN_LANGUAGE else ENGLISH_ONLY
    return Unreadable("script", reply, language)


def is_paste(text: str) -> bool:
    """A long text that asks nothing: many words and no question mark anywhere."""
    words = len(re.findall(r"\w+", text))
    return words >= PASTE_WORDS and not any(mark in text for mark in _QUESTION_MARKS)


def unreadable(text: str) -> Unreadable | None:
    """Why coopqa cannot answer ``text`` as a question (another script, a paste), or None."""
    found = unread_script(text)
    if found is not None:
        return found
    if is_paste(text):
        words = len(re.findall(r"\w+", text))
        reply = (
            f"This looks like a pasted text ({words:,} words), not a question. "
            "Ask one question about the reports, in a sentence or two, ending with a question mark."
        )
        return Unreadable("paste", reply)
    return None


def unreadable_answer(question: str) -> Answer | None:
    """An abstaining Answer for a question coopqa cannot read; None when it can be read."""
    found = unreadable(question)
    if found is None:
        return None
    from . import Answer

    return Answer(question=question, answer=found.reply, abstained=True)
