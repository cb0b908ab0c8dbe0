"""The Chroma index of passages: idempotent, interruption-safe ingest and dense search.

Each ingest writes a complete new collection and only then moves a pointer to it, so a failed or
interrupted ingest leaves the previous collection answering. Embeddings of unchanged passages are
copied over by content hash, so re-ingesting an unchanged corpus embeds nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlparse

from ..config import Settings, offline_environment
from .corpus import Corpus, Passage, Sentence

POINTER_SUFFIX = "-pointer"
FACTS_SUFFIX = "-facts"
SENTENCES_SUFFIX = "-sentences"  # written by earlier versions; dropped with their collection
BM25_SUFFIX = "-bm25"
# Collections written beside the passages' own, swapped with it.
BESIDE = (FACTS_SUFFIX, SENTENCES_SUFFIX, BM25_SUFFIX)
SCHEMA_VERSION = "3"

# Index switches made by this process, so an Assistant here answers from them at once instead
# of at its next timed pointer check.
_SWITCHES: list[str] = []


def switches() -> int:
    return len(_SWITCHES)


class IndexUnavailable(RuntimeError):
    """The index is missing, unreachable or unusable; the message says what to do."""


class Embedder(Protocol):
    model_id: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class LazyEmbedder:
    """An Embedder whose model is loaded at its first text: re-ingesting an unchanged corpus
    loads no model at all."""

    def __init__(self, load: Callable[[], Embedder], model_id: str) -> None:
        self._load, self.model_id, self._model = load, model_id, None

    def _get(self) -> Embedder:
        if self._model is None:
            self._model = self._load()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._get().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._get().embed_query(text)


@dataclass(frozen=True)
class IngestReport:
    collection: str
    passages: int
    embedded: int
    reused: int
    documents: int
    seconds: float
    unchanged: bool
    facts: int = 0
    extracted_documents: int = 0
    skipped_cells: int = 0


def make_client(settings: Settings) -> Any:
    """A Chroma client: a server when ``COOPQA_CHROMA_URL`` is set, else embedded under data_dir."""
    offline_environment()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise IndexUnavailable(
                f"COOPQA_CHROMA_URL must look like http://host:port, not {settings.chroma_url!r}"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for an unreachable server
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_url}: {exc}"
            ) from exc
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(settings.data_dir / "chroma"), settings=chroma_settings
    )


class FactStore(Protocol):
    """What ingest keeps beside the passages for each document: ``coopqa.facts.store`` is one.
    The index writes, swaps and loads the records; what they hold is the fact store's business
    (so the index, below the facts, never imports them)."""

    def extractor_version(self) -> str: ...

    def previous_records(self, collection: Any | None) -> dict[str, str]: ...

    def records_for(
        self, documents: Iterable[Any], known: dict[str, str]
    ) -> tuple[list[tuple[str, str, str]], int]: ...

    def decode(self, payload: str) -> tuple[list[Any], dict[str, int]]: ...

    def load_records(self, collection: Any | None) -> Mapping[str, Any]: ...


def corpus_fingerprint(passages: Sequence[Passage], model_id: str, extractor: str = "") -> str:
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\x1f{model_id}\x1f{extractor}".encode())
    for passage in passages:
        digest.update(f"\x1e{passage.passage_id}\x1f{passage.content_hash}".encode())
    return digest.hexdigest()[:16]


def passage_metadata(passage: Passage) -> dict[str, Any]:
    return {
        "doc": passage.doc,
        "section": passage.section,
        "page": passage.page,
        "paragraph": passage.paragraph,
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "sentences": json.dumps([[s.text, s.start, s.end] for s in passage.sentences]),
        "hash": passage.content_hash,
        "kind": passage.kind,
    }


def passage_from_metadata(passage_id: str, document: str, meta: dict[str, Any]) -> Passage:
    return Passage(
        doc=meta["doc"],
        passage_id=passage_id,
        section=meta["section"],
        page=int(meta["page"]),
        paragraph=int(meta["paragraph"]),
        text=meta["text"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        sentences=tuple(Sentence(t, int(a), int(b)) for t, a, b in json.loads(meta["sentences"])),
        search_text=document,
        kind=meta.get("kind", "text"),
    )


@dataclass(frozen=True)
class Snapshot:
    """One active collection as loaded: passages (by document, then paragraph), their vectors as
    one matrix in that order, and the BM25 index ingest stored beside them (None for an older
    index)."""

    name: str
    passages: list[Passage]
    vectors: Any
    bm25: tuple[list[str], Any] | None


class PassageIndex:
    """Passages and their vectors in Chroma, behind a pointer to the active collection, and
    beside them each document's facts when a ``fact_store`` is given."""

    def __init__(
        self, client: Any, name: str, embedder: Embedder, fact_store: FactStore | None = None
    ) -> None:
        self.client = client
        self.name = name
        self.embedder = embedder
        self.fact_store = fact_store

    @classmethod
    def open(
        cls, settings: Settings, embedder: Embedder, fact_store: FactStore | None = None
    ) -> PassageIndex:
        return cls(make_client(settings), settings.collection, embedder, fact_store)

    # -- pointer -------------------------------------------------------------------------------
    def _pointer(self) -> Any:
        return self.client.get_or_create_collection(
            self.name + POINTER_SUFFIX, embedding_function=None, metadata={"active": ""}
        )

    def active_name(self) -> str | None:
        active = (self._pointer().metadata or {}).get("active") or None
        return active

    def _active(self) -> Any | None:
        name = self.active_name()
        if not name:
            return None
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception:  # the pointer names a collection someone deleted
            return None

    # -- ingest --------------------------------------------------------------------------------
    def ingest(self, corpus: Corpus, progress: Callable[[int], None] | None = None) -> IngestReport:
        """Make the index match ``corpus``; embed only passages whose content changed."""
        started = time.perf_counter()
        passages = corpus.passages
        extractor = self.fact_store.extractor_version() if self.fact_store else ""
        fingerprint = corpus_fingerprint(passages, self.embedder.model_id, extractor)
        target = f"{self.name}-{fingerprint}"
        previous = self._active()
        if previous is not None and previous.name == target:
            return IngestReport(
                target,
                len(passages),
                0,
                len(passages),
                len(corpus.documents),
                time.perf_counter() - started,
                unchanged=True,
            )

        from .precomputed import vectors_by_hash

        known = vectors_by_hash(previous)
        missing = [p for p in passages if p.content_hash not in known]
        if progress and len(missing) < len(passages):
            progress(len(passages) - len(missing))  # reused vectors: done already
        fresh = self._embed(missing, progress)
        vectors = [known.get(p.content_hash) or fresh[p.content_hash] for p in passages]

        self._drop(target)  # leftovers of an interrupted run
        collection = self.client.create_collection(
            target,
            embedding_function=None,
            metadata={
                "hnsw:space": "cosine",
                "fingerprint": fingerprint,
                "model": self.embedder.model_id,
            },
        )
        for batch in range(0, len(passages), 256):
            chunk = passages[batch : batch + 256]
            collection.add(
                ids=[p.passage_id for p in chunk],
                embeddings=vectors[batch : batch + 256],
                documents=[p.search_text for p in chunk],
                metadatas=[passage_metadata(p) for p in chunk],
            )
        facts = self._write_facts(target, corpus, previous)
        self._write_bm25(target, passages)
        self._pointer().modify(metadata={"active": target})
        _SWITCHES.append(target)
        if previous is not None:
            self._drop(previous.name)
            for suffix in BESIDE:
                self._drop(previous.name + suffix)
        return IngestReport(
            target,
            len(passages),
            len(missing),
            len(passages) - len(missing),
            len(corpus.documents),
            time.perf_counter() - started,
            unchanged=False,
            **facts,
        )

    def _write_bm25(self, target: str, passages: Sequence[Passage]) -> None:
        """The BM25 index beside the new collection, so start-up does not build it."""
        from .precomputed import write_bm25

        self._drop(target + BM25_SUFFIX)
        write_bm25(self.client, target + BM25_SUFFIX, passages)

    def _write_facts(self, target: str, corpus: Corpus, previous: Any | None) -> dict[str, int]:
        """Each document's extracted facts beside the new collection (reused when unchanged)."""
        store = self.fact_store
        if store is None:
            return {}
        earlier = None
        if previous is not None:
            earlier = self._collection_or_none(previous.name + FACTS_SUFFIX)
        records, extracted = store.records_for(corpus.documents, store.previous_records(earlier))
        self._drop(target + FACTS_SUFFIX)
        collection = self.client.create_collection(target + FACTS_SUFFIX, embedding_function=None)
        collection.add(
            ids=[doc for doc, _, _ in records],
            embeddings=[[0.0] for _ in records],  # a record store: nothing is searched by vector
            documents=[payload for _, _, payload in records],
            metadatas=[{"doc": doc, "hash": digest} for doc, digest, _ in records],
        )
        summaries = [store.decode(payload)[1] for _, _, payload in records]
        return {
            "facts": sum(s.get("facts", 0) for s in summaries),
            "extracted_documents": extracted,
            "skipped_cells": sum(s.get("skipped_cells", 0) for s in summaries),
        }

    def _collection_or_none(self, name: str) -> Any | None:
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception:  # absent: an index from before facts were stored
            return None

    def facts(self) -> Mapping[str, Any]:
        """doc -> (facts, summary) extracted at ingest, for the active collection (none without
        a fact store)."""
        if self.fact_store is None:
            return {}
        name = self.active_name()
        return self.fact_store.load_records(
            self._collection_or_none(name + FACTS_SUFFIX) if name else None
        )

    def _embed(
        self, passages: list[Passage], progress: Callable[[int], None] | None
    ) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        # Texts of like length share a batch, so little of each batch is padding.
        passages = sorted(passages, key=lambda p: len(p.search_text))
        for batch in range(0, len(passages), 16):
            chunk = passages[batch : batch + 16]
            vectors = self.embedder.embed_documents([p.search_text for p in chunk])
            out.update((p.content_hash, v) for p, v in zip(chunk, vectors, strict=True))
            if progress:
                progress(len(chunk))
        return out

    def _drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception:  # absent already: nothing to drop
            pass

    # -- reading -------------------------------------------------------------------------------
    def collection(self) -> Any:
        active = self._active()
        if active is None:
            raise IndexUnavailable("the index is empty: run `coopqa ingest` (or `make run`) first")
        return active

    def passages(self) -> list[Passage]:
        return self.snapshot().passages

    def snapshot(self) -> Snapshot:
        """Everything search needs from the active collection, read once at start-up: passages
        with their vectors, and the BM25 index stored beside them."""
        from .precomputed import as_matrix, load_bm25

        collection = self.collection()
        got = collection.get(include=["metadatas", "documents", "embeddings"])
        rows = sorted(
            zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True),
            key=lambda row: (row[2]["doc"], int(row[2]["paragraph"])),
        )
        return Snapshot(
            name=collection.name,
            passages=[passage_from_metadata(pid, doc, meta) for pid, doc, meta, _ in rows],
            vectors=as_matrix([vector for *_, vector in rows]),
            bm25=load_bm25(self._collection_or_none(collection.name + BM25_SUFFIX)),
        )

    def vectors(self) -> dict[str, list[float]]:
        got = self.collection().get(include=["embeddings"])
        return {
            pid: list(map(float, v)) for pid, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def dense(self, query_vector: list[float], k: int) -> list[tuple[str, float]]:
        """(passage_id, cosine similarity) of the k nearest passages."""
        collection = self.collection()
        n = max(1, min(k, collection.count()))
        got = collection.query(query_embeddings=[query_vector], n_results=n, include=["distances"])
        return [
            (pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)
        ]
