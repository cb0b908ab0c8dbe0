#!/usr/bin/env python3
"""Rebuild the large development corpus from TAT-QA's test split, then validate every item.

    python3 eval/tatqa-test/make_data.py           # rebuild docs/, questions.jsonl, dropped.jsonl
    python3 eval/tatqa-test/make_data.py --check   # rebuild in memory; fail if the files differ

Inputs:
  raw/tatqa_test_gold_extract.json   272 TAT-QA test contexts with gold answers (CC BY 4.0)
  ../annual-reports-dev/             the 16 development documents and their 25 hand-written
                                     unanswerable questions (added here, documents copied)

Outputs (this folder):
  docs/tatqa-XXXXXXXX.md   one Markdown document per context (and the 16 development ones)
  questions.jsonl          every item: TAT-QA's questions, generated and written unanswerables
  dropped.jsonl            TAT-QA questions left out, each with the check it failed

Every document is split once, by a hash of its id, into ``look`` (read failures, fit on it) and
``measure`` (read only aggregates); each item carries its document's ``split``.

Standard library only; the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import math
import operator
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw" / "tatqa_test_gold_extract.json"
RAW_SHA256 = "a63955a63d76a7c5005fbe1ead3568887d0a9f114fccc41a5e4ceefeeaf856de"
DEV = HERE.parent / "annual-reports-dev"
DOCS = HERE / "docs"
QUESTIONS = HERE / "questions.jsonl"
DROPPED = HERE / "dropped.jsonl"

CATEGORIES = ("span", "multi_span", "numeric", "arithmetic", "count", "unanswerable")
ID_PREFIX = {"span": "s", "multi_span": "m", "numeric": "n", "arithmetic": "a", "count": "c"}
TOLERANCE = {"rel": 0.005, "decimals": 2}
NEGATIVE_WORDS = ["decreas", "declin", "lower", "fell", "fall", "drop", "reduc", "loss",
                  "negative", "credit"]
FIELD_ORDER = ("id", "doc", "split", "question", "category", "answerable", "expected_numbers",
               "expected_any", "forbidden_numbers", "evidence", "evidence_all", "derivation",
               "tolerance", "answer_type", "answer_from", "scale", "req_comparison",
               "unanswerable_reason", "derived_from", "source", "tatqa_uid", "tatqa_answer")

NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
NUMERIC_NOISE = re.compile(r"[$£€%,\s]|\b(?:million|billion|thousand|up to|and)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(£$€•])")
YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")


class DataError(Exception):
    pass


# ----------------------------------------------------------------------------- numbers


def numbers_in(text: str) -> list[float]:
    """Every number written in digits (thousands separators allowed), without sign."""
    return [float(m.group().replace(",", "")) for m in NUMBER.finditer(text)]


def has_number(values: list[float], value: float) -> bool:
    return any(math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9) for v in values)


def plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def is_numeric_answer(answer: str) -> bool:
    return bool(NUMBER.search(answer)) and not NUMERIC_NOISE.sub("", NUMBER.sub("", answer))


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv}


def evaluate(derivation: str) -> float:
    """Value of a TAT-QA derivation such as "(16,284 - 6,509) / 6,509"."""
    expr = re.sub(r"(?<=\d),(?=\d{3})", "", derivation)
    expr = re.sub(r"[$€£%]", "", expr).replace("[", "(").replace("]", ")").replace("x", "*")
    expr = expr.replace("−", "-").replace("÷", "/")

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        raise DataError(f"cannot evaluate derivation {derivation!r}")

    try:
        return ev(ast.parse(expr.strip(), mode="eval"))
    except (SyntaxError, ZeroDivisionError) as exc:
        raise DataError(f"cannot evaluate derivation {derivation!r}: {exc}") from None


def operands(derivation: str) -> list[float]:
    """Numbers a derivation takes from the document (constants such as /2 or *100 left out)."""
    found = []
    for m in NUMBER.finditer(derivation):
        before = derivation[: m.start()].rstrip()
        after = derivation[m.end() :].lstrip()
        value = float(m.group().replace(",", ""))
        small = value.is_integer() and value <= 10 and "," not in m.group()
        if (before.endswith("/") or before.endswith("*")) and (small or value == 100):
            continue
        if after.startswith("*") and value == 100:
            continue
        found.append(value)
    return found


def within_tolerance(value: float, gold: float) -> bool:
    if math.isclose(value, gold, rel_tol=TOLERANCE["rel"], abs_tol=1e-9):
        return True
    return round(value + 0.0, TOLERANCE["decimals"]) == round(gold, TOLERANCE["decimals"])


# ----------------------------------------------------------------------------- split


def split_of(doc: str) -> str:
    """``look`` or ``measure``, once and for all, by a hash of the document's file name."""
    return "look" if hashlib.sha256(doc.encode()).digest()[0] % 2 == 0 else "measure"


# ----------------------------------------------------------------------------- rendering

_FOOTNOTE = re.compile(r"^\(?\d{1,2}\)|^\*")
_INTRODUCES = re.compile(r"\b(table|following|below|as follows|summari[sz]ed|presented|"
                         r"consist(?:s|ed)? of|comprise[sd]?|were|was|are|is)\b", re.I)


def is_heading(text: str) -> bool:
    """A paragraph that is a heading in the report: short, no sentence end, not a footnote."""
    words = text.split()
    if not words or len(words) > 12 or text.rstrip()[-1] in ".:;!?,":
        return False
    return not _FOOTNOTE.match(text.strip())


def layout(context: dict) -> tuple[dict[int, int], int]:
    """Heading levels by paragraph order, and the order of the paragraph the table follows.

    The first heading is ``##``, later ones ``###``. The table follows the first paragraph that
    introduces it (ends with a colon), else the leading headings, else it opens the document.
    """
    paragraphs = sorted(context["paragraphs"], key=lambda p: p["order"])
    headings: dict[int, int] = {}
    for p in paragraphs:
        if is_heading(p["text"].strip()):
            headings[p["order"]] = 2 if not headings else 3
    for p in paragraphs:
        text = p["text"].strip()
        if text.endswith(":") and "•" not in text and _INTRODUCES.search(text):
            return headings, p["order"]
    table_after = 0
    for p in paragraphs:
        if p["order"] not in headings:
            break
        table_after = p["order"]
    return headings, table_after


def md_row(cells: list[str]) -> str:
    return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"


def render_table(rows: list[list[str]]) -> list[str]:
    lines = [md_row(rows[0]), "| " + " | ".join("---" for _ in rows[0]) + " |"]
    return lines + [md_row(r) for r in rows[1:]]


def render(context: dict) -> tuple[str, list[str]]:
    """The Markdown document and its table's row lines (header included, separator not)."""
    uid8 = context["table"]["uid"][:8]
    headings, table_after = layout(context)
    table_lines = render_table(context["table"]["table"])
    blocks = [f"# Annual report extract (TAT-QA {uid8})"]
    if table_after == 0:
        blocks.append("\n".join(table_lines))
    for p in sorted(context["paragraphs"], key=lambda p: p["order"]):
        text = p["text"].strip()
        level = headings.get(p["order"])
        blocks.append(f"{'#' * level} {text}" if level else text)
        if p["order"] == table_after:
            blocks.append("\n".join(table_lines))
    rows = [table_lines[0]] + table_lines[2:]
    return "\n\n".join(blocks) + "\n", rows


# ----------------------------------------------------------------------------- evidence


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def find_text_evidence(paragraphs: list[str], needle: str) -> str | None:
    for para in paragraphs:
        i = para.find(needle)
        if i < 0:
            i = para.lower().find(needle.lower())
        if i >= 0:
            covered = [(a, b) for a, b in sentences(para) if a < i + len(needle) and b > i]
            return para[covered[0][0] : covered[-1][1]]
    return None


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) - {"the", "of", "in", "and", "what", "was",
                                                       "is", "for", "to", "from", "a", "how"}


def best_line(lines: list[str], value: float, question: str) -> str | None:
    """The table row (or sentence) stating ``value`` that shares most words with the question."""
    hits = [ln for ln in lines if has_number(numbers_in(ln), abs(value))]
    if not hits:
        return None
    q = words(question)
    return max(hits, key=lambda ln: (len(q & words(ln)), -hits.index(ln)))


def row_cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split(" | ")]


def near_misses(rows: list[str], evidence: list[str], keep: list[float], question: str,
                prose: str) -> list[float]:
    """Figures of the labelled table rows next to the evidence rows: the wrong-row answer.

    Left out: years, whole numbers up to 10, note columns, and any figure the evidence, the
    question, the expected answer or the prose also states.
    """

    def labelled(i: int) -> bool:
        return i > 0 and row_cells(rows[i])[0] != ""

    notes = {j for i in range(min(3, len(rows))) for j, c in enumerate(row_cells(rows[i]))
             if c.lower() in ("note", "notes")}
    ev_rows = [i for i, r in enumerate(rows) if r in evidence and labelled(i)]
    stated = numbers_in(" ".join(evidence)) + numbers_in(question) + list(keep)
    stated += numbers_in(prose)

    def usable(i: int) -> list[float]:
        if not labelled(i):
            return []
        values = [c for j, c in enumerate(row_cells(rows[i])) if j > 0 and j not in notes]
        out: list[float] = []
        for v in numbers_in(" | ".join(values)):
            if (v.is_integer() and (v <= 10 or 1900 <= v <= 2100)) or has_number(stated, v):
                continue
            if not has_number(out, v):
                out.append(v)
        return out

    found: list[float] = []
    for i in ev_rows:
        for step in (-1, 1):
            j = i + step
            while 0 < j < len(rows) and (j in ev_rows or not usable(j)):
                j += step
            if 0 < j < len(rows):
                found += [v for v in usable(j) if not has_number(found, v)]
    return found


# ----------------------------------------------------------------------------- items


def span_text(answer: str) -> str:
    return " ".join(answer.split()).rstrip(".").strip()


def negative_group(gold: float) -> list[str]:
    mag = abs(gold)
    forms = {f"{plain(mag)}", f"{plain(mag):,}"}
    alts = [f"{sign}{f}" for f in sorted(forms) for sign in ("-", "−")]
    alts += [f"({f})" for f in sorted(forms)]
    return alts + NEGATIVE_WORDS


def build_item(ctx: dict, q: dict, doc: str, rows: list[str]) -> dict:
    uid8 = ctx["table"]["uid"][:8]
    by_order = {str(p["order"]): p["text"].strip() for p in ctx["paragraphs"]}
    preferred = [by_order[o] for o in q["rel_paragraphs"] if o in by_order]
    paragraphs = preferred + [t for t in by_order.values() if t not in preferred]
    sentence_lines = [p[a:b] for p in paragraphs for a, b in sentences(p)]
    answers = q["answer"]
    atype = q["answer_type"]
    expected_numbers: list[float] = []
    expected_any: list[list[str]] = []
    evidence_all: list[str] = []

    if atype == "arithmetic":
        category = "arithmetic"
        gold = float(answers)
        expected_numbers = [abs(round(gold, 4))]
        if gold < 0:
            expected_any = [negative_group(round(gold, 4))]
        for value in operands(q["derivation"]):
            line = best_line(rows, value, q["question"]) or best_line(sentence_lines, value, "")
            if line and line not in evidence_all:
                evidence_all.append(line)
    elif atype == "count":
        category = "count"
        expected_numbers = [float(answers)]
        for m in q["mappings"]:
            for key, where in m.items():
                line = rows[where[0]] if key == "table" and where[0] < len(rows) else None
                if line and line not in evidence_all:
                    evidence_all.append(line)
    else:
        category = "multi_span" if atype == "multi-span" else "span"
        if atype == "span" and not q["req_comparison"] and is_numeric_answer(answers[0]):
            category = "numeric"
        for ans in answers:
            if is_numeric_answer(ans):
                for v in numbers_in(ans):
                    if not has_number(expected_numbers, v):
                        expected_numbers.append(v)
                    if q["answer_from"] == "text":
                        ev = find_text_evidence(paragraphs, ans.strip())
                    else:
                        ev = best_line(rows, v, q["question"]) or best_line(sentence_lines, v, "")
                    if ev and ev not in evidence_all:
                        evidence_all.append(ev)
            else:
                expected_any.append([span_text(ans)])
                ev = find_text_evidence(paragraphs, span_text(ans))
                if ev is None:
                    ev = next((r for r in rows if span_text(ans).lower() in r.lower()), None)
                if ev and ev not in evidence_all:
                    evidence_all.append(ev)

    evidence = evidence_all[0] if evidence_all else None
    forbidden = near_misses(rows, evidence_all, expected_numbers, q["question"],
                            " ".join(by_order.values()))
    return {
        "id": f"{ID_PREFIX[category]}-{uid8}-{q['order']}",
        "doc": doc,
        "split": split_of(doc),
        "question": " ".join(q["question"].split()),
        "category": category,
        "answerable": True,
        "expected_numbers": [plain(v) for v in expected_numbers],
        "expected_any": expected_any,
        "forbidden_numbers": [plain(v) for v in forbidden],
        "evidence": evidence,
        "evidence_all": evidence_all if len(evidence_all) > 1 else None,
        "derivation": q["derivation"].strip() or None,
        "tolerance": TOLERANCE if category == "arithmetic" else None,
        "answer_type": atype,
        "answer_from": q["answer_from"],
        "scale": q["scale"],
        "req_comparison": True if q["req_comparison"] else None,
        "source": "tatqa-test",
        "tatqa_uid": q["uid"],
        "tatqa_answer": answers,
    }


def problems_of(item: dict, doc: str) -> list[str]:
    """Why an item cannot be checked against its document (empty when it can)."""
    folded = " ".join(doc.split()).lower()
    doc_numbers = numbers_in(doc)
    problems = []
    if not item.get("evidence"):
        problems.append("no evidence line found in the document")
    if not item.get("expected_numbers") and not item.get("expected_any"):
        problems.append("nothing to check the answer against")
    for group in item.get("expected_any", []):
        if item["category"] != "arithmetic" and not any(a.lower() in folded for a in group):
            problems.append(f"gold span not in the document: {group[0][:60]!r}")
    if item["category"] in ("numeric", "multi_span", "span", "count"):
        for v in item.get("expected_numbers", []):
            if item["category"] != "count" and not has_number(doc_numbers, v):
                problems.append(f"gold number {plain(v)} not in the document")
    if item["category"] == "arithmetic":
        gold = float(item["tatqa_answer"])
        try:
            value = evaluate(item["derivation"] or "")
        except DataError as exc:
            return [str(exc)]
        if not any(within_tolerance(value * k, gold) for k in (1, 100, 0.01)):
            problems.append(f"derivation gives {value!r}, gold is {gold}")
        for v in operands(item["derivation"] or ""):
            if not has_number(doc_numbers, v):
                problems.append(f"operand {plain(v)} of the derivation not in the document")
    return problems


# ----------------------------------------------------------------------------- unanswerable

# Generated questions perturb a real question so that its document cannot answer it. Each kind
# has a check over the whole document text; a candidate that fails its check is not kept.
PLACES = ("Germany", "Brazil", "India", "Mexico", "Japan", "France", "South Africa", "Canada",
          "Australia", "China", "the United Kingdom", "Latin America", "Europe", "Asia Pacific",
          "the Middle East", "Africa", "Spain", "Italy", "Singapore", "Sweden")
NAMES_PLACE = re.compile(r"\b(region|countr|america|europe|asia|africa|emea|apac|united|"
                         r"international|domestic|foreign|" + "|".join(p.split()[-1] for p in PLACES)
                         + r")", re.I)
QUARTER_WORDS = re.compile(r"\bquarter|\bQ[1-4]\b|three months|\bmonthly\b", re.I)
STOP = {"the", "of", "and", "in", "for", "to", "a", "an", "on", "at", "by", "with", "from",
        "total", "other", "net", "less", "plus", "per", "its", "our", "or", "as"}
LABEL = re.compile(r"^[A-Za-z][A-Za-z&'’ ,-]{2,60}$")


def clean_label(cell: str) -> str:
    return re.sub(r"[\s.:,;*]+$", "", re.sub(r"\(\d\)|\s+", " ", cell)).strip()


def row_labels(ctx: dict) -> list[str]:
    labels = []
    for row in ctx["table"]["table"][1:]:
        label = clean_label(row[0]) if row else ""
        filled = sum(1 for c in row[1:] if c.strip())
        if filled and LABEL.match(label) and 1 <= len(label.split()) <= 6:
            labels.append(label)
    return labels


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP and len(w) > 3}


def doc_mentions_year(doc: str, year: int) -> bool:
    short = f"{year % 100:02d}"
    pattern = rf"\b{year}\b|\bFY\s?'?{short}\b|\bfiscal\s+'?{short}\b|[/-]{short}\b|'{short}\b"
    return re.search(pattern, doc, re.I) is not None


def pick(options: list, key: str):
    """One option, chosen by a hash of ``key`` (deterministic, spread over the options)."""
    if not options:
        return None
    return options[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)]


def replace_once(text: str, old: str, new: str) -> str | None:
    i = text.lower().find(old.lower())
    if i < 0:
        return None
    return text[:i] + new + text[i + len(old) :]


def covered_years(ctx: dict, question: str) -> list[int]:
    """The years the table's header rows name, else the years the question names."""
    header = " ".join(" ".join(row) for row in ctx["table"]["table"][:4])
    return sorted({int(y) for y in YEAR.findall(header)} or
                  {int(y) for y in YEAR.findall(question)})


def unseen_year(q: dict, ctx: dict, doc: str) -> tuple[str, str] | None:
    """The question's earliest year moved to the latest earlier year the document never
    mentions (within three years of what its table covers)."""
    years = sorted({int(m.group()) for m in YEAR.finditer(q["question"])
                    if not re.match(r"[-/]\d", q["question"][m.end() : m.end() + 2])})
    covered = covered_years(ctx, q["question"])
    if not years or not covered or q.get("req_comparison"):
        return None
    new = next((y for y in range(min(covered) - 1, min(covered) - 4, -1)
                if not doc_mentions_year(doc, y)), None)
    if new is None:
        return None
    text = re.sub(rf"\b{years[0]}\b", str(new), q["question"])
    return text, (f"year not covered: the document gives nothing for {new} "
                  f"(its table covers {min(covered)} to {max(covered)})")


def head_word(label: str) -> str:
    words_ = re.findall(r"[a-z]+", label.lower())
    return words_[-1] if words_ else ""


def as_in_question(label: str, question_form: str) -> str:
    """The new label in the case the question wrote the old one in."""
    if question_form.islower() and not any(w.isupper() and len(w) > 1 for w in label.split()):
        return label.lower()
    return label


def other_row(q: dict, ctx: dict, doc: str, foreign: list[tuple[str, str]]):
    """A row label the question names, swapped for a row of the same kind (the same head noun,
    else a shared word) that only another document has."""
    own = [lb for lb in row_labels(ctx) if lb.lower() in q["question"].lower()]
    if not own:
        return None
    label = max(own, key=len)
    low = doc.lower()
    vocabulary = set(re.findall(r"[a-z]+", low))
    unknown = [(lb, d) for lb, d in foreign
               if lb.lower() not in low and content_words(lb) - vocabulary
               and len(lb.split()) <= len(label.split()) + 2]
    same_head = [(lb, d) for lb, d in unknown if head_word(lb) == head_word(label)]
    sharing = [(lb, d) for lb, d in unknown if content_words(lb) & content_words(label)]
    choice = pick(same_head or sharing, q["uid"] + ":row")
    if choice is None:
        return None
    new_label, where = choice
    i = q["question"].lower().find(label.lower())
    written = q["question"][i : i + len(label)]
    before = q["question"][:i].lower().split()[-1:] or [""]
    if before[0] in {w.lower() for w in new_label.split()[:1]}:
        return None  # "the total Total assets"
    text = replace_once(q["question"], label, as_in_question(new_label, written))
    if text is None:
        return None
    missing = sorted(content_words(new_label) - vocabulary)
    return text, (f"row or measure from another document: {new_label!r} is a row of {where}; "
                  f"this document never mentions it ({', '.join(missing)} never occur)")


_BEFORE_YEAR = re.compile(r"\s+(?:in|for|during|as of|at)\s+(?:the\s+)?(?:fiscal\s+)?(?:year\s+)?"
                          r"(?:19|20)\d\d\b", re.I)


def asks_figure(q: dict) -> bool:
    return q["answer_type"] in ("arithmetic", "count") or all(
        is_numeric_answer(a) for a in q["answer"])


def unseen_place(q: dict, doc: str):
    """A place added to a question about a figure of a document that never names that place."""
    if not asks_figure(q) or NAMES_PLACE.search(q["question"]):
        return None
    options = [p for p in PLACES if p.split()[-1][:5].lower() not in doc.lower()]
    place = pick(options, q["uid"] + ":place")
    m = _BEFORE_YEAR.search(q["question"])
    if place is None or m is None:
        return None
    text = q["question"][: m.start()] + f" in {place}" + q["question"][m.start() :]
    return text, f"breakdown not given: the document gives no figure for {place} (never named)"


def unseen_quarter(q: dict, doc: str):
    """A quarter asked of a document that gives no quarterly figures at all."""
    m = _BEFORE_YEAR.search(q["question"])
    if m is None or QUARTER_WORDS.search(doc) or not asks_figure(q):
        return None
    year = YEAR.search(m.group()).group()
    nth = pick(["first", "second", "third", "fourth"], q["uid"] + ":quarter")
    text = q["question"][: m.start()] + f" in the {nth} quarter of {year}" + q["question"][m.end() :]
    return text, "breakdown not given: the document has no quarterly figures (no quarter is named)"


CAUSAL = re.compile(r"\b(because|due to|driven by|primarily|mainly|largely|attributab\w*|"
                    r"as a result|result(?:ed|s|ing)? (?:from|of)|reflect\w*|owing to|caused|"
                    r"led to|offset|reason)\b", re.I)


def unstated_cause(q: dict, ctx: dict, doc: str):
    """Why a row's figure changed, asked when no sentence naming the row (or the one after it)
    gives a cause."""
    own = [lb for lb in row_labels(ctx) if lb.lower() in q["question"].lower()
           and content_words(lb)]
    years = sorted({int(y) for y in YEAR.findall(q["question"])})
    if not own or not years:
        return None
    label = max(own, key=len)
    named = content_words(label)
    prose = [p["text"][a:b] for p in ctx["paragraphs"] for a, b in sentences(p["text"])]
    for i, sentence in enumerate(prose):
        if content_words(sentence) & named and CAUSAL.search(" ".join(prose[i : i + 2])):
            return None
    i = q["question"].lower().find(label.lower())
    written = as_in_question(label, q["question"][i : i + len(label)])
    text = f"Why did {written[0].lower() + written[1:] if written[:2].istitle() else written} change in {years[-1]}?"
    return text, (f"cause never stated: no sentence naming {label!r} (or the one after it) "
                  "gives a reason")


def generate_unanswerable(contexts: list[tuple[dict, str, str]]) -> list[dict]:
    """Up to two unanswerable questions a document, each from one of its real questions."""
    foreign_by_doc: dict[str, list[tuple[str, str]]] = {}
    everything = [(lb, name) for ctx, name, _ in contexts for lb in row_labels(ctx)]
    for _, name, _ in contexts:
        foreign_by_doc[name] = [(lb, d) for lb, d in everything if d != name]
    items = []
    kinds = ("year", "row", "place", "quarter", "cause")
    for ctx, name, doc in contexts:
        made: list[tuple[str, str, dict, str]] = []
        questions = sorted(ctx["questions"], key=lambda q: q["order"])
        for turn, kind in enumerate(kinds * 2):
            if len(made) >= 2:
                break
            q = pick(questions, f"{name}:{kind}:{turn}")
            if kind == "year":
                found = unseen_year(q, ctx, doc)
            elif kind == "row":
                found = other_row(q, ctx, doc, foreign_by_doc[name])
            elif kind == "place":
                found = unseen_place(q, doc)
            elif kind == "quarter":
                found = unseen_quarter(q, doc)
            else:
                found = unstated_cause(q, ctx, doc)
            if found is None or any(found[0] == m[0] for m in made):
                continue
            if any(found[0].lower() == other["question"].lower() for other in questions):
                continue
            made.append((found[0], found[1], q, kind))
        for i, (text, reason, q, _) in enumerate(made, 1):
            items.append({
                "id": f"u-{name[6:14]}-g{i}",
                "doc": name,
                "split": split_of(name),
                "question": text,
                "category": "unanswerable",
                "answerable": False,
                "evidence": "",
                "unanswerable_reason": reason,
                "derived_from": q["uid"],
                "source": "generated-unanswerable",
            })
    return items


def written_unanswerable() -> tuple[dict[str, str], list[dict]]:
    """The development set's hand-written unanswerables, with the documents they ask about."""
    items, docs = [], {}
    for line in (DEV / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line) if line.strip() else None
        if item and item.get("category") == "unanswerable":
            item["split"] = split_of(item["doc"])
            items.append(item)
            docs[item["doc"]] = (DEV / "docs" / item["doc"]).read_text(encoding="utf-8")
    return docs, items


# ----------------------------------------------------------------------------- main


def ordered(item: dict) -> dict:
    unknown = set(item) - set(FIELD_ORDER)
    if unknown:
        raise DataError(f"{item.get('id')}: unexpected field(s) {sorted(unknown)}")
    out = {}
    for key in FIELD_ORDER:
        value = item.get(key)
        if value is None or value == [] or (value == "" and key not in ("scale", "evidence")):
            continue
        out[key] = value
    return out


def validate(items: list[dict], docs: dict[str, str]) -> list[str]:
    problems, seen = [], set()
    for it in items:
        where = it["id"]
        if where in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(where)
        if it["doc"] not in docs:
            problems.append(f"{where}: unknown doc {it['doc']!r}")
        elif it["category"] not in CATEGORIES:
            problems.append(f"{where}: category {it['category']!r}")
        elif it["category"] == "unanswerable":
            if it.get("answerable") is not False or it.get("expected_numbers"):
                problems.append(f"{where}: unanswerable item with an answer")
        else:
            for ev in [it.get("evidence")] + list(it.get("evidence_all") or []):
                if ev and ev not in docs[it["doc"]]:
                    problems.append(f"{where}: evidence not verbatim in {it['doc']}")
    return problems


def build() -> tuple[dict[str, str], list[dict], list[dict]]:
    raw = RAW.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != RAW_SHA256:
        raise DataError(f"{RAW.name}: sha256 {digest} is not the recorded {RAW_SHA256}")
    contexts = json.loads(raw.decode("utf-8"))
    docs: dict[str, str] = {}
    items: list[dict] = []
    dropped: list[dict] = []
    rendered = []
    for ctx in contexts:
        name = f"tatqa-{ctx['table']['uid'][:8]}.md"
        text, rows = render(ctx)
        docs[name] = text
        rendered.append((ctx, name, text))
        for q in sorted(ctx["questions"], key=lambda q: q["order"]):
            item = build_item(ctx, q, name, rows)
            why = problems_of(item, text)
            if why:
                dropped.append({"tatqa_uid": q["uid"], "doc": name, "question": q["question"],
                                "reasons": why})
                continue
            items.append(ordered(item))
    generated = [ordered(it) for it in generate_unanswerable(rendered)]
    dev_docs, written = written_unanswerable()
    docs.update(dev_docs)
    all_items = items + generated + [ordered(it) for it in written]
    all_items.sort(key=lambda it: (it["doc"], it["category"] == "unanswerable", it["id"]))
    problems = validate(all_items, docs)
    if problems:
        raise DataError("validation failed:\n  " + "\n  ".join(problems[:40]))
    return docs, all_items, dropped


def serialise(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def summary(docs: dict[str, str], items: list[dict], dropped: list[dict]) -> str:
    lines = [f"{len(docs)} documents, {len(items)} items; {len(dropped)} TAT-QA questions dropped"]
    for split in ("look", "measure"):
        part = [it for it in items if it["split"] == split]
        cats = Counter(it["category"] for it in part)
        ndocs = len({it["doc"] for it in part})
        lines.append(f"  {split}: {ndocs} documents, {len(part)} items (" +
                     ", ".join(f"{c} {cats[c]}" for c in CATEGORIES) + ")")
    sources = Counter(it["source"] for it in items)
    lines.append("by source: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
    kinds = Counter(it["unanswerable_reason"].split(":")[0] for it in items
                    if it["source"] == "generated-unanswerable")
    lines.append("generated unanswerable: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail if the files here differ from a rebuild")
    args = parser.parse_args()
    try:
        docs, items, dropped = build()
    except DataError as exc:
        print(f"make_data.py: {exc}", file=sys.stderr)
        return 1
    outputs = {QUESTIONS: serialise(items), DROPPED: serialise(dropped)}
    if args.check:
        stale = [n for n, t in docs.items()
                 if not (DOCS / n).is_file() or (DOCS / n).read_text(encoding="utf-8") != t]
        stale += sorted(p.name for p in DOCS.glob("*.md") if p.name not in docs)
        stale += [p.name for p, t in outputs.items()
                  if not p.is_file() or p.read_text(encoding="utf-8") != t]
        if stale:
            print(f"make_data.py: out of date: {', '.join(stale[:10])}", file=sys.stderr)
            return 1
    else:
        DOCS.mkdir(exist_ok=True)
        for old in DOCS.glob("*.md"):
            if old.name not in docs:
                old.unlink()
        for name, text in docs.items():
            (DOCS / name).write_text(text, encoding="utf-8", newline="\n")
        for path, text in outputs.items():
            path.write_text(text, encoding="utf-8", newline="\n")
    print(summary(docs, items, dropped))
    print("all items valid" + (" and files up to date" if args.check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
