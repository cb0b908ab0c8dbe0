"""Evaluation harness: load eval sets, run them through the Assistant, score every answer.

Scoring follows the team design ("Evaluation item", restated in eval/README.md); the report formats live in ``coopqa.report``.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Settings
from .corpus import doc_id_for

CATEGORIES = (
    "numeric",
    "derived",
    "aggregate",
    "text",
    "paraphrase",
    "unanswerable",
    "out_of_scope",
    "false_premise",
    "injection",
    "followup",
    "span",
    "multi_span",
    "arithmetic",
    "count",
)
CONFIG_NAMES = ("shipped", "dense", "no-facts", "naive")
DEFAULT_SET = Path("eval/chapter8.jsonl")
DEFAULT_THRESHOLDS = Path("eval/thresholds.toml")
REPORT_VERSION = 1
MRR_DEPTH = 10
_UNANSWERABLE_CATEGORIES = ("unanswerable", "out_of_scope")
_ITEM_KEYS = frozenset(
    "id question category answerable history expected_numbers expected_any forbidden_numbers "
    "evidence notes doc tolerance".split()
)


class EvalInputError(ValueError):
    """An eval file, report or threshold file that cannot be used; the message says why."""


# ---------------------------------------------------------------------------------------------
# Items


@dataclass(frozen=True)
class EvalItem:
    """One question of an eval set, validated; ``source`` is ``file:line`` for messages."""

    id: str
    question: str
    category: str
    answerable: bool = True
    history: tuple[str, ...] = ()
    expected_numbers: tuple[float, ...] = ()
    expected_any: tuple[tuple[str, ...], ...] = ()
    forbidden_numbers: tuple[float, ...] = ()
    evidence: str | None = None
    source: str = ""
    unknown_fields: tuple[str, ...] = ()
    doc: str | None = None  # the document (file name) the item is asked of, answered from it alone
    tolerance: tuple[float | None, int | None] = (
        None,
        None,
    )  # (relative, decimals) for computed values

    @property
    def known_category(self) -> bool:
        return self.category in CATEGORIES

    def history_turns(self) -> list[dict[str, str]]:
        """History in the request shape: earlier user turns only."""
        return [{"role": "user", "content": turn} for turn in self.history]


def load_items(
    paths: Iterable[Path | str], strict: bool = False
) -> tuple[list[EvalItem], list[str]]:
    """Read JSONL eval sets; malformed lines are skipped and listed as ``file:line: why``.

    With ``strict`` the first malformed line raises EvalInputError instead.
    A missing or unreadable file always raises EvalInputError.
    """
    items: list[EvalItem] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        for lineno, line in _read_lines(path):
            where = f"{path}:{lineno}"
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                item = parse_item(line, where)
                if item.id in seen:
                    raise EvalInputError(f"duplicate id {item.id!r} (first at {seen[item.id]})")
            except EvalInputError as exc:
                message = f"{where}: {exc}"
                if strict:
                    raise EvalInputError(message) from None
                problems.append(message)
                continue
            seen[item.id] = where
            items.append(item)
    return items, problems


def _read_lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        raise EvalInputError(f"{path}: no such eval file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise EvalInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return list(enumerate(text.splitlines(), start=1))


def parse_item(line: str, source: str = "") -> EvalItem:
    """One JSONL line as an EvalItem, or EvalInputError naming the first thing wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalInputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise EvalInputError("not a JSON object")
    item_id = data.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or not str(item_id).strip():
        raise EvalInputError("'id' must be a non-empty string")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalInputError("'question' must be a non-empty string")
    category = data.get("category")
    if not isinstance(category, str) or not category.strip():
        raise EvalInputError("'category' must be a non-empty string")
    answerable = data.get("answerable", category not in _UNANSWERABLE_CATEGORIES)
    if not isinstance(answerable, bool):
        raise EvalInputError("'answerable' must be true or false")
    evidence = data.get("evidence")
    if evidence is not None and not isinstance(evidence, str):
        raise EvalInputError("'evidence' must be a string (empty when there is none)")
    return EvalItem(
        id=str(item_id).strip(),
        question=question,
        category=category.strip(),
        answerable=answerable,
        history=_strings(data.get("history"), "history"),
        expected_numbers=_numbers(data.get("expected_numbers"), "expected_numbers"),
        expected_any=_groups(data.get("expected_any")),
        forbidden_numbers=_numbers(data.get("forbidden_numbers"), "forbidden_numbers"),
        evidence=evidence.strip() if evidence and evidence.strip() else None,
        source=source,
        unknown_fields=tuple(sorted(set(data) - _ITEM_KEYS)),
        doc=_doc(data.get("doc")),
        tolerance=_tolerance(data.get("tolerance")),
    )


def _doc(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EvalInputError("'doc' must be a document's file name")
    return value.strip()


def _tolerance(value: Any) -> tuple[float | None, int | None]:
    """{"rel": 0.005, "decimals": 2}: a computed value within 0.5%, or equal once rounded."""
    if value is None:
        return (None, None)
    if not isinstance(value, dict) or set(value) - {"rel", "decimals"}:
        raise EvalInputError("'tolerance' must be an object with 'rel' and/or 'decimals'")
    rel, decimals = value.get("rel"), value.get("decimals")
    if rel is not None and (isinstance(rel, bool) or not isinstance(rel, int | float) or rel < 0):
        raise EvalInputError("'tolerance.rel' must be a non-negative number")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)):
        raise EvalInputError("'tolerance.decimals' must be a whole number")
    return (float(rel) if rel is not None else None, decimals)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise EvalInputError(f"'{name}' must be a list of non-empty strings")
    return tuple(value)


def _numbers(value: Any, name: str) -> tuple[float, ...]:
    if value is None:
        return ()
    ok = isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )
    if not ok:
        raise EvalInputError(f"'{name}' must be a list of numbers")
    return tuple(float(v) for v in value)


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    """``expected_any``: a list of groups; a bare string is a group of one alternative."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EvalInputError("'expected_any' must be a list of lists of strings")
    groups = []
    for group in value:
        group = [group] if isinstance(group, str) else group
        if not isinstance(group, list) or not group:
            raise EvalInputError("'expected_any' must be a list of non-empty lists of strings")
        if not all(isinstance(alt, str) and alt.strip() for alt in group):
            raise EvalInputError("'expected_any' alternatives must be non-empty strings")
        groups.append(tuple(group))
    return tuple(groups)


# ---------------------------------------------------------------------------------------------
# Numbers stated in an answer

_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[0-9,.]*[0-9])?")
_PLAIN_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_WORD = re.compile(r"[a-z]+")
_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("zero ten twenty thirty forty fifty sixty seventy eighty ninety".split())
    if i > 1
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}


def numbers_stated(text: str) -> list[float]:
    """Every number an answer states, as digits or English number words.

    A number is a whole token: "1424", "4.24" and "1,424" never state 424, while "FY2012",
    "18th" and "3-week" state 2012, 18 and 3 (a year or count glued to letters is still stated).
    Citation markers such as "[2]" are not numbers.
    """
    text = _CITATION_MARK.sub(" ", text)
    values = [v for m in _DIGIT_RUN.finditer(text) for v in _digit_values(m.group())]
    return values + _word_numbers(text.lower())


def _digit_values(run: str) -> list[float]:
    """ "1,424" and "4.24" are one number each; "2012,143" or "1.2.3" are several."""
    if _PLAIN_NUMBER.fullmatch(run):
        return [float(run.replace(",", ""))]
    return [float(part) for part in re.split(r"[,.]", run) if part]


def _word_numbers(text: str) -> list[float]:
    """Values of runs of number words ("twenty-one", "one hundred and twenty", "ten")."""
    values: list[float] = []
    run: list[str] = []
    last_end = 0
    for m in _WORD.finditer(text):
        word, gap = m.group(), text[last_end : m.start()]
        adjacent = bool(run) and gap.strip() in ("", "-")
        if word in _SMALL or word in _TENS or word in _SCALES:
            if not (adjacent and _joins(run[-1], word)):
                values.extend(_run_value(run))
                run = []
            run.append(word)
        elif word == "and" and adjacent and run[-1] in _SCALES:
            run.append(word)
        else:
            values.extend(_run_value(run))
            run = []
        last_end = m.end()
    values.extend(_run_value(run))
    return values


def _joins(previous: str, word: str) -> bool:
    """Whether ``word`` continues a number ("twenty" + "one") rather than starting a new one."""
    if word in _SCALES:
        return True
    if previous in _TENS:
        return 0 < _SMALL.get(word, 0) < 10
    return previous in _SCALES or previous == "and"


def _run_value(run: list[str]) -> list[float]:
    words = [w for w in run if w != "and"]
    if not words:
        return []
    total = current = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return [float(total + current)]


def states_number(
    text: str,
    value: float,
    stated: Sequence[float] | None = None,
    tolerance: tuple[float | None, int | None] = (None, None),
) -> bool:
    """Whether ``text`` states ``value`` (see numbers_stated), within the item's tolerance."""
    stated = numbers_stated(text) if stated is None else stated
    rel, decimals = tolerance
    for v in stated:
        if math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9):
            return True
        if rel is not None and abs(v - value) <= rel * abs(value):
            return True
        if decimals is not None and round(v, decimals) == round(value, decimals):
            return True
    return False


def contains_evidence(text: str, evidence: str) -> bool:
    """Evidence matching: folded whitespace, case, line-break hyphens and quote styles ignored."""
    from .corpus import normalize_for_match

    return normalize_for_match(evidence) in normalize_for_match(text)


# ---------------------------------------------------------------------------------------------
# Scoring one answer


@dataclass
class ItemResult:
    """How one item fared under one configuration; ``reasons`` says why it is wrong."""

    id: str
    category: str
    question: str
    answerable: bool
    correct: bool
    abstained: bool
    answer: str
    reasons: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    expected: str = ""
    evidence: str | None = None
    numeric_correct: bool | None = None
    forbidden_stated: list[float] = field(default_factory=list)
    flagged_numbers: list[str] = field(default_factory=list)
    wrong_number: bool = False
    citation_correct: bool | None = None
    cited: list[str] = field(default_factory=list)
    hit_rank: int | None = None
    retrieved: list[str] = field(default_factory=list)
    latency_ms: float | None = None
    error: str | None = None

    @property
    def known_category(self) -> bool:
        return self.category in CATEGORIES


def describe_expected(item: EvalItem) -> str:
    """What an item expects, in words, for failure listings."""
    if not item.answerable:
        return "an abstention (the chapter does not say)"
    parts = []
    if item.expected_numbers:
        parts.append("numbers " + ", ".join(_fmt(v) for v in item.expected_numbers))
    for group in item.expected_any:
        parts.append(" or ".join(repr(alt) for alt in group))
    if item.forbidden_numbers:
        parts.append("none of " + ", ".join(_fmt(v) for v in item.forbidden_numbers))
    return "; ".join(parts) or "any non-abstaining answer"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def score_item(
    item: EvalItem,
    answer: Any,
    retrieved: Sequence[Any],
    passages: Mapping[str, str] | None = None,
) -> ItemResult:
    """Score one Answer (and the passages retrieved for its question) against one item.

    ``passages`` maps passage ids to full passage text so a citation is judged by its whole
    passage; a citation whose passage is unknown is judged by its quote.
    """
    text = answer.answer or ""
    stated = numbers_stated(text)
    reasons: list[str] = []
    missing = [
        v for v in item.expected_numbers if not states_number(text, v, stated, item.tolerance)
    ]
    forbidden = [v for v in item.forbidden_numbers if states_number(text, v, stated)]
    if item.answerable:
        if answer.abstained:
            reasons.append("abstained on an answerable question")
        reasons += [f"does not state {_fmt(v)}" for v in missing]
        lowered = text.lower()
        for group in item.expected_any:
            if not any(alt.lower() in lowered for alt in group):
                reasons.append("mentions none of " + " / ".join(repr(a) for a in group))
        reasons += [f"states forbidden number {_fmt(v)}" for v in forbidden]
    elif not answer.abstained:
        reasons.append("answered a question the chapter cannot answer (expected an abstention)")
    flagged = [
        f"{n.text} ({n.status})"
        for n in answer.numbers
        if n.status in ("contradicted", "unverified") and _shown_as_fact(n, text)
    ]
    numeric = None
    if item.expected_numbers:
        numeric = not answer.abstained and not missing
    citation, cited = _citation_check(item, answer, passages or {}, retrieved)
    return ItemResult(
        id=item.id,
        category=item.category,
        question=item.question,
        answerable=item.answerable,
        correct=not reasons,
        abstained=bool(answer.abstained),
        answer=text,
        reasons=reasons,
        history=list(item.history),
        expected=describe_expected(item),
        evidence=item.evidence,
        numeric_correct=numeric,
        forbidden_stated=forbidden,
        flagged_numbers=flagged,
        wrong_number=bool(forbidden or flagged),
        citation_correct=citation,
        cited=cited,
        hit_rank=_hit_rank(item, retrieved),
        retrieved=[_passage(r).passage_id for r in retrieved],
        latency_ms=(answer.timings_ms or {}).get("total"),
    )


def _shown_as_fact(number: Any, text: str) -> bool:
    """A contradicted/unverified number counts as wrong unless the answer flags it beside it."""
    for m in re.finditer(re.escape(number.text), text):
        window = text[m.end() : m.end() + 40].lower()
        if not re.match(r"\s*[\[(]?\s*(unverified|not verified|contradicted|\?)", window):
            return True
    return False


def _passage(result: Any) -> Any:
    """A SearchResult's passage, or the passage itself."""
    return getattr(result, "passage", result)


def _hit_rank(item: EvalItem, retrieved: Sequence[Any]) -> int | None:
    if not item.evidence:
        return None
    for rank, result in enumerate(retrieved[:MRR_DEPTH], start=1):
        if contains_evidence(_passage(result).text, item.evidence):
            return rank
    return None


def _citation_check(
    item: EvalItem, answer: Any, passages: Mapping[str, str], retrieved: Sequence[Any]
) -> tuple[bool | None, list[str]]:
    cited = [c.passage_id for c in answer.citations]
    if not item.answerable or not item.evidence or answer.abstained or not answer.citations:
        return None, cited
    known = dict(passages)
    known.update({_passage(r).passage_id: _passage(r).text for r in retrieved})
    ok = any(
        contains_evidence(known.get(c.passage_id, c.quote), item.evidence) for c in answer.citations
    )
    return ok, cited


# ---------------------------------------------------------------------------------------------
# Metrics


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..1), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def summarize(results: Sequence[ItemResult]) -> dict[str, Any]:
    """Every headline metric of one configuration's results (None when nothing to measure)."""
    ranked = [r for r in results if r.evidence]
    cited = [r for r in results if r.citation_correct is not None]
    numeric = [r for r in results if r.numeric_correct is not None]
    abstained = [r for r in results if r.abstained]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None and r.error is None]
    by_category: dict[str, dict[str, Any]] = {}
    for r in results:
        entry = by_category.setdefault(
            r.category, {"items": 0, "correct": 0, "known": r.known_category}
        )
        entry["items"] += 1
        entry["correct"] += r.correct
    for entry in by_category.values():
        entry["accuracy"] = entry["correct"] / entry["items"]
    return {
        "items": len(results),
        "correct": sum(r.correct for r in results),
        "accuracy": _share(sum(r.correct for r in results), len(results)),
        "by_category": dict(sorted(by_category.items())),
        "retrieval_items": len(ranked),
        "hit_at_1": _share(sum(r.hit_rank == 1 for r in ranked), len(ranked)),
        "hit_at_3": _share(
            sum(r.hit_rank is not None and r.hit_rank <= 3 for r in ranked), len(ranked)
        ),
        "mrr": _share(sum(1 / r.hit_rank for r in ranked if r.hit_rank), len(ranked)),
        "citation_items": len(cited),
        "citation_precision": _share(sum(bool(r.citation_correct) for r in cited), len(cited)),
        "numeric_items": len(numeric),
        "numeric_accuracy": _share(sum(bool(r.numeric_correct) for r in numeric), len(numeric)),
        "wrong_numbers": sum(r.wrong_number for r in results),
        "forbidden_number_items": sum(bool(r.forbidden_stated) for r in results),
        "unbacked_number_items": sum(bool(r.flagged_numbers) for r in results),
        "abstentions": len(abstained),
        "abstention_precision": _share(sum(not r.answerable for r in abstained), len(abstained)),
        "abstention_recall": _share(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "latency_p50_ms": percentile(latencies, 0.50),
        "latency_p95_ms": percentile(latencies, 0.95),
        "errors": sum(r.error is not None for r in results),
    }


# ---------------------------------------------------------------------------------------------
# Runs and reports


@dataclass
class ConfigRun:
    """One configuration's settings, timings, metrics and per-item results."""

    name: str
    settings: dict[str, Any]
    metrics: dict[str, Any]
    results: list[ItemResult]
    wall_s: float
    build_s: float
    error: str | None = None


@dataclass
class EvalReport:
    """A whole evaluation run: what was read, what was skipped, and every configuration."""

    files: list[str]
    items: int
    problems: list[str]
    warnings: list[str]
    runs: list[ConfigRun]
    created: str = ""
    wall_s: float = 0.0
    version: int = REPORT_VERSION

    def run(self, name: str) -> ConfigRun | None:
        return next((r for r in self.runs if r.name == name), None)

    @property
    def unknown_categories(self) -> list[str]:
        return sorted(
            {r.category for run in self.runs for r in run.results if not r.known_category}
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = len(self.problems)
        data["unknown_categories"] = self.unknown_categories
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvalReport:
        result_fields = {f.name for f in fields(ItemResult)}
        runs = [
            ConfigRun(
                name=run["name"],
                settings=dict(run.get("settings", {})),
                metrics=dict(run["metrics"]),
                results=[
                    ItemResult(**{k: v for k, v in r.items() if k in result_fields})
                    for r in run["results"]
                ],
                wall_s=float(run.get("wall_s", 0.0)),
                build_s=float(run.get("build_s", 0.0)),
                error=run.get("error"),
            )
            for run in data["runs"]
        ]
        return cls(
            files=list(data.get("files", [])),
            items=int(data.get("items", 0)),
            problems=list(data.get("problems", [])),
            warnings=list(data.get("warnings", [])),
            runs=runs,
            created=data.get("created", ""),
            wall_s=float(data.get("wall_s", 0.0)),
            version=int(data.get("version", REPORT_VERSION)),
        )


def load_report(path: Path | str) -> EvalReport:
    """A report.json written by write_report, or EvalInputError."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return EvalReport.from_dict(data)
    except FileNotFoundError:
        raise EvalInputError(f"{path}: no such report") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalInputError(f"{path}: not a readable report.json ({exc})") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EvalInputError(f"{path}: not an eval report ({type(exc).__name__}: {exc})") from None


def latest_report_path(settings: Settings) -> Path:
    """The latest run's report.md (report.json and report.html lie beside it)."""
    return settings.data_dir / "eval" / "latest" / "report.md"


def resolve_configs(names: Iterable[str] | None) -> list[str]:
    """Configuration names from ``--config`` values (comma lists and "all" allowed)."""
    chosen: list[str] = []
    for value in names or ["shipped"]:
        for name in (n.strip() for n in value.split(",")):
            if not name:
                continue
            if name == "all":
                chosen.extend(CONFIG_NAMES)
            elif name in CONFIG_NAMES:
                chosen.append(name)
            else:
                raise EvalInputError(
                    f"unknown configuration {name!r} (choose from {', '.join(CONFIG_NAMES)}, all)"
                )
    return list(dict.fromkeys(chosen)) or ["shipped"]


def config_settings(name: str, settings: Settings) -> Settings:
    """The Settings variant a configuration name stands for."""
    if name == "shipped":
        return settings
    if name == "dense":
        return settings.with_(retrieval_mode="dense")
    if name == "no-facts":
        return settings.with_(use_facts=False)
    if name == "naive":
        return settings.with_(retrieval_mode="naive", use_facts=False, llm=None)
    raise EvalInputError(f"unknown configuration {name!r}")


def _settings_summary(settings: Settings) -> dict[str, Any]:
    return {
        "retrieval_mode": settings.retrieval_mode,
        "use_facts": settings.use_facts,
        "top_k": settings.top_k,
        "llm": settings.llm or "extractive",
    }


def _default_factory(settings: Settings) -> Any:
    from .chain import Assistant

    return Assistant(settings)


def _evidence_warnings(items: Sequence[EvalItem], settings: Settings) -> list[str]:
    """Items whose evidence no single passage of the corpus contains (retrieval can never hit)."""
    from .corpus import CorpusError, load_corpus, normalize_for_match

    try:
        corpus = load_corpus(settings.corpus_dirs)
    except CorpusError as exc:
        return [f"cannot check evidence against the corpus: {exc}"]
    passages = [normalize_for_match(p.text) for p in corpus.passages]
    documents = [normalize_for_match(d.text) for d in corpus.documents]
    warnings = []
    for item in items:
        if not item.evidence:
            continue
        evidence = normalize_for_match(item.evidence)
        if any(evidence in p for p in passages):
            continue
        where = (
            "spans two passages"
            if any(evidence in d for d in documents)
            else "is not in the corpus"
        )
        warnings.append(f"{item.source}: evidence of {item.id} {where}: {item.evidence[:60]!r}")
    return warnings


def _progress(total: int, desc: str, enabled: bool) -> Any:
    """A tqdm bar on stderr when it is a terminal, else a no-op with the same interface."""
    if enabled and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, leave=False)
    return _NoBar()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def run_config(
    name: str,
    items: Sequence[EvalItem],
    settings: Settings,
    factory: Callable[[Settings], Any] = _default_factory,
    progress: bool = True,
) -> ConfigRun:
    """Build one Assistant for a configuration and run every item through it."""
    variant = config_settings(name, settings)
    started = time.perf_counter()
    try:
        assistant = factory(variant)
        if hasattr(assistant, "ensure_index"):
            assistant.ensure_index()
    except Exception as exc:  # any failure to build is reported, not raised
        elapsed = time.perf_counter() - started
        error = f"could not build the assistant: {type(exc).__name__}: {exc}"
        return ConfigRun(
            name, _settings_summary(variant), summarize([]), [], elapsed, elapsed, error
        )
    build_s = time.perf_counter() - started
    passages = _corpus_passages(variant)
    results = []
    bar = _progress(len(items), name, progress)
    try:
        for item in items:
            results.append(run_item(assistant, item, passages))
            bar.update(1)
    finally:
        bar.close()
    wall_s = time.perf_counter() - started
    return ConfigRun(name, _settings_summary(variant), summarize(results), results, wall_s, build_s)


def _corpus_passages(settings: Settings) -> dict[str, str]:
    from .corpus import CorpusError, load_corpus

    try:
        return {p.passage_id: p.text for p in load_corpus(settings.corpus_dirs).passages}
    except CorpusError:
        return {}


def run_item(assistant: Any, item: EvalItem, passages: Mapping[str, str]) -> ItemResult:
    """Ask one item and score it; an exception becomes a failed result, never a crash."""
    history = item.history_turns()
    scope = {"docs": [doc_id_for(Path(item.doc))]} if item.doc else {}
    started = time.perf_counter()
    try:
        answer = assistant.ask(item.question, history=history, **scope)
        latency = (time.perf_counter() - started) * 1000
        retrieved = assistant.search(item.question, k=MRR_DEPTH, history=history, **scope)
    except Exception as exc:  # an item that breaks the assistant is a failure to report
        return _error_result(item, f"{type(exc).__name__}: {exc}")
    result = score_item(item, answer, retrieved, passages)
    result.latency_ms = latency
    return result


def _error_result(item: EvalItem, error: str) -> ItemResult:
    return ItemResult(
        id=item.id,
        category=item.category,
        question=item.question,
        answerable=item.answerable,
        correct=False,
        abstained=False,
        answer="",
        reasons=[f"error: {error}"],
        history=list(item.history),
        expected=describe_expected(item),
        evidence=item.evidence,
        numeric_correct=False if item.expected_numbers else None,
        error=error,
    )


def run_eval(
    paths: Sequence[Path | str],
    configs: Sequence[str],
    settings: Settings,
    report_dir: Path | str | None = None,
    progress: bool = True,
    *,
    strict: bool = False,
    limit: int | None = None,
    save_latest: bool = True,
    factory: Callable[[Settings], Any] = _default_factory,
) -> EvalReport:
    """Run every item of ``paths`` under each configuration and write the reports.

    Reports go to ``report_dir`` when given and to ``latest_report_path(settings)``'s folder
    unless ``save_latest`` is false. ``factory`` builds the assistant (tests pass a double).
    """
    started = time.perf_counter()
    names = resolve_configs(configs)
    items, problems = load_items(paths, strict=strict)
    if limit is not None:
        items = items[:limit]
    if not items:
        raise EvalInputError(f"no usable items in {', '.join(map(str, paths))}")
    warnings = _evidence_warnings(items, settings)
    warnings += [
        f"{i.source}: unknown field(s) {', '.join(i.unknown_fields)} ignored (a typo?)"
        for i in items
        if i.unknown_fields
    ]
    unknown = sorted({i.category for i in items if not i.known_category})
    warnings += [f"unknown category {c!r} (kept and reported separately)" for c in unknown]
    runs = [run_config(name, items, settings, factory, progress) for name in names]
    report = EvalReport(
        files=[str(p) for p in paths],
        items=len(items),
        problems=problems,
        warnings=warnings,
        runs=runs,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        wall_s=time.perf_counter() - started,
    )
    from .report import write_report

    if report_dir is not None:
        write_report(report, Path(report_dir))
    if save_latest:
        write_report(report, latest_report_path(settings).parent)
    return report


# ---------------------------------------------------------------------------------------------
# Regression gate


def check_thresholds(report: EvalReport, thresholds_path: Path | str) -> list[str]:
    """Every way the report falls below ``thresholds.toml``; an empty list means it passes.

    Tables are ``[<config>.min]`` / ``[<config>.max]`` (metric = bound) and
    ``[<config>.min_category]`` (category = minimum accuracy).
    """
    thresholds = read_thresholds(thresholds_path)
    failures: list[str] = []
    checked = 0
    for name, bounds in thresholds.items():
        run = report.run(name)
        if run is None:
            continue
        checked += 1
        if run.error:
            failures.append(f"{name}: {run.error}")
            continue
        for metric, bound in bounds.get("min", {}).items():
            failures += _bound(name, metric, run.metrics.get(metric, _MISSING), bound, "min")
        for metric, bound in bounds.get("max", {}).items():
            failures += _bound(name, metric, run.metrics.get(metric, _MISSING), bound, "max")
        categories = run.metrics.get("by_category", {})
        for category, bound in bounds.get("min_category", {}).items():
            value = categories.get(category, {}).get("accuracy", _MISSING)
            failures += _bound(name, f"accuracy[{category}]", value, bound, "min")
    if not checked:
        failures.append(
            f"no configuration in the report ({', '.join(r.name for r in report.runs)}) "
            f"has thresholds in {thresholds_path}"
        )
    return failures


_MISSING = object()


def _bound(config: str, metric: str, value: Any, bound: float, kind: str) -> list[str]:
    if value is _MISSING:
        return [f"{config}: unknown metric {metric!r} in thresholds"]
    if value is None:
        return [f"{config}: {metric} was not measured (no items for it)"]
    shown = str(value) if isinstance(value, int) else f"{value:.3f}"
    if kind == "min" and value < bound:
        return [f"{config}: {metric} = {shown} is below the minimum {bound}"]
    if kind == "max" and value > bound:
        return [f"{config}: {metric} = {shown} is above the maximum {bound}"]
    return []


def read_thresholds(path: Path | str) -> dict[str, dict[str, dict[str, float]]]:
    """``thresholds.toml`` validated: config -> {"min"|"max"|"min_category": {name: number}}."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalInputError(f"{path}: no such thresholds file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalInputError(f"{path}: not valid TOML ({exc})") from None
    out: dict[str, dict[str, dict[str, float]]] = {}
    for config, tables in data.items():
        if config == "meta":
            continue
        if config not in CONFIG_NAMES or not isinstance(tables, dict):
            raise EvalInputError(
                f"{path}: [{config}] is not a configuration ({', '.join(CONFIG_NAMES)})"
            )
        for kind, bounds in tables.items():
            if kind not in ("min", "max", "min_category") or not isinstance(bounds, dict):
                raise EvalInputError(f"{path}: [{config}.{kind}] must be min, max or min_category")
            for metric, bound in bounds.items():
                if not isinstance(bound, int | float) or isinstance(bound, bool):
                    raise EvalInputError(f"{path}: {config}.{kind}.{metric} must be a number")
        out[config] = tables
    return out


_GATED_SHARES = (
    ("accuracy", "items"),
    ("hit_at_1", "retrieval_items"),
    ("hit_at_3", "retrieval_items"),
    ("mrr", "retrieval_items"),
    ("citation_precision", "citation_items"),
    ("numeric_accuracy", "numeric_items"),
    ("abstention_precision", "abstentions"),
)


def suggest_thresholds(report: EvalReport) -> str:
    """thresholds.toml text one item under every measured figure, for each configuration run."""
    lines = ["# one item under what was measured; see eval/README.md", ""]
    for run in report.runs:
        if run.error:
            continue
        m = run.metrics
        lines.append(f"[{run.name}.min]")
        lines.append(f"items = {m['items']}")
        for metric, denominator in _GATED_SHARES:
            if m.get(metric) is not None and m.get(denominator):
                bound = _floor2(m[metric] - 1 / m[denominator])
                lines.append(f"{metric} = {bound:.2f}  # {m[metric]:.3f}")
        unanswerable = sum(not r.answerable for r in run.results)
        if m.get("abstention_recall") is not None and unanswerable:
            bound = _floor2(m["abstention_recall"] - 1 / unanswerable)
            lines.append(f"abstention_recall = {bound:.2f}  # {m['abstention_recall']:.3f}")
        lines += [
            "",
            f"[{run.name}.max]",
            f"wrong_numbers = {m['wrong_numbers'] + 2}  # {m['wrong_numbers']}",
            f"errors = {m['errors']}",
        ]
        if m.get("latency_p95_ms") is not None:
            bound = max(5000, round(10 * m["latency_p95_ms"], -3))
            lines.append(f"latency_p95_ms = {bound:.0f}  # {m['latency_p95_ms']:.0f}")
        lines += ["", f"[{run.name}.min_category]"]
        for category, entry in m["by_category"].items():
            bound = _floor2((entry["correct"] - 1) / entry["items"])
            lines.append(f"{category} = {bound:.2f}  # {entry['correct']}/{entry['items']}")
        lines.append("")
    return "\n".join(lines)


def _floor2(value: float) -> float:
    return max(0.0, math.floor(value * 100 + 1e-9) / 100)


# ---------------------------------------------------------------------------------------------
# Command line


def add_eval_arguments(parser: Any) -> None:
    """The options of ``coopqa eval`` on an argparse (sub)parser."""
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="eval sets (JSONL), e.g. eval/chapter8.jsonl"
    )
    parser.add_argument(
        "--config",
        action="append",
        metavar="NAME",
        help=f"configuration: {', '.join(CONFIG_NAMES)} or all (repeatable; default: shipped)",
    )
    parser.add_argument("--report", metavar="DIR", help="also write report.md/.html/.json to DIR")
    parser.add_argument(
        "--json", action="store_true", help="print the JSON report instead of tables"
    )
    parser.add_argument(
        "--strict", action="store_true", help="a malformed line is fatal instead of skipped"
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="list what changed between two report.json files",
    )
    parser.add_argument(
        "--thresholds",
        metavar="TOML",
        help="exit 1 when a configuration falls below these thresholds",
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="only the first N items (a quick look)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--suggest-thresholds",
        action="store_true",
        help="print thresholds.toml bounds one item under this run's figures",
    )
    parser.add_argument(
        "--max-failures",
        type=int,
        default=20,
        metavar="N",
        help="failures printed per configuration (the report lists all; default 20)",
    )


def cli_eval(args: Any, settings: Settings | None = None, out: Any = None) -> int:
    """Run ``coopqa eval``: 0 done, 1 below thresholds or a configuration failed, 2 bad input."""
    from .config import SettingsError
    from .report import compare_data, compare_reports, render_terminal

    out = out or sys.stdout
    try:
        if args.compare:
            if args.files:
                raise EvalInputError("--compare takes two report.json files and no eval sets")
            if args.json:
                data = compare_data(load_report(args.compare[0]), load_report(args.compare[1]))
                print(json.dumps(data, indent=2), file=out)
            else:
                print(compare_reports(*args.compare), file=out)
            return 0
        if not args.files:
            raise EvalInputError("give at least one eval set, e.g. coopqa eval eval/chapter8.jsonl")
        if args.limit is not None and args.limit < 1:
            raise EvalInputError("--limit must be at least 1")
        if args.thresholds:
            read_thresholds(args.thresholds)  # fail before a long run, not after
        settings = settings or Settings.from_env()
        report = run_eval(
            args.files,
            args.config or ["shipped"],
            settings,
            report_dir=args.report,
            progress=not args.no_progress,
            strict=args.strict,
            limit=args.limit,
        )
    except (EvalInputError, SettingsError) as exc:
        print(f"coopqa eval: {exc}", file=sys.stderr)
        return 2
    failures = check_thresholds(report, args.thresholds) if args.thresholds else []
    if args.json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
    elif args.suggest_thresholds:
        print(suggest_thresholds(report), file=out)
    else:
        print(render_terminal(report, max_failures=args.max_failures), file=out)
        where = [str(latest_report_path(settings).parent)] + (
            [str(args.report)] if args.report else []
        )
        print(f"\nReports written to {' and '.join(where)}", file=out)
    broken = [run for run in report.runs if run.error]
    for run in broken:
        print(f"coopqa eval: {run.name}: {run.error}", file=sys.stderr)
    for failure in failures:
        print(f"coopqa eval: below threshold: {failure}", file=sys.stderr)
    return 1 if failures or broken else 0
