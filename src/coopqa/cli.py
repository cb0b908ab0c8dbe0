"""The ``coopqa`` command line: a thin shell over the library; heavy imports happen per command."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .answer.validation import InputError, clean_history, clean_question
from .config import Settings, SettingsError

MAX_BATCH_BYTES = 20_000_000  # a batch file bigger than this is a mistake (or /dev/zero)
MAX_CHECK_CHARS = 16_000  # the number checker is quadratic in the count of numbers


class CliError(Exception):
    """A failure to report as one line on stderr with a non-zero exit."""


def add_doc_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """--doc NAME, repeatable: the documents a command is limited to."""
    parser.add_argument("--doc", action="append", default=[], metavar="NAME", help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopqa",
        description="Cited, number-checked answers about the reports in a corpus folder: every "
        "sentence quotes its source, every number is checked, and it says when they do not say.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="parse the corpus and (re)build the Chroma index")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")

    p = sub.add_parser("search", help="show the passages retrieved for a question")
    p.add_argument("question", nargs="?")
    add_doc_option(p, "answer from this document only (file name; repeatable)")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.add_argument("--batch", type=Path, help="file with one question (or JSON object) a line")

    p = sub.add_parser(
        "passages", help="show a document's passages as read: page, heading path, text"
    )
    add_doc_option(p, "this document (file name or id; repeatable; default: every document)")
    p.add_argument("--json", action="store_true", help="one JSON object a passage")

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question", nargs="?")
    add_doc_option(p, "answer from this document only (file name; repeatable)")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--batch", type=Path, help="file with one question (or JSON object) a line")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--server",
        metavar="URL",
        help="answer through this running server (default: one found on port 7860 with the "
        "same index, else in-process)",
    )
    where.add_argument("--local", action="store_true", help="always answer in-process")
    p.add_argument("--key", help="API key for the server (default: COOPQA_API_KEY)")

    sub.add_parser("chat", help="interactive chat in the terminal")

    p = sub.add_parser("facts", help="print the fact table, or check it against the text")
    p.add_argument("action", nargs="?", choices=["check"], help="validate facts.csv, coverage")
    add_doc_option(p, "this document's facts (repeatable)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    p = sub.add_parser("check", help="verify every number in an answer text")
    p.add_argument("text")
    add_doc_option(p, "check against this document's facts (repeatable)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("eval", help="run evaluation sets and write a report")
    try:
        from .evaluate.cli import add_eval_arguments

        add_eval_arguments(p)
    except ImportError:  # evaluation extras missing: keep the rest of the CLI working
        pass

    p = sub.add_parser("serve", help="serve the web chat and the HTTP API")
    from .serve.server import add_serve_arguments  # stdlib-only at import: --help stays fast

    add_serve_arguments(p)

    sub.add_parser("mcp", help="serve the MCP tools (ask, search, facts) on stdin/stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        settings = Settings.from_env()
        return COMMANDS[args.command](args, settings)
    except (CliError, InputError, SettingsError) as exc:
        print(f"coopqa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coopqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `coopqa ... | head`: the reader left; nothing is wrong
        sys.stderr.close()
        return 0
    except Exception as exc:  # one clear line, never a traceback
        from .facts import FactsError
        from .ingest.corpus import CorpusError
        from .ingest.index import IndexUnavailable

        if isinstance(exc, CorpusError | IndexUnavailable | FactsError):
            print(f"coopqa: error: {exc}", file=sys.stderr)
            return 2
        print(f"coopqa: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


# -- commands ------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from .config import EMBEDDING_MODEL
    from .facts import store
    from .ingest.corpus import load_corpus
    from .ingest.index import LazyEmbedder, PassageIndex

    with _progress(None, "reading PDF pages", "page") as tick:
        corpus = load_corpus(args.paths or list(settings.corpus_dirs), progress=tick)
    for warning in corpus.warnings:
        print(f"coopqa: warning: {warning}", file=sys.stderr)
    index = PassageIndex.open(settings, LazyEmbedder(_minilm, EMBEDDING_MODEL), store)
    with _progress(len(corpus.passages), "embedding") as tick:
        report = index.ingest(corpus, progress=tick)
    state = (
        "unchanged" if report.unchanged else f"embedded {report.embedded}, reused {report.reused}"
    )
    print(
        f"indexed {report.passages} passages from {report.documents} document(s) "
        f"into {report.collection} ({state}) in {report.seconds:.2f}s"
    )
    if settings.use_facts:
        began = time.perf_counter()
        built = _narrative_tables(corpus, index, settings)
        if built:
            print(
                f"fact tables of {len(built)} narrative report(s) ready "
                f"in {time.perf_counter() - began:.2f}s: {', '.join(built)}"
            )
    return 0


def _minilm() -> Any:
    from .ingest.embeddings import MiniLMEmbeddings

    return MiniLMEmbeddings()


def _narrative_tables(corpus: Any, index: Any, settings: Settings) -> list[str]:
    """Each narrative report's fact table built and its vectors kept, so that no question waits
    for them; documents with reviewed rows are answered from those instead."""
    from .answer.fact_tables import FactTables, vector_store
    from .facts.overlay import read_rows

    path = Path(settings.facts_path)
    reviewed = frozenset(f.doc for f in read_rows(path)[0]) if path.exists() else frozenset()
    tables = FactTables(
        None, corpus.passages, index.facts(), vector_store(settings.data_dir, index.embedder), True
    )
    return tables.warm(skip=reviewed)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1 or args.k > 50:
        raise CliError("-k must be between 1 and 50")
    requests = list(_requests(args))
    assistant = _assistant(settings)
    for question, history in requests:
        results = assistant.search(question, k=args.k, history=history, docs=args.doc or None)
        rows = [_result_dict(r) for r in results]
        if args.json or args.batch:
            _emit({"question": question, "results": rows})
        else:
            print(f"Q: {question}")
            for i, row in enumerate(rows, 1):
                print(f"\n[{i}] {row['section']} (p. {row['page']}, score {row['score']:.3f})")
                print(f"    {row['text']}")
    return 0


def cmd_passages(args: argparse.Namespace, settings: Settings) -> int:
    """The passages the corpus is read into, straight from the files (PDFs from their cache)."""
    from .ingest.corpus import doc_id_for, iter_corpus_files, load_corpus

    wanted = {doc_id_for(Path(name.strip())) for name in args.doc} or None
    corpus = load_corpus(list(settings.corpus_dirs), only=wanted)
    missing = sorted((wanted or set()) - {d.doc for d in corpus.documents})
    if missing:
        known = ", ".join(doc_id_for(p) for p in iter_corpus_files(settings.corpus_dirs))
        raise CliError(f"no document {', '.join(missing)} in the corpus{known and ': ' + known}")
    for passage in corpus.passages:
        if args.json:
            _emit(
                {
                    "passage_id": passage.passage_id,
                    "doc": passage.doc,
                    "page": passage.page,
                    "section": passage.section,
                    "kind": passage.kind,
                    "text": passage.text,
                    "start": passage.start,
                    "end": passage.end,
                }
            )
            continue
        print(f"[{passage.passage_id}] p. {passage.page} · {passage.section or '(no heading)'}")
        print(f"    {passage.text}\n")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    requests = list(_requests(args))
    server = None if args.local else _server(args, settings)
    if server is not None:
        return _ask_remote(server, requests, args, settings)
    assistant = _assistant(settings)
    for question, history in requests:
        answer = assistant.ask(question, history=history, docs=args.doc or None)
        if args.json or args.batch:
            _emit(answer.to_dict())
        else:
            print(format_answer(answer))
    return 0


def _server(args: argparse.Namespace, settings: Settings) -> str | None:
    from .serve import remote

    try:
        return remote.find_server(settings, args.server, settings.port)
    except remote.RemoteError as exc:
        raise CliError(str(exc)) from exc


def _ask_remote(server: str, requests: list, args: argparse.Namespace, settings: Settings) -> int:
    """The quick path: no model, no index, one HTTP call a question."""
    from .answer import Answer
    from .serve import remote

    key = args.key or settings.api_key
    for question, history in requests:
        try:
            data = remote.ask(server, question, history, key)
        except remote.RemoteError as exc:
            raise CliError(str(exc)) from exc
        if args.json or args.batch:
            _emit(data)
        else:
            print(format_answer(Answer.from_dict(data)))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings)
    history: list[dict[str, str]] = []
    print("coopqa chat — ask about the documents in the corpus. Empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("\nyou> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        try:
            answer = assistant.ask(question, history=history)
        except InputError as exc:
            print(f"coopqa: {exc}")
            continue
        print(format_answer(answer))
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer},
        ]


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from . import facts

    if args.action == "check":
        output, code = facts.cli_facts_check(settings)
    else:
        output, code = facts.cli_facts(
            settings, "json" if args.json else "csv" if args.csv else "text", args.doc
        )
    return _print_result(output, code)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from .answer import verify_report

    if len(args.text) > MAX_CHECK_CHARS:
        raise CliError(f"text is {len(args.text):,} characters; the limit is {MAX_CHECK_CHARS:,}")
    output, code = verify_report.cli_check(args.text, args.json, settings, args.doc)
    return _print_result(output, code)


def _print_result(output: str, code: int) -> int:
    """A command's report on stdout; its one-line "error: ..." on stderr like every other error."""
    if code and output.startswith("error: "):
        print(f"coopqa: {output}", file=sys.stderr)
    else:
        print(output)
    return code


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluate.cli import cli_eval

    return cli_eval(args, settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .serve.server import serve

    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    from .serve.mcp_server import run_stdio

    return run_stdio(settings)


COMMANDS = {
    "ingest": cmd_ingest,
    "passages": cmd_passages,
    "search": cmd_search,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "facts": cmd_facts,
    "check": cmd_check,
    "eval": cmd_eval,
    "serve": cmd_serve,
    "mcp": cmd_mcp,
}


# -- helpers -------------------------------------------------------------------------------------
def _assistant(settings: Settings) -> Any:
    from .chain import Assistant

    return Assistant(settings)


def _requests(args: argparse.Namespace) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(question, history) pairs from the argument or a batch file, each validated."""
    if args.batch is not None:
        if args.question:
            raise CliError("give a question or --batch FILE, not both")
        yield from read_batch(args.batch)
        return
    if args.question is None:
        raise CliError("a question is required (or --batch FILE)")
    yield clean_question(args.question), []


def read_batch(path: Path) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A batch file: one JSON object ({"question", "history"}) or one plain question a line."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BATCH_BYTES + 1)
    except OSError as exc:
        raise CliError(f"{path}: cannot read batch file ({exc.strerror or exc})") from exc
    if len(data) > MAX_BATCH_BYTES:
        raise CliError(f"{path}: batch file is larger than {MAX_BATCH_BYTES // 1_000_000} MB")
    if b"\x00" in data:
        raise CliError(f"{path}: looks binary, not a text batch file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text") from exc
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(_batch_row(line))
        except (InputError, ValueError) as exc:
            raise CliError(f"{path} line {number}: {exc}") from exc
    if not rows:
        raise CliError(f"{path}: no questions in batch file")
    return iter(rows)


def _batch_row(line: str) -> tuple[str, list[dict[str, str]]]:
    if line.lstrip().startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict) or "question" not in obj:
            raise ValueError('a JSON line needs a "question"')
        return clean_question(obj["question"]), clean_history(obj.get("history"))
    return clean_question(line), []


def _result_dict(result: Any) -> dict[str, Any]:
    p = result.passage
    return {
        "passage_id": p.passage_id,
        "doc": p.doc,
        "section": p.section,
        "page": p.page,
        "text": p.text,
        "start": p.start,
        "end": p.end,
        "score": round(result.score, 6),
    }


def _emit(obj: dict[str, Any], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def format_answer(answer: Any) -> str:
    """An Answer for a terminal: the text, the sources, the number checks."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.section}, p. {c.page}: “{c.quote}”")
    marks = [f"{n.text} ({n.status})" for n in answer.numbers]
    if marks:
        lines.append("")
        lines.append("numbers: " + ", ".join(marks))
    for note in answer.corrections:
        lines.append(f"note: {note}")
    return "\n".join(lines)


class _progress:
    """A tqdm bar on a terminal, nothing otherwise."""

    def __init__(self, total: int | None, desc: str, unit: str = "passage") -> None:
        self.total, self.desc, self.unit, self.bar = total, desc, unit, None

    def __enter__(self):  # noqa: ANN204
        if sys.stderr.isatty():
            from tqdm import tqdm

            # Every update drawn: they come a page or a batch at a time, a few a second at most.
            self.bar = tqdm(
                total=self.total, desc=self.desc, unit=self.unit, leave=False, mininterval=0
            )
        # `is not None`: a tqdm of unknown total refuses bool() (it has no length)
        return self.bar.update if self.bar is not None else None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
