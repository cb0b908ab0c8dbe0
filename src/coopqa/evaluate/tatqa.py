"""TAT-QA's exact match and F1 for a short answer, as the TAT-QA paper defines them.

A prediction is a list of answer strings and a scale ("", "thousand", "million", "billion",
"percent"). Numbers are compared after scaling (so "$1.2 million" and ("1.2", "million") agree,
"17.7%" and ("17.7", "percent") agree); spans after lower-casing and dropping punctuation and
articles; several spans as a bag, each gold span aligned with its best prediction for F1. For
arithmetic and count answers F1 equals exact match. Written from the paper's definition and the
published evaluation script's behaviour, to put coopqa's figure beside TagOp's and humans'.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Sequence

SCALES = ("", "thousand", "million", "billion", "percent")
_SCALE_WORD = re.compile(r"\b(thousand|million|billion|percent)\b", re.I)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?|[+-]?\.\d+")
_NOT_IN_NUMBER = set("'\"\\$€£¥%(),[]")
_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def scale_factor(scale: str) -> float:
    """What a scale word multiplies by ("percent" divides by 100)."""
    scale = scale.lower()
    for word, factor in (("hundred", 100), ("thousand", 1e3), ("million", 1e6), ("billion", 1e9)):
        if word in scale:
            return factor
    return 0.01 if "percent" in scale else 1


def _clean_number(text: str) -> str:
    return "".join(ch for ch in text if ch not in _NOT_IN_NUMBER)


def is_number(text: str) -> bool:
    """A number, optionally followed by a scale word ("1.2 million"), and nothing else."""
    words = " ".join(_clean_number(w) for w in text.split()).split()
    if not words:
        return False
    try:
        value = float(words[0])
    except ValueError:
        return False
    if value != value:  # NaN
        return False
    return len(words) < 2 or scale_factor(words[1]) != 1


def to_number(text: str) -> float | None:
    """The value of "(1,234)", "12%", "$1.2 million": sign, percent and scale word applied."""
    cleaned = _clean_number(text)
    m = _NUMBER.search(cleaned)
    if m is None:
        return None
    value = float(m.group())
    word = re.search(r"[\d.]+\s?([a-zA-Z]+)", text)
    factor = scale_factor(word.group(1)) if word else 1
    negative = -1 if re.search(r"\([\d.\s]+\)", text.strip()) else 1
    percent = 0.01 if re.search(r"[\d.\s]+%", text.strip()) else 1
    return round(value * factor * negative * percent, 4)


def _normal_token(token: str) -> str:
    token = token.lower()
    if not is_number(token):
        token = "".join(ch for ch in token if ch not in _PUNCTUATION)
    elif (value := to_number(token)) is not None:
        token = str(value)
    return " ".join(_ARTICLES.sub(" ", token).split())


def normalize(text: str) -> str:
    """Lower-cased, punctuation and articles dropped, each number as its value."""
    return " ".join(p for p in (_normal_token(t) for t in text.split(" ")) if p.strip())


def answer_string(answers: Sequence[str], scale: str) -> str:
    """The comparable form of an answer list: numbers scaled to units, spans with the scale."""
    parts = []
    for answer in sorted(str(a) for a in answers):
        if is_number(answer) and (value := to_number(answer)) is not None:
            if "%" in answer:
                parts.append(f"{value:.4f}")
            else:
                parts.append(f"{round(value, 2) * scale_factor(scale):.4f}")
        else:
            parts.append(f"{answer} {scale}" if scale else answer)
    return " ".join(parts)


def _bag_f1(predicted: set[str], gold: set[str]) -> float:
    common = len(predicted & gold)
    precision = common / len(predicted) if predicted else 1.0
    recall = common / len(gold) if gold else 1.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _aligned_f1(predicted: list[set[str]], gold: list[set[str]]) -> float:
    """Mean F1 over the best one-to-one alignment of gold and predicted bags."""
    size = max(len(predicted), len(gold))
    best = 0.0
    for order in itertools.permutations(range(len(predicted)), min(len(predicted), len(gold))):
        total = sum(_bag_f1(predicted[p], gold[g]) for g, p in enumerate(order))
        best = max(best, total)
    return best / size if size else 0.0


def _em_f1(predicted: str, gold: str) -> tuple[float, float]:
    p, g = normalize(predicted), normalize(gold)
    em = float(p == g)
    return em, round(_aligned_f1([set(p.split())], [set(g.split())]), 2)


def score(
    predicted: Sequence[str] | None,
    predicted_scale: str,
    gold: Sequence[str] | str | float,
    gold_scale: str,
    answer_type: str,
) -> tuple[float, float]:
    """(exact match, F1) of one short answer against one TAT-QA gold answer."""
    if not predicted:
        return 0.0, 0.0
    if answer_type in ("span", "multi-span"):
        gold_list = [str(g) for g in gold]  # type: ignore[union-attr]
    elif answer_type == "count":
        gold_list = [str(int(float(gold)))]  # type: ignore[arg-type]
    else:
        gold_list = [str(gold)]
    gold_string = answer_string(gold_list, gold_scale)
    candidates = [answer_string(list(predicted), predicted_scale)]
    if len(predicted) == 1 and not predicted_scale and "%" not in predicted[0]:
        if is_number(predicted[0]) and (value := to_number(predicted[0])) is not None:
            candidates.append(f"{value:.4f}")
    em, f1 = max(_em_f1(c, gold_string) for c in candidates)
    if answer_type in ("arithmetic", "count"):
        f1 = em
    return em, f1


def split_scale(short: str | Sequence[str] | None) -> tuple[list[str], str]:
    """A coopqa short answer as TAT-QA's (answers, scale): "$1.2 million" -> (["$1.2"],
    "million"), "17.7%" -> (["17.7"], "percent"); a span or list is kept as it is."""
    if short is None:
        return [], ""
    items = [short] if isinstance(short, str) else list(short)
    if len(items) == 1 and items[0]:
        text = items[0].strip()
        body = _SCALE_WORD.sub("", text).strip()
        word = _SCALE_WORD.search(text)
        if word and is_number(body):
            return [body], word.group(1).lower()
        if text.endswith("%") and is_number(text[:-1]):
            return [text[:-1].strip()], "percent"
    return items, ""
