"""The evaluation harness: scorer rules, item loading, metrics, reports, comparison, gate, CLI.

Most tests drive a small keyword-overlap assistant (``StandIn``) over the real corpus so the
harness is checked on its own; the last (slow) test runs the real Assistant on a few items.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pytest

from coopqa.answer import Answer, CheckedNumber, Citation
from coopqa.config import Settings
from coopqa.evaluate.cli import add_eval_arguments, cli_eval
from coopqa.evaluate.items import EvalInputError, EvalItem, load_items, parse_item
from coopqa.evaluate.report import compare_data, compare_reports, render_html, write_report
from coopqa.evaluate.results import latest_report_path, load_report, percentile, summarize
from coopqa.evaluate.run import CONFIG_NAMES, config_settings, resolve_configs, run_eval
from coopqa.evaluate.scoring import numbers_stated, score_item, states_number
from coopqa.evaluate.thresholds import check_thresholds
from coopqa.ingest.corpus import Passage, load_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


# ---------------------------------------------------------------------------------------------
# A stand-in with the Assistant's ask/search interface: keyword overlap over the real passages.


class _Result:
    def __init__(self, passage: Passage, score: float) -> None:
        self.passage, self.score = passage, score


class StandIn:
    """Answers with the best-overlapping passage's best sentence; abstains on weak overlap."""

    built: list[Settings] = []

    def __init__(self, settings: Settings) -> None:
        StandIn.built.append(settings)
        self.settings = settings
        self.passages = load_corpus(list(settings.corpus_dirs)).passages

    @staticmethod
    def _words(text: str) -> set[str]:
        stop = {"the", "of", "in", "to", "and", "a", "how", "many", "what", "was", "were", "did"}
        return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop}

    def search(self, question: str, k: int = 5, history: list | None = None) -> list[_Result]:
        words = self._words(" ".join([*(t["content"] for t in history or []), question]))
        scored = [(len(words & self._words(p.text)), p) for p in self.passages]
        scored.sort(key=lambda sp: -sp[0])
        return [_Result(p, float(s)) for s, p in scored[:k]]

    def ask(self, question: str, history: list | None = None) -> Answer:
        if "explode" in question:
            raise RuntimeError("stand-in failure")
        best = self.search(question, 1, history)[0]
        words = self._words(question)
        if best.score < 3:
            return Answer(question, "The chapter does not say.", True)
        sentence = max(best.passage.sentences, key=lambda s: len(words & self._words(s.text)))
        citation = Citation(
            1,
            best.passage.doc,
            best.passage.passage_id,
            best.passage.section,
            best.passage.page,
            sentence.text,
            sentence.start,
            sentence.end,
        )
        return Answer(
            question, f"{sentence.text} [1]", False, [citation], timings_ms={"total": 1.0}
        )


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dirs=(CORPUS,))


def item(**kw) -> EvalItem:
    base = {"id": "x1", "question": "q?", "category": "numeric"}
    return EvalItem(**{**base, **kw})


def answer(text: str, abstained: bool = False, citations=(), numbers=()) -> Answer:
    return Answer("q?", text, abstained, list(citations), list(numbers))


def passage(pid: str, text: str) -> Passage:
    return Passage(
        "npa-annual-report-ch8-international-cooperation",
        pid,
        "Section 1",
        1,
        0,
        text,
        0,
        len(text),
    )


def write_jsonl(path: Path, rows: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    ("text", "value", "stated"),
    [
        ("ten fellows were accepted", 10, True),
        ("Ten fellows", 10, True),
        ("twenty-one officials", 21, True),
        ("one hundred and twenty people", 120, True),
        ("over 120 people", 120, True),
        ("1,424 persons", 1424, True),
        ("1,424 persons", 424, False),
        ("1424 persons", 424, False),
        ("4.24 persons", 424, False),
        ("a total of 424.", 424, True),
        ("In FY2012, 143 persons", 2012, True),
        ("In FY2012, 143 persons", 12, False),
        ("the 18th programme", 18, True),
        ("the three-week seminar", 3, True),
        ("someone often attends", 1, False),
        ("as shown [1] and [2, 3]", 1, False),
        ("as shown [1] and [2, 3]", 3, False),
        ("Figures 28 and 29", 29, True),
        ("6.5% growth", 6.5, True),
    ],
)
def test_states_number(text: str, value: float, stated: bool) -> None:
    assert states_number(text, value) is stated


def test_numbers_stated_reads_each_number_once() -> None:
    assert numbers_stated("From 2012,143 to five thousand three hundred, one two") == [
        2012, 143, 5300, 1, 2,
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Scoring one item


def test_answerable_correct_with_number_words_and_case_insensitive_terms() -> None:
    it = item(expected_numbers=(10.0,), expected_any=(("Fellows", "participants"),))
    result = score_item(it, answer("In FY2013, TEN FELLOWS were accepted."), [])
    assert result.correct and result.reasons == [] and result.numeric_correct


def test_every_rule_that_can_fail_is_named() -> None:
    it = item(
        expected_numbers=(143.0, 119.0),
        expected_any=(("decrease", "fewer"),),
        forbidden_numbers=(424.0,),
    )
    result = score_item(it, answer("143 persons; the total was 424."), [])
    assert not result.correct
    assert result.reasons == [
        "does not state 119",
        "mentions none of 'decrease' / 'fewer'",
        "states forbidden number 424",
    ]
    assert result.numeric_correct is False
    assert result.wrong_number and result.forbidden_stated == [424.0]


def test_forbidden_numbers_match_whole_tokens_only() -> None:
    it = item(expected_numbers=(1424.0,), forbidden_numbers=(424.0, 2012.0))
    assert score_item(it, answer("There were 1,424 of them."), []).correct
    result = score_item(it, answer("There were 1,424 of them in FY2012."), [])
    assert result.reasons == ["states forbidden number 2012"]


def test_abstention_rules() -> None:
    answerable, unanswerable = item(expected_any=(("x",),)), item(answerable=False)
    said_nothing = answer("The chapter does not say.", abstained=True)
    assert score_item(unanswerable, said_nothing, []).correct
    assert (
        score_item(answerable, said_nothing, []).reasons[0] == "abstained on an answerable question"
    )
    wrong = score_item(unanswerable, answer("Paris."), [])
    assert not wrong.correct and "expected an abstention" in wrong.reasons[0]
    assert (
        score_item(item(expected_numbers=(5.0,)), answer("5", abstained=True), []).numeric_correct
        is False
    )


def test_evidence_matching_folds_whitespace_case_hyphens_and_quotes() -> None:
    evidence = (
        "first held this seminar in FY1999 as the “Personnel Administration Training Program,”"
    )
    text = (
        "The NPA FIRST held this\n  seminar in FY1999 as the "
        '"Personnel Administration Training Pro- gram,"'
    )
    retrieved = [_Result(passage("p:0", "unrelated"), 1.0), _Result(passage("p:1", text), 0.5)]
    result = score_item(item(evidence=evidence, expected_any=(("x",),)), answer("x"), retrieved)
    assert result.hit_rank == 2
    assert result.retrieved == ["p:0", "p:1"]


def test_citation_judged_by_full_passage_then_by_quote() -> None:
    full = "In FY2012, 143 persons were newly dispatched. Meanwhile, 119 persons returned to Japan."
    cite = Citation(
        1,
        "npa-annual-report-ch8-international-cooperation",
        "npa-annual-report-ch8-international-cooperation:003",
        "s",
        1,
        "In FY2012, 143 persons",
        0,
        20,
    )
    it = item(expected_numbers=(119.0,), evidence="119 persons returned to Japan")
    ans = answer("119 [1]", citations=[cite])
    assert (
        score_item(
            it, ans, [], {"npa-annual-report-ch8-international-cooperation:003": full}
        ).citation_correct
        is True
    )
    assert score_item(it, ans, []).citation_correct is False  # the quote alone lacks it
    other = Citation(
        1,
        "npa-annual-report-ch8-international-cooperation",
        "npa-annual-report-ch8-international-cooperation:009",
        "s",
        1,
        "Developing countries",
        0,
        20,
    )
    assert (
        score_item(
            it,
            answer("119 [1]", citations=[other]),
            [],
            {"npa-annual-report-ch8-international-cooperation:003": full},
        ).citation_correct
        is False
    )
    assert score_item(it, answer("119"), []).citation_correct is None  # nothing cited: not judged


def test_unverified_number_shown_as_fact_is_a_wrong_number() -> None:
    shown = CheckedNumber("500", 500, "unverified")
    it = item(expected_any=(("staff",),))
    assert score_item(it, answer("500 staff", numbers=[shown]), []).wrong_number
    flagged = answer("500 (unverified) staff", numbers=[shown])
    assert not score_item(it, flagged, []).wrong_number
    verified = answer("424 staff", numbers=[CheckedNumber("424", 424, "verified")])
    assert not score_item(it, verified, []).wrong_number


# ---------------------------------------------------------------------------------------------
# Loading items


def test_load_items_reports_malformed_lines_by_number(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "set.jsonl",
        [
            {"id": "a", "question": "Q1?", "category": "numeric", "expected_numbers": [1]},
            "{not json",
            "",
            {"id": "b", "question": "Q2?", "category": "brand_new", "evidence": ""},
            {"id": "a", "question": "dup?", "category": "text"},
            {"id": "c", "question": "", "category": "text"},
            {"id": "d", "question": "Q?", "category": "text", "expected_numbers": ["ten"]},
            {"id": "e", "question": "Q?", "category": "text", "expected_any": [[]]},
            ["a list"],
            {"id": "f", "question": "Q?", "category": "text", "expected_anyy": [["x"]]},
        ],
    )
    items, problems = load_items([path])
    assert [i.id for i in items] == ["a", "b", "f"]
    assert items[1].category == "brand_new" and not items[1].known_category
    assert items[1].evidence is None
    assert items[2].unknown_fields == ("expected_anyy",)
    assert [p.split(": ")[0] for p in problems] == [f"{path}:{n}" for n in (2, 5, 6, 7, 8, 9)]
    assert "not valid JSON" in problems[0] and "duplicate id 'a'" in problems[1]
    with pytest.raises(EvalInputError, match=rf"{re.escape(str(path))}:2: not valid JSON"):
        load_items([path], strict=True)


def test_load_items_missing_file_and_defaults(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match="no such eval file"):
        load_items([tmp_path / "none.jsonl"])
    it = parse_item(
        '{"id": 7, "question": "Q?", "category": "out_of_scope", "expected_any": ["x"]}'
    )
    assert it.id == "7" and it.answerable is False and it.expected_any == (("x",),)


def test_shipped_sets_load_cleanly() -> None:
    items, problems = load_items([ROOT / "eval/chapter8.jsonl", ROOT / "eval/retrieval.jsonl"])
    assert problems == [] and len(items) >= 150
    assert all(i.known_category for i in items)


# ---------------------------------------------------------------------------------------------
# Metrics


def test_summarize_metrics_from_hand_made_results() -> None:
    p = [passage(f"p:{i}", t) for i, t in enumerate(["alpha beta", "gamma delta", "epsilon"])]
    res = [_Result(x, 1.0) for x in p]
    results = [
        score_item(item(id="1", expected_numbers=(3.0,), evidence="gamma"), answer("three"), res),
        score_item(item(id="2", expected_numbers=(4.0,), evidence="alpha"), answer("five"), res),
        score_item(
            item(id="3", answerable=False, category="unanswerable", evidence="zeta"),
            answer("not said", abstained=True),
            res,
        ),
        score_item(item(id="4", answerable=False, category="unanswerable"), answer("Paris"), res),
        score_item(
            item(id="5", expected_any=(("x",),), category="odd"), answer("no", abstained=True), res
        ),
    ]
    for r, ms in zip(results, (10.0, 20.0, 30.0, 40.0, 50.0), strict=True):
        r.latency_ms = ms
    m = summarize(results)
    assert (m["items"], m["correct"], m["accuracy"]) == (5, 2, 0.4)
    assert m["by_category"]["numeric"] == {"items": 2, "correct": 1, "known": True, "accuracy": 0.5}
    assert m["by_category"]["odd"]["known"] is False
    assert m["retrieval_items"] == 3
    assert m["hit_at_1"] == pytest.approx(1 / 3) and m["hit_at_3"] == pytest.approx(2 / 3)
    assert m["mrr"] == pytest.approx((1 / 2 + 1) / 3)
    assert m["numeric_items"] == 2 and m["numeric_accuracy"] == 0.5
    assert m["abstention_precision"] == 0.5 and m["abstention_recall"] == 0.5
    assert m["latency_p50_ms"] == 30.0 and m["latency_p95_ms"] == pytest.approx(48.0)
    assert m["citation_precision"] is None and m["wrong_numbers"] == 0


def test_percentile_interpolates() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


def test_configurations_are_settings_variants() -> None:
    base = Settings()
    assert config_settings("shipped", base) == base
    assert config_settings("dense", base).retrieval_mode == "dense"
    assert config_settings("no-facts", base).use_facts is False
    naive = config_settings("naive", base.with_(llm="openai:x"))
    assert (naive.retrieval_mode, naive.use_facts, naive.llm) == ("naive", False, None)
    assert resolve_configs(None) == ["shipped"]
    assert resolve_configs(["all"]) == list(CONFIG_NAMES)
    assert resolve_configs(["naive,dense", "naive"]) == ["naive", "dense"]
    with pytest.raises(EvalInputError, match="unknown configuration 'fast'"):
        resolve_configs(["fast"])


# ---------------------------------------------------------------------------------------------
# Whole runs with the stand-in


@pytest.fixture()
def small_set(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "small.jsonl",
        [
            {
                "id": "n1",
                "question": "How many persons were newly dispatched to international "
                "organizations in FY2012?",
                "category": "numeric",
                "expected_numbers": [143],
                "forbidden_numbers": [147],
                "evidence": "143 persons were newly dispatched",
            },
            {
                "id": "n2",
                "question": "How many officials from how many countries participated "
                "in the three-week seminar in FY2013?",
                "category": "numeric",
                "expected_numbers": [10],
                "evidence": "10 officials from 10 countries",
            },
            {
                "id": "u1",
                "question": "Capital of France?",
                "category": "out_of_scope",
                "answerable": False,
                "evidence": "",
            },
            {
                "id": "c1",
                "question": "And the Korean officials accepted in November 2013?",
                "category": "followup",
                "history": ["Japan-Korea exchange"],
                "expected_numbers": [20],
                "evidence": "NPA accepted 20 government officials",
            },
            {
                "id": "e1",
                "question": "explode <script>alert(1)</script> please",
                "category": "mystery",
                "expected_any": [["x"]],
            },
            "not json at all",
        ],
    )


def test_run_eval_scores_writes_reports_and_survives_failures(
    small_set: Path, settings: Settings, tmp_path: Path
) -> None:
    StandIn.built.clear()
    report = run_eval(
        [small_set],
        ["shipped", "naive"],
        settings,
        report_dir=tmp_path / "out",
        progress=False,
        factory=StandIn,
    )
    assert [s.retrieval_mode for s in StandIn.built] == ["hybrid", "naive"]  # one per config
    assert report.items == 5 and len(report.problems) == 1 and ":6:" in report.problems[0]
    assert report.unknown_categories == ["mystery"]
    assert any("unknown category 'mystery'" in w for w in report.warnings)
    run = report.run("shipped")
    by_id = {r.id: r for r in run.results}
    assert by_id["n1"].correct and by_id["n1"].hit_rank == 1 and by_id["n1"].citation_correct
    assert by_id["u1"].correct and by_id["u1"].abstained
    assert by_id["e1"].error == "RuntimeError: stand-in failure" and not by_id["e1"].correct
    assert by_id["c1"].history == ["Japan-Korea exchange"]
    assert run.metrics["errors"] == 1 and run.wall_s >= run.build_s > 0
    assert all(r.latency_ms is not None for r in run.results if r.error is None)
    for directory in (tmp_path / "out", latest_report_path(settings).parent):
        assert {p.name for p in directory.iterdir()} == {"report.json", "report.md", "report.html"}
    again = load_report(tmp_path / "out" / "report.json")
    assert again.run("naive").metrics == report.run("naive").metrics
    assert [r.id for r in again.run("shipped").results] == list(by_id)
    md = (tmp_path / "out" / "report.md").read_text()
    assert "mystery (unknown category)" in md and "stand-in failure" in md and "| shipped |" in md


def test_html_report_is_self_contained(small_set: Path, settings: Settings) -> None:
    report = run_eval(
        [small_set], ["shipped"], settings, progress=False, save_latest=False, factory=StandIn
    )
    page = render_html(report)
    assert page.count("src='data:image/png;base64,") == 3
    assert not re.search(r"""(src|href)=['"](?!data:)""", page)
    assert "<script" not in page and "explode &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_config_that_cannot_be_built_is_reported(small_set: Path, settings: Settings) -> None:
    def broken(_settings: Settings) -> StandIn:
        raise OSError("index missing")

    report = run_eval(
        [small_set], ["shipped"], settings, progress=False, save_latest=False, factory=broken
    )
    assert report.runs[0].error == "could not build the assistant: OSError: index missing"
    assert check_thresholds(
        report, _thresholds(settings.data_dir, "[shipped.min]\naccuracy = 0")
    ) == ["shipped: could not build the assistant: OSError: index missing"]


def _thresholds(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "thresholds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thresholds_gate(small_set: Path, settings: Settings, tmp_path: Path) -> None:
    report = run_eval(
        [small_set], ["shipped"], settings, progress=False, save_latest=False, factory=StandIn
    )
    acc = report.run("shipped").metrics["accuracy"]
    ok = _thresholds(
        tmp_path,
        f"[shipped.min]\naccuracy = {acc}\n[shipped.max]\nwrong_numbers = 0\n"
        "[naive.min]\naccuracy = 1.0\n",
    )
    assert check_thresholds(report, ok) == []  # naive was not run, so not checked
    bad = _thresholds(
        tmp_path / "b",
        f"[shipped.min]\naccuracy = {acc + 0.01}\nhit_at_9 = 0.5\n"
        "[shipped.min_category]\nmystery = 0.5\n",
    )
    failures = check_thresholds(report, bad)
    assert failures[0].startswith(f"shipped: accuracy = {acc:.3f} is below the minimum")
    assert failures[1] == "shipped: unknown metric 'hit_at_9' in thresholds"
    assert failures[2].startswith("shipped: accuracy[mystery] = 0.000 is below")
    none = _thresholds(tmp_path / "c", "[dense.min]\naccuracy = 0.1\n")
    assert "no configuration in the report" in check_thresholds(report, none)[0]
    with pytest.raises(EvalInputError, match=r"\[fast\] is not a configuration"):
        check_thresholds(report, _thresholds(tmp_path / "d", "[fast.min]\naccuracy = 1\n"))
    with pytest.raises(EvalInputError, match="not valid TOML"):
        check_thresholds(report, _thresholds(tmp_path / "e", "[shipped.min\n"))


def test_suggested_thresholds_pass_their_own_run_and_catch_a_drop(
    small_set: Path, settings: Settings, tmp_path: Path
) -> None:
    from coopqa.evaluate.results import summarize
    from coopqa.evaluate.thresholds import suggest_thresholds

    report = run_eval(
        [small_set], ["shipped"], settings, progress=False, save_latest=False, factory=StandIn
    )
    path = _thresholds(tmp_path, suggest_thresholds(report))
    assert check_thresholds(report, path) == []
    run = report.run("shipped")
    for result in [r for r in run.results if r.correct][:2]:
        result.correct = False
    run.metrics = summarize(run.results)
    failures = check_thresholds(report, path)
    assert any(f.startswith("shipped: accuracy = ") for f in failures), failures


def test_shipped_thresholds_file_is_valid() -> None:
    from coopqa.evaluate.thresholds import read_thresholds

    bounds = read_thresholds(ROOT / "eval/thresholds.toml")
    assert set(bounds) == {"shipped"} and bounds["shipped"]["min"]["accuracy"] > 0.5


def test_compare_lists_items_that_got_better_and_worse(
    small_set: Path, settings: Settings, tmp_path: Path
) -> None:
    old = run_eval(
        [small_set],
        ["shipped"],
        settings,
        report_dir=tmp_path / "old",
        progress=False,
        save_latest=False,
        factory=StandIn,
    )
    new = load_report(tmp_path / "old" / "report.json")
    results = {r.id: r for r in new.run("shipped").results}
    results["n1"].correct, results["n1"].answer = False, "I do not know"
    results["e1"].correct, results["e1"].answer = True, "fixed now"
    results["n1"].hit_rank = None
    new.run("shipped").metrics["accuracy"] -= 0.1
    write_report(new, tmp_path / "new")
    data = compare_data(old, new)["configs"][0]
    assert [c["id"] for c in data["broken"]] == ["n1"]
    assert [c["id"] for c in data["fixed"]] == ["e1"]
    assert data["retrieval_worse"] == ["n1"] and data["metrics"]["accuracy"]["better"] is False
    text = compare_reports(tmp_path / "old" / "report.json", tmp_path / "new" / "report.json")
    assert "WORSE (now wrong): 1" in text and "[n1]" in text and "Better (now correct): 1" in text
    assert "accuracy:" in text and "(WORSE)" in text


# ---------------------------------------------------------------------------------------------
# Command line


def _cli(argv: list[str], settings: Settings, capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="coopqa eval")
    add_eval_arguments(parser)
    code = cli_eval(parser.parse_args(argv), settings=settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_bad_input_is_one_line_and_exit_2(small_set: Path, settings: Settings, capsys) -> None:
    code, out, err = _cli(["missing.jsonl"], settings, capsys)
    assert code == 2 and err == "coopqa eval: missing.jsonl: no such eval file\n"
    code, _, err = _cli([str(small_set), "--strict"], settings, capsys)
    assert code == 2 and err.startswith(f"coopqa eval: {small_set}:6: not valid JSON")
    code, _, err = _cli([str(small_set), "--config", "fast"], settings, capsys)
    assert code == 2 and "unknown configuration 'fast'" in err
    code, _, err = _cli([], settings, capsys)
    assert code == 2 and "give at least one eval set" in err
    code, _, err = _cli(["--compare", "a.json", "b.json"], settings, capsys)
    assert code == 2 and err == "coopqa eval: a.json: no such report\n"


def test_cli_exit_1_when_a_configuration_cannot_be_built(
    small_set: Path, tmp_path: Path, capsys
) -> None:
    """The real Assistant over an empty corpus folder: reported per configuration, exit 1."""
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=(empty,))
    code, out, err = _cli([str(small_set), "--no-progress"], settings, capsys)
    assert code == 1
    assert err.startswith("coopqa eval: shipped: could not build the assistant: CorpusError: ")
    assert "shipped: FAILED" in out and "cannot check evidence against the corpus" in out


def test_cli_compare_json(small_set: Path, settings: Settings, tmp_path: Path, capsys) -> None:
    run_eval(
        [small_set],
        ["shipped"],
        settings,
        report_dir=tmp_path / "r",
        progress=False,
        save_latest=False,
        factory=StandIn,
    )
    path = str(tmp_path / "r" / "report.json")
    code, out, _ = _cli(["--compare", path, path, "--json"], settings, capsys)
    assert code == 0 and json.loads(out)["configs"][0]["broken"] == []


# ---------------------------------------------------------------------------------------------
# The real Assistant on a few items


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from coopqa.evaluate.run import _NoBar, _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(_progress(3, "x", True), _NoBar)  # pytest's stderr is not a terminal
    monkeypatch.setattr("sys.stderr", Terminal())
    bar = _progress(3, "shipped", True)
    assert not isinstance(bar, _NoBar)
    bar.update(1)
    bar.close()
    assert "shipped" in sys.stderr.getvalue()
    assert isinstance(_progress(3, "x", False), _NoBar)


@pytest.mark.slow
def test_real_assistant_through_the_cli(tmp_path: Path, capsys) -> None:
    """`coopqa eval` end to end: real Assistant, shipped and naive, report files, threshold exit."""
    ids = {"n01", "u06", "o01", "c02", "p03"}
    rows = [
        line
        for line in (ROOT / "eval/chapter8.jsonl").read_text().splitlines()
        if json.loads(line)["id"] in ids
    ]
    path = write_jsonl(tmp_path / "few.jsonl", rows)
    settings = Settings(
        data_dir=tmp_path / "data", corpus_dirs=(CORPUS,), facts_path=CORPUS / "facts.csv"
    )
    gate = _thresholds(tmp_path, "[shipped.min]\naccuracy = 0.2\n[naive.min]\naccuracy = 1.01\n")
    argv = [str(path), "--config", "shipped,naive", "--report", str(tmp_path / "out")]
    code, out, err = _cli([*argv, "--thresholds", str(gate), "--no-progress"], settings, capsys)
    assert code == 1, err
    assert err.startswith("coopqa eval: below threshold: naive: accuracy = ")
    assert re.search(r"^shipped +5 ", out, re.M) and re.search(r"^naive +5 ", out, re.M)
    report = load_report(tmp_path / "out" / "report.json")
    for run in report.runs:
        assert run.error is None and run.metrics["errors"] == 0, run.error
        assert run.metrics["latency_p50_ms"] > 0 and run.wall_s > 0
    shipped = {r.id: r for r in report.run("shipped").results}
    assert shipped["n01"].correct, shipped["n01"].reasons
    assert shipped["n01"].hit_rank == 1 and shipped["n01"].citation_correct
    assert shipped["o01"].abstained
    naive = {r.id: r for r in report.run("naive").results}
    assert all(
        pid.startswith("npa-annual-report-ch8-international-cooperation:chunk")
        for pid in naive["n01"].retrieved
    )
    assert latest_report_path(settings).is_file()
