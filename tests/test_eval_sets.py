"""Checks that the evaluation sets are well-formed and grounded in the chapter text.

Fast: no model, no index. Every evidence must be cut from the corpus and every expected number
must be stated in (or plainly derivable from) the text, so the sets cannot drift from the source.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from coopqa.ingest.corpus import Corpus, Passage, load_corpus, normalize_for_match

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "eval"
EVAL_FILES = ("retrieval.jsonl", "chapter8.jsonl")

CATEGORIES = {
    "numeric": "n",
    "derived": "d",
    "aggregate": "a",
    "text": "t",
    "paraphrase": "p",
    "unanswerable": "u",
    "out_of_scope": "o",
    "false_premise": "f",
    "injection": "i",
    "followup": "c",
}
KEYS = {
    "id": str,
    "question": str,
    "category": str,
    "answerable": bool,
    "history": list,
    "expected_numbers": list,
    "expected_any": list,
    "forbidden_numbers": list,
    "evidence": str,
}
DERIVED_CATEGORIES = {"derived", "aggregate"}
NEVER_ANSWERABLE = {"unanswerable", "out_of_scope"}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(NUMBER_WORDS) + r")\b")


def numbers_in(text: str) -> set[float]:
    """Every number stated in ``text``, as digits ("FY2013" -> 2013, "18th" -> 18) or words."""
    values: set[float] = set()
    for m in _NUMBER.finditer(normalize_for_match(text)):
        token = m.group(0)
        values.add(float(NUMBER_WORDS.get(token) or token.replace(",", "")))
    return values


def derivable(value: float, stated: set[float], terms: int) -> bool:
    """True when ``value`` is stated or a sum/difference of up to ``terms`` stated numbers."""
    if value in stated:
        return True
    pool = sorted(stated)
    for n in range(2, terms + 1):
        for combo in itertools.combinations_with_replacement(pool, n):
            for signs in itertools.product((1, -1), repeat=n - 1):
                total = combo[0] + sum(s * x for s, x in zip(signs, combo[1:], strict=True))
                if abs(abs(total) - value) < 1e-9:
                    return True
    return False


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus([ROOT / "corpus"])


@pytest.fixture(scope="module")
def corpus_text(corpus: Corpus) -> str:
    return " ".join(normalize_for_match(d.text) for d in corpus.documents)


def load_items(name: str) -> list[dict]:
    lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
    items = []
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"{name}:{number}: blank line"
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - message only
            pytest.fail(f"{name}:{number}: not JSON: {exc}")
    return items


def passages_with(corpus: Corpus, evidence: str) -> list[Passage]:
    needle = normalize_for_match(evidence)
    return [p for p in corpus.passages if needle in normalize_for_match(p.text)]


@pytest.mark.parametrize("name", EVAL_FILES)
def test_items_have_the_design_shape(name: str) -> None:
    for item in load_items(name):
        assert set(item) == set(KEYS), f"{item.get('id')}: keys {sorted(item)}"
        for key, kind in KEYS.items():
            assert isinstance(item[key], kind), f"{item['id']}: {key} is not {kind.__name__}"
        assert item["category"] in CATEGORIES, f"{item['id']}: category {item['category']}"
        assert item["question"].strip(), f"{item['id']}: empty question"
        assert all(isinstance(h, str) and h.strip() for h in item["history"]), item["id"]
        for key in ("expected_numbers", "forbidden_numbers"):
            values = item[key]
            assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        assert not set(item["expected_numbers"]) & set(item["forbidden_numbers"]), item["id"]
        for group in item["expected_any"]:
            assert isinstance(group, list) and group, f"{item['id']}: empty expected_any group"
            assert all(isinstance(s, str) and s.strip() for s in group), item["id"]


@pytest.mark.parametrize("name", EVAL_FILES)
def test_ids_are_unique(name: str) -> None:
    ids = [item["id"] for item in load_items(name)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("name", EVAL_FILES)
def test_answerability_matches_category(name: str) -> None:
    for item in load_items(name):
        if item["category"] in NEVER_ANSWERABLE:
            assert item["answerable"] is False, item["id"]
        if item["category"] in {"numeric", "derived", "aggregate", "text", "paraphrase"}:
            assert item["answerable"] is True, item["id"]
        if item["answerable"]:
            assert item["evidence"], f"{item['id']}: answerable item without evidence"
            assert item["expected_numbers"] or item["expected_any"], item["id"]
        else:
            assert not item["expected_numbers"] and not item["expected_any"], item["id"]
        if item["category"] == "followup":
            assert item["history"], f"{item['id']}: follow-up without history"


@pytest.mark.parametrize("name", EVAL_FILES)
def test_evidence_is_verbatim_corpus_text(name: str, corpus: Corpus, corpus_text: str) -> None:
    for item in load_items(name):
        evidence = item["evidence"]
        if not evidence:
            continue
        assert normalize_for_match(evidence) in corpus_text, f"{item['id']}: {evidence!r}"
        assert passages_with(corpus, evidence), f"{item['id']}: evidence spans two passages"


@pytest.mark.parametrize("name", EVAL_FILES)
def test_expected_numbers_are_grounded(name: str, corpus: Corpus, corpus_text: str) -> None:
    stated = numbers_in(corpus_text)
    for item in load_items(name):
        if not item["expected_numbers"]:
            continue
        passage_numbers: set[float] = set()
        for passage in passages_with(corpus, item["evidence"]):
            passage_numbers |= numbers_in(passage.text)
        for value in item["expected_numbers"]:
            if item["category"] in DERIVED_CATEGORIES:
                ok = derivable(value, stated, terms=3)
            elif item["category"] == "followup":
                ok = derivable(value, passage_numbers, terms=2)
            else:
                ok = value in passage_numbers
            assert ok, f"{item['id']}: {value} not grounded in {item['evidence']!r}"


@pytest.mark.parametrize("name", EVAL_FILES)
def test_derived_items_need_arithmetic(name: str, corpus: Corpus) -> None:
    """A derived answer is not simply read off the passage its evidence points to."""
    for item in load_items(name):
        if item["category"] != "derived":
            continue
        stated: set[float] = set()
        for passage in passages_with(corpus, item["evidence"]):
            stated |= numbers_in(passage.text)
        assert any(v not in stated for v in item["expected_numbers"]), item["id"]


@pytest.mark.parametrize("name", EVAL_FILES)
def test_expected_terms_occur_in_the_chapter(name: str, corpus_text: str) -> None:
    """At least one spelling of every required term group is one the chapter itself uses."""
    for item in load_items(name):
        for group in item["expected_any"]:
            assert any(normalize_for_match(s) in corpus_text for s in group), (item["id"], group)


@pytest.mark.parametrize("name", EVAL_FILES)
def test_questions_are_not_copied_from_the_text(name: str, corpus_text: str) -> None:
    for item in load_items(name):
        question = normalize_for_match(item["question"]).rstrip("?. ")
        assert len(question) < 40 or question not in corpus_text, item["id"]


@pytest.mark.parametrize("name", EVAL_FILES)
def test_every_section_is_covered(name: str, corpus: Corpus) -> None:
    covered = set()
    for item in load_items(name):
        if item["evidence"] and item["answerable"]:
            covered |= {p.section for p in passages_with(corpus, item["evidence"])}
    missing = {p.section for p in corpus.passages} - covered
    assert not missing, sorted(missing)


def test_chapter8_set_is_large_and_covers_every_category() -> None:
    items = load_items("chapter8.jsonl")
    assert len(items) >= 100
    assert {item["category"] for item in items} == set(CATEGORIES)
    for item in items:
        prefix = CATEGORIES[item["category"]]
        assert re.fullmatch(prefix + r"\d{2,}", item["id"]), f"{item['id']} vs {item['category']}"
    assert any(not item["answerable"] for item in items if item["category"] == "injection")
    assert any(item["answerable"] for item in items if item["category"] == "injection")


def test_retrieval_set_is_answerable_with_paraphrases() -> None:
    items = load_items("retrieval.jsonl")
    assert len(items) >= 45
    assert all(re.fullmatch(r"r\d{2,}", item["id"]) for item in items)
    assert all(item["answerable"] and item["evidence"] for item in items)
    for item in items:
        assert 20 <= len(item["evidence"]) <= 150, item["id"]
    paraphrases = sum(item["category"] == "paraphrase" for item in items)
    assert paraphrases >= 0.3 * len(items)


def test_number_helpers_read_words_and_fiscal_years() -> None:
    assert numbers_in("In FY2013, ten fellows joined the 18th two-week course of 1,200") == {
        2013.0, 10.0, 18.0, 2.0, 1200.0,
    }  # fmt: skip
    assert derivable(27, {9.0, 10.0, 8.0}, terms=3)
    assert not derivable(28, {9.0, 10.0, 8.0}, terms=2)


def test_the_held_out_set_is_well_formed():
    from coopqa.evaluate.items import load_items as load_eval_items

    items, problems = load_eval_items([EVAL_DIR / "heldout.jsonl"], strict=True)
    assert len(items) >= 60 and not problems
    text = normalize_for_match(" ".join(p.text for p in load_corpus([ROOT / "corpus"]).passages))
    for item in items:
        if item.evidence:
            assert normalize_for_match(item.evidence) in text, item.id
