"""What start-up loads instead of computing (the BM25 index), and the sentence vectors.

The BM25 index is written at ingest beside the passages' collection (``<collection>-bm25``)
before the pointer moves, so it changes in the same atomic step as the passages; an index written
before it existed still works: start-up then builds it. Sentence vectors are not written at
ingest: embedding every sentence of a 200-page report cost as much again as its passages, while a
question scores only its evidence passages' sentences, so those are embedded at the first question
that needs them and kept. Fact tables are not part of the index: the reviewed table's vectors, and
each narrative report's, are kept in files in the data dir, by digest, so a start embeds only facts
that changed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .corpus import Passage, last_heading
from .text import tokenize

SentenceKey = tuple[str, int]


def sentence_texts(passages: Sequence[Passage]) -> tuple[list[SentenceKey], list[str]]:
    """(passage id, sentence number) and the text embedded for it: its heading, then itself."""
    keys, texts = [], []
    for passage in passages:
        heading = last_heading(passage.section)
        for i, sentence in enumerate(passage.sentences):
            keys.append((passage.passage_id, i))
            texts.append(f"{heading}. {sentence.text}")
    return keys, texts


def text_digest(text: str, model_id: str) -> str:
    return hashlib.sha256(f"{model_id}\x1f{text}".encode()).hexdigest()[:16]


class VectorTable:
    """key -> unit vector, held as one float32 matrix (a passage's id, a sentence's key)."""

    def __init__(self, keys: Sequence[Any], matrix: Any) -> None:
        self._rows = {key: row for row, key in enumerate(keys)}
        self.matrix = matrix

    def get(self, key: Any, default: Any = None) -> list[float] | Any:
        row = self._rows.get(key)
        return default if row is None else self.matrix[row].tolist()

    def __getitem__(self, key: Any) -> list[float]:
        return self.matrix[self._rows[key]].tolist()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


def as_matrix(vectors: Any, width: int = 0) -> Any:
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix if matrix.size else np.zeros((0, width), dtype=np.float32)


# A corpus with at most this many sentences has them all ready at start-up (read from the data
# dir, embedded once), so concurrent first questions do not each embed them; a larger one embeds
# a question's evidence sentences at its first need.
WARM_SENTENCES = 3000


class SentenceVectors:
    """Sentence vectors by the text embedded for them, embedded the first time a question's
    evidence holds them and kept for this process (about 1.5 KB a sentence). Concurrent questions
    over the same new passages embed each sentence once: the others wait for it."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self._vectors: dict[str, list[float]] = {}
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def for_passages(self, passages: Sequence[Passage]) -> dict[SentenceKey, list[float]]:
        """(passage id, sentence number) -> vector for every sentence of ``passages``, embedding
        in one batch those not seen before."""
        keys, texts = sentence_texts(passages)
        done = threading.Event()
        with self._lock:
            unseen = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            waiting = {self._pending[t] for t in unseen if t in self._pending}
            mine = [t for t in unseen if t not in self._pending]
            self._pending.update(dict.fromkeys(mine, done))
        try:
            self._embed(mine)
        finally:
            with self._lock:
                for text in mine:
                    self._pending.pop(text, None)
            done.set()
        for event in waiting:
            event.wait()
        with self._lock:
            failed = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        self._embed(failed)  # another thread's embedding failed: embed them here
        with self._lock:
            return {key: self._vectors[text] for key, text in zip(keys, texts, strict=True)}

    def _embed(self, texts: list[str]) -> None:
        if texts:
            self.add(texts, self.embedder.embed_documents(texts))

    def warm(self, passages: Sequence[Passage], path: Path) -> None:
        """Every sentence of a small corpus, from the vectors kept at ``path`` (or embedded once
        and kept there); nothing for a corpus over WARM_SENTENCES sentences."""
        texts = list(dict.fromkeys(sentence_texts(passages)[1]))
        if len(texts) <= WARM_SENTENCES:
            self.add(texts, cached_vectors(path, texts, self.embedder))

    def add(self, texts: Sequence[str], vectors: Sequence[Any]) -> None:
        """Vectors already made for these texts (a small corpus's, read at start-up)."""
        with self._lock:
            self._vectors.update(zip(texts, vectors, strict=True))

    def __len__(self) -> int:
        return len(self._vectors)


# -- vectors of texts that are not in the index (the fact tables' facts) --------------------------
def cached_vectors(path: Path, texts: Sequence[str], embedder: Any) -> list[list[float]]:
    """Vectors of ``texts``, read from the ``.npz`` file at ``path`` by digest; only the texts not
    there are embedded, and the file is then rewritten (atomically; skipped when read-only)."""
    import numpy as np

    digests = [text_digest(t, embedder.model_id) for t in texts]
    known: dict[str, Any] = {}
    try:
        with np.load(path) as stored:
            known = {d: stored[d] for d in stored.files}
    except (OSError, ValueError):
        pass  # none yet, or unreadable: embed
    missing = [i for i, d in enumerate(digests) if d not in known]
    if missing:
        vectors = embedder.embed_documents([texts[i] for i in missing])
        known.update(
            {
                digests[i]: np.asarray(v, dtype=np.float32)
                for i, v in zip(missing, vectors, strict=True)
            }
        )
        _write_npz(path, {d: known[d] for d in dict.fromkeys(digests)})
    return [known[d].tolist() for d in digests]


def _write_npz(path: Path, arrays: dict[str, Any]) -> None:
    import os
    import tempfile

    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data dir: the vectors are computed again next time


# -- vectors an earlier ingest stored -------------------------------------------------------------
def vectors_by_hash(collection: Any | None) -> dict[str, Any]:
    """digest -> vector of the passages an earlier ingest stored in ``collection``."""
    if collection is None:
        return {}
    got = collection.get(include=["metadatas", "embeddings"])
    return {
        meta["hash"]: list(map(float, vector))
        for meta, vector in zip(got["metadatas"], got["embeddings"], strict=True)
    }


# -- BM25 beside the collection -------------------------------------------------------------------
def build_bm25(passages: Sequence[Passage]) -> Any:
    """A bm25s index over each passage's heading path and de-hyphenated text, in this order."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build
    model = bm25s.BM25()
    model.index([tokenize(p.search_text) or ["_"] for p in passages], show_progress=False)
    return model


def encode_bm25(ids: Sequence[str], model: Any) -> str:
    """The index as bm25s saves it (its own files), with the passage ids in its order."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="coopqa-bm25-") as tmp:
        model.save(tmp)
        files = {
            p.name: base64.b64encode(p.read_bytes()).decode("ascii")
            for p in sorted(Path(tmp).iterdir())
        }
    return json.dumps({"ids": list(ids), "files": files})


def decode_bm25(payload: str) -> tuple[list[str], Any]:
    import logging
    import tempfile
    from pathlib import Path

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    data = json.loads(payload)
    with tempfile.TemporaryDirectory(prefix="coopqa-bm25-") as tmp:
        for name, content in data["files"].items():
            (Path(tmp) / Path(name).name).write_bytes(base64.b64decode(content))
        model = bm25s.BM25.load(tmp)
    return data["ids"], model


def write_bm25(client: Any, name: str, passages: Sequence[Passage]) -> None:
    payload = encode_bm25([p.passage_id for p in passages], build_bm25(passages))
    store = client.create_collection(name, embedding_function=None)
    store.add(ids=["bm25"], embeddings=[[0.0]], documents=[payload])  # a record, never searched


def load_bm25(collection: Any | None) -> tuple[list[str], Any] | None:
    """(passage ids, bm25s model) stored at ingest, or None when this index has none."""
    if collection is None:
        return None
    got = collection.get(ids=["bm25"], include=["documents"])
    return decode_bm25(got["documents"][0]) if got["documents"] else None
