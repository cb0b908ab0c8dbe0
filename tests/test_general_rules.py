"""No rule in src/coopqa names a word of one corpus document: the named entities spaCy finds in
corpus/* and in the development documents must not appear in the code's strings or names
(docstrings and comments aside; every other string literal counts, wherever its line starts)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from coopqa.ingest.corpus import load_corpus
from coopqa.ingest.nlp import parse

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "coopqa"
DOCUMENTS = (ROOT / "corpus", ROOT / "eval" / "annual-reports-dev" / "docs")
KINDS = {"ORG", "GPE", "PERSON", "NORP", "FAC", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}


def corpus_entities() -> set[str]:
    """Proper nouns of the corpus's named entities; words it also writes in lower case
    ("state", "people") are ordinary words, not names."""
    names: set[str] = set()
    ordinary: set[str] = set()
    for document in load_corpus(list(DOCUMENTS)).documents:
        ordinary |= set(re.findall(r"\b[a-z]{3,}\b", document.text))
        for passage in document.passages:
            for ent in parse(passage.text).ents:
                if ent.label_ in KINDS:  # the proper nouns of a name: "Mansfield", "JICA"
                    names |= {t.text for t in ent if t.pos_ == "PROPN" and len(t.text) >= 3}
    names = {n for n in names if n.lower() not in ordinary}
    return names | {n.lower() for n in names if n.isupper()}  # "jica" in a lower-case pattern


def docstring_lines(source: str) -> set[int]:
    """The lines of the module's, classes' and functions' docstrings (examples live there)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines |= set(range(value.lineno, (value.end_lineno or value.lineno) + 1))
    return lines


def code_words(path: Path) -> list[tuple[int, str]]:
    """(line, word) of string literals and names outside docstrings and comments; a library's
    attribute (``gr.State``) is its name, not a rule."""
    source = path.read_text(encoding="utf-8")
    docstrings = docstring_lines(source)
    out = []
    after_dot = False
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and after_dot:
            after_dot = False
            continue
        after_dot = tok.type == tokenize.OP and tok.string == "."
        if tok.type == tokenize.STRING and tok.start[0] in docstrings:
            continue
        if tok.type in (tokenize.STRING, tokenize.NAME):
            out += [(tok.start[0], w) for w in re.findall(r"[A-Za-z]{3,}", tok.string)]
    return out


def test_no_rule_names_a_corpus_entity():
    entities = corpus_entities()
    assert len(entities) > 10, "spaCy found the corpus's names"
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {word}"
        for path in sorted(SRC.rglob("*.py"))
        for line, word in code_words(path)
        if word in entities
    ]
    assert not hits, "rules naming a document's words:\n" + "\n".join(hits[:40])
