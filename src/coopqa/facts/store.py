"""Extracted facts kept with the index: one record per document, keyed by the document's content
hash, in a Chroma collection written in the same ingest step as the passages.

Start-up loads the records instead of extracting again; an unchanged document is never extracted
twice (its record is copied from the previous collection).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Fact

if TYPE_CHECKING:
    from ..ingest.corpus import Document

FACTS_SUFFIX = "-facts"


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A digest of the extractor's own code: a changed extractor extracts every document again."""
    from ..ingest import nlp, text
    from . import extract, model, numbers, table

    digest = hashlib.sha256()
    for module in (extract, model, table, numbers, nlp, text):  # where sentences end, word stems
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


def document_hash(document: Document) -> str:
    payload = f"{extractor_version()}\x1f{document.doc}\x1f{document.text}"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def encode(facts: Iterable[Fact], summary: dict[str, int]) -> str:
    rows = []
    for fact in facts:
        row = asdict(fact)
        row["inputs"] = list(fact.inputs)
        rows.append(row)
    return json.dumps({"facts": rows, "summary": summary}, ensure_ascii=False)


def decode(payload: str) -> tuple[list[Fact], dict[str, int]]:
    data = json.loads(payload)
    facts = [Fact(**(row | {"inputs": tuple(row["inputs"])})) for row in data["facts"]]
    return facts, data.get("summary", {})


def previous_records(collection: Any | None) -> dict[str, str]:
    """hash -> payload of the documents an earlier ingest extracted."""
    if collection is None:
        return {}
    got = collection.get(include=["metadatas", "documents"])
    return {
        meta["hash"]: payload
        for meta, payload in zip(got["metadatas"], got["documents"], strict=True)
    }


def records_for(
    documents: Iterable[Document], known: dict[str, str]
) -> tuple[list[tuple[str, str, str]], int]:
    """(doc, hash, payload) for each document, and how many had to be extracted anew."""
    from .extract import extract_document

    out, extracted = [], 0
    for document in documents:
        digest = document_hash(document)
        payload = known.get(digest)
        if payload is None:
            result = extract_document(document)
            summary = {
                "facts": len(result.facts),
                "skipped_cells": result.skipped_cells,
                "skipped_rows": result.skipped_rows,
            }
            payload = encode(result.facts, summary)
            extracted += 1
        out.append((document.doc, digest, payload))
    return out, extracted


class Records(Mapping):
    """doc -> (facts, summary), each document's record decoded the first time it is read: a
    start does not decode the facts of documents no question reaches."""

    def __init__(self, payloads: dict[str, str]) -> None:
        self._payloads = payloads
        self._decoded: dict[str, tuple[list[Fact], dict[str, int]]] = {}

    def __getitem__(self, doc: str) -> tuple[list[Fact], dict[str, int]]:
        if doc not in self._decoded:  # two threads may both decode: the same result
            self._decoded[doc] = decode(self._payloads[doc])
        return self._decoded[doc]

    def __iter__(self) -> Iterator[str]:
        return iter(self._payloads)

    def __len__(self) -> int:
        return len(self._payloads)


def load_records(collection: Any | None) -> Records:
    """doc -> (facts, summary) from the active index."""
    if collection is None:
        return Records({})
    got = collection.get(include=["metadatas", "documents"])
    return Records(
        {
            meta["doc"]: payload
            for meta, payload in zip(got["metadatas"], got["documents"], strict=True)
        }
    )
