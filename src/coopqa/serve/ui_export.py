"""Exports of a chat conversation (Markdown for people, JSON in the API's shape), written to a
per-process folder that is pruned as it goes and removed at exit."""

import atexit
import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..answer import Answer
from ..ingest.titles import title_of
from .ui_state import cited_docs, export_name


def conversation_markdown(
    turns: Sequence[dict[str, Any]], titles: dict[str, str] | None = None
) -> str:
    """A conversation as Markdown: each question, its answer and its numbered sources (by
    document title, section and page: no internal ids)."""
    lines = ["# coopqa conversation", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## {i}. {turn['question']}", ""]
        data = turn.get("answer")
        if data is None:
            lines += [f"_Error: {turn.get('error') or 'no answer'}_", ""]
            continue
        answer = Answer.from_dict(data)
        prefix = "_Not answered by the documents._ " if answer.abstained else ""
        lines += [prefix + answer.answer, ""]
        for c in answer.citations:
            where = ", ".join(x for x in (title_of(c.doc, titles), c.section) if x)
            lines.append(f'- [{c.n}] {where}, page {c.page}: "{c.quote}"')
        for n in answer.numbers:
            if n.status not in ("verified", "derived"):
                lines.append(f"- number {n.text}: {n.status}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def conversation_json(turns: Sequence[dict[str, Any]], titles: dict[str, str] | None = None) -> str:
    """A conversation as JSON: a list of {id, question, answer (the Answer shape) or error}, and
    the title of each document cited."""
    items = [
        {"id": t.get("id"), "question": t["question"], "answer": t.get("answer")}
        | {"error": t.get("error")}
        for t in turns
    ]
    cited = cited_docs(turns)
    documents = {doc: title_of(doc, titles) for doc in cited}
    return json.dumps({"conversation": items, "documents": documents}, ensure_ascii=False, indent=2)


EXPORT_TTL_S = 600  # an export only has to live until the browser has fetched it


def export_root() -> Path:
    """This process's export folder; removed at exit, its old exports pruned at each export."""
    root = Path(tempfile.gettempdir()) / f"coopqa-exports-{os.getpid()}"
    if not root.exists():
        root.mkdir(mode=0o700)
        atexit.register(shutil.rmtree, root, True)
    return root


def prune_exports(root: Path, max_age_s: float = EXPORT_TTL_S) -> None:
    cutoff = time.time() - max_age_s
    for folder in root.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def write_export(
    turns: Sequence[dict[str, Any]],
    fmt: str,
    root: Path | None = None,
    titles: dict[str, str] | None = None,
) -> str | None:
    """Write the conversation to a dated file in this process's export folder; None when empty."""
    if not turns:
        return None
    root = root or export_root()
    prune_exports(root)
    path = Path(tempfile.mkdtemp(prefix="export-", dir=root)) / export_name(turns, fmt)
    text = (conversation_json if fmt == "json" else conversation_markdown)(turns, titles)
    path.write_text(text, encoding="utf-8")
    return str(path)
