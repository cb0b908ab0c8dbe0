"""coopqa: cited, number-checked answers about Chapter 8 of the NPA annual report.

The public names load lazily, so ``import coopqa`` stays fast (no torch, Chroma or LangChain).
"""

from importlib import import_module
from typing import Any

__all__ = [
    "Answer",
    "Assistant",
    "CheckedNumber",
    "Citation",
    "InputError",
    "Settings",
]

_WHERE = {
    "Answer": "coopqa.answer",
    "Assistant": "coopqa.chain",
    "CheckedNumber": "coopqa.answer",
    "Citation": "coopqa.answer",
    "InputError": "coopqa.answer.validation",
    "Settings": "coopqa.config",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'coopqa' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
