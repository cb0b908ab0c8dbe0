"""The optional domain glossary beside the corpus (``corpus/glossary.toml``): synonyms for
search, question phrasings, word forms, nationality words and named pairs of reviewed measures.

Language knowledge about one document lives there as data, never in the code. It is read once
(``use`` at start-up and ingest, or on first need from the default corpus folder); without the
file every table is empty and coopqa answers from the documents alone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

FILENAME = "glossary.toml"


class GlossaryError(ValueError):
    """glossary.toml cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Glossary:
    thesaurus: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    nationality: dict[str, str] = field(default_factory=dict)
    phrases: tuple[tuple[str, str], ...] = ()
    pair_rules: tuple[dict[str, str], ...] = ()
    # Extra alternatives for the reviewed lookup's general patterns ("moving_out": "dispatch\\w*").
    patterns: dict[str, str] = field(default_factory=dict)
    # Nouns a count may count, with the class they belong to ("seminars" = "course").
    unit_classes: dict[str, str] = field(default_factory=dict)
    # Words the documents' own questions use that name no fact (the body the report is by).
    ignore: frozenset[str] = frozenset()
    # What these documents never report, whatever is asked ("budgets?", "salar(?:y|ies)"):
    # a question asking for one gets "does not say", named, unless the documents use the word.
    unreported: tuple[str, ...] = ()
    source: str = ""

    def extra(self, name: str) -> str:
        """ "|alternatives" from the glossary's patterns, to append to a general pattern."""
        return f"|{self.patterns[name]}" if self.patterns.get(name) else ""

    @cached_property
    def unreported_pattern(self) -> re.Pattern[str] | None:
        if not self.unreported:
            return None
        return re.compile(r"\b(?:" + "|".join(self.unreported) + r")\b", re.I)

    @cached_property
    def phrase_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(p, re.I), r) for p, r in self.phrases)

    @cached_property
    def nationality_question(self) -> re.Pattern[str] | None:
        if not self.nationality:
            return None
        names = "|".join(re.escape(n) for n in self.nationality)
        return re.compile(rf"\bhow many ({names})\b", re.I)

    @cached_property
    def stemmed_thesaurus(self) -> dict[str, str]:
        from .text import stem

        return {stem(k): v for k, v in self.thesaurus.items()}


def load(path: Path) -> Glossary:
    """The glossary in ``path``; an empty one when the file does not exist."""
    if not path.exists():
        return Glossary(source=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        phrases = tuple((p["pattern"], p["replacement"]) for p in data.get("phrases", []))
        for pattern, _ in phrases:
            re.compile(pattern)
        rules = tuple(dict(r) for r in data.get("pair_rules", []))
        patterns = {str(k): str(v) for k, v in data.get("patterns", {}).items()}
        unreported = tuple(str(w) for w in data.get("unreported", []))
        for pattern in [*patterns.values(), *unreported]:
            re.compile(pattern)
        for rule in rules:
            missing = {"op", "a", "b", "measure", "unit", "id_part"} - set(rule)
            if missing or rule["op"] not in "+-":
                raise GlossaryError(
                    f"{path}: a pair rule needs op (+ or -), a, b, measure, unit, id_part"
                )
    except (tomllib.TOMLDecodeError, KeyError, re.error, OSError, TypeError) as exc:
        raise GlossaryError(f"{path}: {exc}") from exc
    return Glossary(
        thesaurus={str(k): str(v) for k, v in data.get("thesaurus", {}).items()},
        words={str(k): str(v) for k, v in data.get("words", {}).items()},
        nationality={str(k): str(v) for k, v in data.get("nationality", {}).items()},
        phrases=phrases,
        pair_rules=rules,
        patterns=patterns,
        unit_classes={str(k): str(v) for k, v in data.get("unit_classes", {}).items()},
        ignore=frozenset(str(w).lower() for w in data.get("ignore", [])),
        unreported=unreported,
        source=str(path),
    )


_active: Glossary | None = None


def beside(folders: list[Path | str]) -> Glossary:
    """The glossary in the first of ``folders`` that has one (empty when none does)."""
    for folder in folders:
        if (Path(folder) / FILENAME).exists():
            return load(Path(folder) / FILENAME)
    return Glossary()


def activate(glossary: Glossary) -> Glossary:
    """Make ``glossary`` the one in use (each Assistant activates its own before answering)."""
    global _active
    _active = glossary
    return glossary


def use(corpus_dir: Path | str) -> Glossary:
    """Make the glossary beside a folder the one in use; a folder without one changes nothing."""
    path = Path(corpus_dir) / FILENAME
    return activate(load(path)) if path.exists() else active()


def active() -> Glossary:
    """The glossary in use; on first need, the one in the default corpus folder."""
    if _active is None:
        from ..config import Settings

        return activate(beside([Settings.from_env().corpus_dirs[0]]))
    return _active
