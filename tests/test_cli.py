"""The command line as a user runs it: real processes, real index, one-line errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS_DIR, ROOT


def run(*args: str, data_dir: Path, corpus: Path = CORPUS_DIR, stdin: str | None = None):
    env = {
        **os.environ,
        "COOPQA_DATA_DIR": str(data_dir),
        "COOPQA_CORPUS_DIR": str(corpus),
        "COOPQA_FACTS": str(CORPUS_DIR / "facts.csv"),
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "coopqa.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=300,
    )


def assert_clean_error(result, fragment: str):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]


def test_help_imports_nothing_heavy():
    code = (
        "import sys, coopqa.cli; coopqa.cli.build_parser(); "
        "heavy = {'torch', 'chromadb', 'sentence_transformers', 'gradio', 'langchain_core', 'mcp'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
    help_out = subprocess.run(
        [sys.executable, "-m", "coopqa.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    for command in ("ingest", "search", "ask", "chat", "facts", "check", "eval", "serve", "mcp"):
        assert command in help_out.stdout


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    result = run("ingest", data_dir=path)
    assert result.returncode == 0, result.stderr
    assert "indexed" in result.stdout
    return path


def _on_a_terminal(*args: str, data_dir: Path, corpus: Path) -> tuple[str, str]:
    """``coopqa`` run with its stderr on a pseudo-terminal, as a user sees it: (stdout, stderr)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    # a terminal 100 columns wide (a new pseudo-terminal has none: tqdm would draw nothing)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {
        **os.environ,
        "COOPQA_DATA_DIR": str(data_dir),
        "COOPQA_CORPUS_DIR": str(corpus),
        "COOPQA_FACTS": str(data_dir / "no-facts.csv"),
        "HF_HUB_OFFLINE": "1",
    }
    with subprocess.Popen(
        [sys.executable, "-m", "coopqa.cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        cwd=ROOT,
        text=True,
    ) as process:
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        out = process.stdout.read()
        assert process.wait(timeout=300) == 0, screen
    os.close(leader)
    return out, screen.decode("utf-8", errors="replace")


def test_ingest_shows_pages_read_on_a_terminal_and_an_unchanged_pdf_is_a_no_op(tmp_path):
    from .test_pdf_reader import _report

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _report(corpus / "acme-2030.pdf")
    out, screen = _on_a_terminal("ingest", data_dir=tmp_path / "data", corpus=corpus)
    assert "embedded 7" in out
    # the bar counts pages one by one (the report has two), then the passages embedded
    assert re.search(r"reading PDF pages: 1 ?page", screen), screen
    assert re.search(r"reading PDF pages: 2 ?page", screen), screen
    assert re.search(r"embedding: 100%.* 7/7", screen), screen
    out, screen = _on_a_terminal("ingest", data_dir=tmp_path / "data", corpus=corpus)
    assert "(unchanged)" in out  # nothing read, parsed or embedded again


def test_ingest_again_is_a_no_op(data_dir):
    result = run("ingest", data_dir=data_dir)
    assert result.returncode == 0 and "unchanged" in result.stdout


def test_search_json_and_batch(data_dir, tmp_path):
    single = run(
        "search",
        "How many staff were on overseas dispatch at the end of FY2012?",
        "-k",
        "3",
        "--json",
        data_dir=data_dir,
    )
    assert single.returncode == 0, single.stderr
    row = json.loads(single.stdout)
    assert len(row["results"]) == 3
    assert set(row["results"][0]) == {
        "passage_id",
        "doc",
        "section",
        "page",
        "text",
        "start",
        "end",
        "score",
    }
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"question": "What did the NPA do with Vietnam?"}\n'
        "Who are the Mike Mansfield fellows?\n"
        '{"question": "And since it started?", "history": [{"role": "user", '
        '"content": "How many attended the middle-level seminar in FY2013?"}]}\n',
        encoding="utf-8",
    )
    out = run("search", "--batch", str(batch), "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"] for r in rows][1] == "Who are the Mike Mansfield fellows?"
    assert any("158 officials" in r["text"] for r in rows[2]["results"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("search", ""), "question is empty"),
        (("search", "   "), "question is empty"),
        (("search", "x" * 4001), "limit is 4,000"),
        (("search", "bad\x07bell"), "control characters"),
        (("search", "q", "-k", "0"), "-k must be"),
        (("search", "--batch", "/nonexistent.jsonl"), "cannot read batch file"),
        (("search", "--batch", "/dev/zero"), "larger than 20 MB"),
        (("search", "caf\udce9"), "not valid UTF-8"),  # an undecodable byte in argv
        (("check", ""), "answer text is empty"),
        (("check", "1 " * 9000), "limit is 16,000"),
    ],
)
def test_bad_input_is_one_line_on_stderr(data_dir, args, fragment):
    assert_clean_error(run(*args, data_dir=data_dir), fragment)


def test_bad_batch_lines_name_their_line(data_dir, tmp_path):
    batch = tmp_path / "bad.jsonl"
    batch.write_text('first question\n{"question": \n', encoding="utf-8")
    assert_clean_error(run("search", "--batch", str(batch), data_dir=data_dir), "line 2")


def test_missing_corpus_and_bad_files(tmp_path):
    assert_clean_error(run("ingest", data_dir=tmp_path, corpus=tmp_path / "none"), "no such file")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (docs / "note.md").write_text("# Note\n\nThe NPA hosted 12 visitors in FY2013.\n")
    result = run("ingest", data_dir=tmp_path / "d", corpus=docs)
    assert result.returncode == 0, result.stderr
    assert "warning: skipped" in result.stderr and "broken.pdf" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_json_batch_and_chat(data_dir, tmp_path):
    single = run(
        "ask", "How many persons returned to Japan in FY2012?", "--json", data_dir=data_dir
    )
    assert single.returncode == 0, single.stderr
    answer = json.loads(single.stdout)
    assert {
        "question",
        "answer",
        "abstained",
        "citations",
        "numbers",
        "backend",
        "timings_ms",
    } <= set(answer)
    assert "119" in answer["answer"] and answer["citations"][0]["page"] == 1
    assert answer["short"] == "119 persons"

    batch = tmp_path / "ask.jsonl"
    batch.write_text(
        '{"question": "How many officials attended the middle-level seminar in FY2013?"}\n'
        '{"question": "And since it started?", "history": [{"role": "user", "content": '
        '"How many officials attended the middle-level seminar in FY2013?"}]}\n'
        "What is the capital of France?\n",
        encoding="utf-8",
    )
    out = run("ask", "--batch", str(batch), "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"] for r in rows] == [
        "How many officials attended the middle-level seminar in FY2013?",
        "And since it started?",
        "What is the capital of France?",
    ]
    assert "158" in rows[1]["answer"] and rows[2]["abstained"]
    assert rows[2]["short"] is None  # an abstention has no short answer

    chat = run(
        "chat",
        data_dir=data_dir,
        stdin="How many fellows were accepted in FY2013?\nAnd which programme was it?\n\n",
    )
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.count("you>") >= 2 and "ten fellows" in chat.stdout


def test_facts_and_check_commands(data_dir):
    table = run("facts", "--json", data_dir=data_dir)
    assert table.returncode == 0
    assert any(f["id"] == "dispatch.total.end_fy2012" for f in json.loads(table.stdout))
    assert run("facts", "check", data_dir=data_dir).returncode == 0
    wrong = run(
        "check", "424 persons were on dispatch at the end of FY2011.", "--json", data_dir=data_dir
    )
    assert wrong.returncode == 1


def test_ingest_builds_a_narrative_report_s_fact_table_and_skips_reviewed_ones(tmp_path):
    from .test_fact_tables import NARRATIVE

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "observers.md").write_text(NARRATIVE, encoding="utf-8")
    (docs / "npa-annual-report-ch8-international-cooperation.txt").write_text(
        (CORPUS_DIR / "npa-annual-report-ch8-international-cooperation.txt").read_text("utf-8"),
        encoding="utf-8",
    )
    result = run("ingest", data_dir=tmp_path / "d", corpus=docs)
    assert result.returncode == 0, result.stderr
    # the chapter has reviewed rows in facts.csv: its own table answers it
    assert "fact tables of 1 narrative report(s) ready" in result.stdout
    assert result.stdout.rstrip().endswith(": observers")
    assert len(list((tmp_path / "d" / "extracted-fact-vectors").glob("*.npz"))) == 1
