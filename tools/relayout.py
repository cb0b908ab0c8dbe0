"""Move coopqa's flat modules into the subpackages of DESIGN.md's layout (issue 21).

Run from a repository root: ``python tools/relayout.py`` (``--dry-run`` prints the plan only).
Standard library only; ``git mv`` keeps each file's history. Afterwards, when ruff is found
(``.venv/bin/ruff`` or on PATH), the import blocks of the rewritten files are re-sorted and
formatted, since a moved module sorts elsewhere.

The layout, lowest first; a unit imports only from units below it (``tests/test_layout.py``):

- ``config``, ``params``: settings and fitted numbers, read by every layer, import nothing of ours;
- ``ingest/``: reading documents (Markdown, text, PDF and its cache), sentences (spaCy), search
  words and the glossary, titles, embeddings, the Chroma index, BM25 and stored vectors, retrieval;
- ``facts/``: numbers read from text, fact model, extraction, tables, units, store, overlay, lookup;
- ``answer/``: reading the question, the engine and its operations, the older answerers
  (``respond`` and its strategies, in ``answer/strategies/``), synthesizers and the LLM, wording,
  citing, the verifier and number checks, follow-ups, input validation;
- ``chain``: the pipeline (``Assistant``): retrieval, facts and answering in one call;
- ``evaluate/``: eval sets, scoring, runs, results, reports, the regression gate;
- ``serve/``: server, REST and OpenAI APIs, MCP, the Gradio UI and its parts, widget, security,
  feedback, remote client, worker processes;
- ``cli``: the command line, over everything.

Only ``__init__``, ``config``, ``params``, ``chain`` and ``cli`` stay at the top: the public
namespace, the two leaf modules every layer reads, the pipeline that joins the layers (importing
it from ``answer/`` would make ``answer`` depend on ``ingest``'s index and the LLM wiring of a
whole run), and the shell over all of it.

What is rewritten, in src/, tests/, bench/, tools/, app.py, pyproject.toml, Makefile, .ci/, README
and docs: every import (relative imports recomputed for the module's new depth, ``from .. import
a, b`` split when a and b now live apart), every dotted ``coopqa.<module>`` string (monkeypatch
targets, ``python -m``, entry points, logger names, README references), ``src/coopqa/<module>.py``
paths, the ``module = "<file>.py"`` keys of fitted.toml, and pyproject's package-data globs.
The script refuses to run twice: it stops when any destination exists or any source is missing.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Old module (under coopqa) -> new module (under coopqa).
MAPPING: dict[str, str] = {
    # ingest: documents read, split and indexed
    "corpus": "ingest.corpus",
    "pdf_layout": "ingest.pdf_layout",
    "pdf_reader": "ingest.pdf_reader",
    "read_cache": "ingest.read_cache",  # hashes corpus/nlp/pdf_* beside it: they move with it
    "nlp": "ingest.nlp",
    "text": "ingest.text",
    "glossary": "ingest.glossary",
    "titles": "ingest.titles",
    "embeddings": "ingest.embeddings",
    "onnx_model": "ingest.onnx_model",
    "index": "ingest.index",
    "precomputed": "ingest.precomputed",
    "retrieve": "ingest.retrieve",
    # facts: numbers and the facts they make
    "numbers": "facts.numbers",
    # answer: the question read, answered, worded, cited and checked
    "question": "answer.asks",  # answer/question.py is the engine's reader already
    "respond": "answer.respond",
    "acronyms": "answer.strategies.acronyms",
    "added": "answer.strategies.added",
    "computed": "answer.strategies.computed",
    "cumulative": "answer.strategies.cumulative",
    "doers": "answer.strategies.doers",
    "more_than": "answer.strategies.more_than",
    "parts": "answer.strategies.parts",
    "premise": "answer.strategies.premise",
    "rows": "answer.strategies.rows",
    "running": "answer.strategies.running",
    "vocabulary": "answer.vocabulary",
    "followup": "answer.followup",
    "language": "answer.language",
    "validation": "answer.validation",
    "overview": "answer.overview",
    "fact_tables": "answer.fact_tables",
    "fact_ranking": "answer.fact_ranking",
    "fact_sources": "answer.fact_sources",
    "sentence_scores": "answer.sentence_scores",
    "synthesize": "answer.synthesize",
    "llm": "answer.llm",
    "wording": "answer.wording",
    "short": "answer.short",
    "citing": "answer.citing",
    "verify": "answer.verify",
    "verify_report": "answer.verify_report",
    "number_checks": "answer.number_checks",
    "counted": "answer.counted",
    "subject": "answer.subject",
    # evaluate: measuring the answers
    "eval_cli": "evaluate.cli",
    "eval_corpus": "evaluate.large_corpus",
    "eval_items": "evaluate.items",
    "eval_results": "evaluate.results",
    "eval_run": "evaluate.run",
    "eval_scoring": "evaluate.scoring",
    "eval_tatqa": "evaluate.tatqa",
    "eval_whole": "evaluate.whole_reports",
    "eval_thresholds": "evaluate.thresholds",
    "report": "evaluate.report",
    # serve: every interface to people and programs
    "server": "serve.server",
    "api": "serve.api",
    "openai_api": "serve.openai_api",
    "mcp_server": "serve.mcp_server",
    "widget": "serve.widget",
    "security": "serve.security",
    "feedback": "serve.feedback",
    "remote": "serve.remote",
    "scaleout": "serve.scaleout",
    "ui": "serve.ui",
    "ui_assets": "serve.ui_assets",
    "ui_eval": "serve.ui_eval",
    "ui_export": "serve.ui_export",
    "ui_facts": "serve.ui_facts",
    "ui_render": "serve.ui_render",
    "ui_state": "serve.ui_state",
}

# Data directories that move with the modules reading them (package-data globs follow).
DIRECTORIES: dict[str, str] = {"static": "serve/static"}

TOP_LEVEL = ("__init__", "config", "params", "chain", "cli")

NEW_PACKAGES: dict[str, str] = {
    "ingest": "Reading the corpus: documents (Markdown, text, PDF) into passages and sentences, "
    "search words,\nthe glossary, embeddings, and the index (Chroma, BM25, stored vectors) "
    "searched by retrieval.",
    "evaluate": "Measuring the answers: eval sets, scoring, runs, results, reports and the "
    "regression gate.",
    "serve": "Every interface: the server, REST and OpenAI-compatible APIs, MCP, the Gradio UI, "
    "the widget,\nsecurity, feedback, the remote client and worker processes.",
    "answer.strategies": "The older answerers' strategies, tried by ``answer.respond`` in turn; "
    "each to become an\noperation of the engine.",
}

PACKAGE = "coopqa"
SRC = Path("src") / PACKAGE
# Strings that name a module by a prefix of its name rather than the whole of it.
PREFIXES = {'"coopqa.eval_"': '"coopqa.evaluate."'}
TEXT_FILES = ("pyproject.toml", "Makefile", "README.md", "app.py")
TEXT_DIRS = ("src", "tests", "bench", "tools", ".ci", "docs", "eval")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".sh", ".yml", ".yaml", ""}
SELF = {Path("tools/relayout.py"), Path("tests/test_layout.py")}


def fail(message: str) -> None:
    print(f"relayout: {message}", file=sys.stderr)
    sys.exit(1)


def module_path(module: str, *, package: bool = False) -> Path:
    parts = module.split(".")
    return (
        SRC.joinpath(*parts, "__init__.py")
        if package
        else SRC.joinpath(*parts[:-1], parts[-1] + ".py")
    )


def check_state() -> None:
    if not SRC.is_dir():
        fail(f"run from the repository root ({SRC} not found)")
    done = [new for new in MAPPING.values() if module_path(new).exists()]
    done += [new for new in DIRECTORIES.values() if (SRC / new).exists()]
    if done:
        fail(f"already moved (these exist: {', '.join(sorted(done)[:5])}…); nothing done")
    missing = [old for old in MAPPING if not module_path(old).exists()]
    missing += [old for old in DIRECTORIES if not (SRC / old).exists()]
    if missing:
        fail(f"sources missing (a partial move?): {', '.join(sorted(missing))}; nothing done")
    flat = {p.stem for p in SRC.glob("*.py")} - set(MAPPING) - set(TOP_LEVEL)
    if flat:
        fail(f"flat modules the mapping does not place: {', '.join(sorted(flat))}; add them")


# ----------------------------------------------------------------------------- names, old and new


def old_modules() -> set[str]:
    """Every module and package of coopqa before the move, dotted, without the 'coopqa.'."""
    out = set()
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        out.add(".".join(parts))
    return out


def new_name(old: str) -> str:
    """The dotted name (under coopqa, '' for the package) of what ``old`` names after the move."""
    head, _, rest = old.partition(".")
    if head in MAPPING:
        return MAPPING[head] + ("." + rest if rest else "")
    return old


def absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module of a from-import, '' for coopqa itself, None outside coopqa."""
    if node.level:
        base = importer.split(".") if importer else []
        keep = len(base) - node.level + (1 if is_package else 0)
        if keep < 0:
            raise ValueError("relative import beyond coopqa")
        base = base[:keep]
        return ".".join(base + ([node.module] if node.module else []))
    module = node.module or ""
    if module == PACKAGE:
        return ""
    if module.startswith(PACKAGE + "."):
        return module[len(PACKAGE) + 1 :]
    return None  # type: ignore[return-value]


def relative(importer_package: list[str], target: list[str]) -> tuple[int, str]:
    """(level, module) reaching ``target`` from a module inside ``importer_package``."""
    common = 0
    while (
        common < len(importer_package)
        and common < len(target)
        and importer_package[common] == target[common]
    ):
        common += 1
    return len(importer_package) - common + 1, ".".join(target[common:])


def alias_text(alias: ast.alias) -> str:
    return alias.name + (f" as {alias.asname}" if alias.asname else "")


def render(indent: str, level: int, module: str, names: list[str]) -> str:
    head = f"from {'.' * level}{module} import "
    line = indent + head + ", ".join(names)
    if len(line) <= 100:
        return line
    body = "".join(f"{indent}    {n},\n" for n in names)
    return f"{indent}{head}(\n{body}{indent})"


def rewrite_imports(
    source: str, old_self: str | None, new_self: str | None, is_package: bool, known: set[str]
) -> str:
    """``source`` with each from-import of coopqa pointing at the new places. ``old_self`` and
    ``new_self`` are the file's own module names (None outside the package: absolute imports)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level and old_self is None:
            continue  # a relative import outside the package: not ours
        target = absolute(old_self or "", is_package, node)
        if target is None:
            continue
        groups: dict[str, list[str]] = {}
        for alias in node.names:
            sub = f"{target}.{alias.name}" if target else alias.name
            if sub in known:  # a module imported by name: it may have moved on its own
                moved = new_name(sub)
                parent = moved.rpartition(".")[0]
                renamed = ast.alias(moved.rpartition(".")[2], alias.asname)
                if renamed.name != alias.name and not alias.asname:
                    renamed.asname = alias.name  # keep the name the code uses
                groups.setdefault(parent, []).append(alias_text(renamed))
            else:
                groups.setdefault(new_name(target), []).append(alias_text(alias))
        line = lines[node.lineno - 1]
        indent = line[: node.col_offset]
        if indent.strip():
            raise ValueError(f"an import not at the start of its line: {line.strip()}")
        original = [alias_text(a) for a in node.names]
        if list(groups) == [target] and groups[target] == original:
            if old_self is None or not node.level or new_self == old_self:
                continue  # nothing it names moved, nor did the file itself
        statements = []
        for module, names in groups.items():
            full = [PACKAGE, *module.split(".")] if module else [PACKAGE]
            if old_self is not None and node.level:
                own = [PACKAGE, *new_self.split(".")] if new_self else [PACKAGE]
                level, rel = relative(own if is_package else own[:-1], full)
                statements.append(render(indent, level, rel, names))
            else:
                statements.append(render(indent, 0, ".".join(full), names))
        edits.append((node.lineno, node.end_lineno, node.end_col_offset, "\n".join(statements)))
    for start, end, end_col, text in sorted(edits, reverse=True):
        tail = lines[end - 1][end_col:]
        lines[start - 1 : end] = [text + tail]
    return "".join(lines)


def rewrite_strings(text: str, suffix: str, name: str) -> str:
    """Dotted ``coopqa.<module>`` names, ``coopqa/<module>.py`` paths, fitted.toml's module keys."""

    def dotted(match: re.Match[str]) -> str:
        head = match.group(1)
        return f"{PACKAGE}.{MAPPING[head]}" if head in MAPPING else match.group(0)

    text = re.sub(rf"(?<![\w.]){PACKAGE}\.([A-Za-z_]\w*)(?![\w])", dotted, text)

    def from_package(match: re.Match[str]) -> str:  # in code held in strings, where ast is blind
        groups: dict[str, list[str]] = {}
        for item in match.group(1).split(","):
            name, _, alias = item.strip().partition(" as ")
            parent, _, leaf = MAPPING.get(name, name).rpartition(".")
            alias = alias or (name if leaf != name else "")
            groups.setdefault(parent, []).append(leaf + (f" as {alias}" if alias else ""))
        return "; ".join(
            f"from {PACKAGE}{'.' + p if p else ''} import {', '.join(n)}" for p, n in groups.items()
        )

    text = re.sub(
        rf"(?<![\w.])from {PACKAGE} import (\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)(?![\w(])",
        from_package,
        text,
    )

    def path(match: re.Match[str]) -> str:
        head = match.group(2)
        if head in MAPPING:
            return f"{match.group(1)}{MAPPING[head].replace('.', '/')}.py"
        return match.group(0)

    text = re.sub(rf"((?<![\w.]){PACKAGE}/)(\w+)\.py\b", path, text)
    for old, new in DIRECTORIES.items():
        text = re.sub(rf"(?<![\w/])(src/{PACKAGE}/){old}\b", rf"\g<1>{new}", text)
    for old, new in PREFIXES.items():
        text = text.replace(old, new)
    if name == "fitted.toml":

        def key(match: re.Match[str]) -> str:
            stem = match.group(2)
            moved = MAPPING[stem].replace(".", "/") + ".py" if stem in MAPPING else stem + ".py"
            return f'{match.group(1)}"{moved}"'

        text = re.sub(r'^(module\s*=\s*)"(\w+)\.py"', key, text, flags=re.M)
    return text


def rewrite_package_data(text: str) -> str:
    """pyproject's ``coopqa = [globs]``: globs under a moved directory go to its new package."""
    section = re.search(r"^\[tool\.setuptools\.package-data\]\n((?:[^\[\n].*\n|\n)*)", text, re.M)
    if not section:
        return text
    body = section.group(1)
    line = re.search(rf"^{PACKAGE}[ \t]*=[ \t]*\[(.*)\][ \t]*$", body, re.M)
    if not line:
        return text
    globs = re.findall(r'"([^"]+)"', line.group(1))
    keep, moved = [], {}
    for glob in globs:
        top = glob.split("/")[0]
        if top in DIRECTORIES:
            where, _, rest = DIRECTORIES[top].rpartition("/")
            package = f"{PACKAGE}.{where.replace('/', '.')}" if where else PACKAGE
            moved.setdefault(package, []).append(f"{rest}/{glob.split('/', 1)[1]}")
        else:
            keep.append(glob)
    if not moved:
        return text
    rows = [f"{PACKAGE} = [{', '.join(f'{chr(34)}{g}{chr(34)}' for g in keep)}]"]
    rows += [
        f'"{p}" = [{", ".join(f"{chr(34)}{g}{chr(34)}" for g in gs)}]' for p, gs in moved.items()
    ]
    new_body = body[: line.start()] + "\n".join(rows) + body[line.end() :]
    return text[: section.start(1)] + new_body + text[section.end(1) :]


# ------------------------------------------------------------------------------------ the move


def text_files() -> list[Path]:
    files = [Path(f) for f in TEXT_FILES if Path(f).is_file()]
    for folder in TEXT_DIRS:
        if Path(folder).is_dir():
            files += [
                p
                for p in sorted(Path(folder).rglob("*"))
                if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
            ]
    tracked = set(
        subprocess.run(
            ["git", "ls-files"], capture_output=True, text=True, check=True
        ).stdout.split("\n")
    )
    return [p for p in dict.fromkeys(files) if str(p) in tracked and p not in SELF]


def run(dry_run: bool) -> None:
    check_state()
    known = old_modules()
    print(f"relayout: {len(MAPPING)} modules, {len(DIRECTORIES)} directories to move")
    # Rewrite first, under the old file names (each file knows its old and new module name).
    changed: list[Path] = []
    for path in text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        out = text
        if path.suffix == ".py":
            if path.is_relative_to(SRC):
                parts = path.relative_to(SRC).with_suffix("").parts
                is_package = parts[-1] == "__init__"
                old_self = ".".join(parts[:-1] if is_package else parts)
                new_self = new_name(old_self)
                out = rewrite_imports(out, old_self, new_self, is_package, known)
            else:
                out = rewrite_imports(out, None, None, False, known)
        out = rewrite_strings(out, path.suffix, path.name)
        if path.name == "pyproject.toml":
            out = rewrite_package_data(out)
        if out != text:
            changed.append(path)
            if not dry_run:
                path.write_text(out, encoding="utf-8")
    for path in changed:
        print(f"  rewrote  {path}")
    if dry_run:
        for old, new in MAPPING.items():
            print(f"  would move {module_path(old)} -> {module_path(new)}")
        print("relayout: dry run, nothing written")
        return
    for package, doc in NEW_PACKAGES.items():
        init = module_path(package, package=True)
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(f'"""{doc}"""\n', encoding="utf-8")
        subprocess.run(["git", "add", str(init)], check=True)
        print(f"  created  {init}")
    for old, new in MAPPING.items():
        subprocess.run(["git", "mv", str(module_path(old)), str(module_path(new))], check=True)
        print(f"  moved    {module_path(old)} -> {module_path(new)}")
    for old, new in DIRECTORIES.items():
        (SRC / new).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", str(SRC / old), str(SRC / new)], check=True)
        print(f"  moved    {SRC / old} -> {SRC / new}")
    tidy([p for p in changed if p.suffix == ".py"] + [module_path(n) for n in MAPPING.values()])
    print("relayout: done; check with `python -c 'import coopqa.cli'`, ruff and the test suite")


def tidy(files: list[Path]) -> None:
    """Re-sort the import blocks (a moved module sorts elsewhere) and format, when ruff is here."""
    ruff = next(
        (r for r in (".venv/bin/ruff", shutil.which("ruff")) if r and Path(r).exists()), None
    )
    files = sorted({str(f) for f in files if f.exists()})
    if not ruff:
        print("relayout: ruff not found; run `ruff check --fix --select I` and `ruff format`")
        return
    subprocess.run([ruff, "check", "--fix", "--select", "I", "--quiet", *files], check=False)
    subprocess.run([ruff, "format", "--quiet", *files], check=False)
    print(f"  sorted imports and formatted {len(files)} files with {ruff}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    run(parser.parse_args().dry_run)


if __name__ == "__main__":
    main()
