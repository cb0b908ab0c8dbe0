"""What start-up loads instead of computing: the sentence vectors and the BM25 index.

Both are written at ingest beside the passages' collection (``<collection>-sentences`` and
``<collection>-bm25``) before the pointer moves, so they change in the same atomic step as the
passages. A sentence an earlier ingest embedded (same text, same model) is copied, not embedded.
An index written before these existed still works: start-up then computes them as it used to.
Fact tables are not part of the index: the reviewed table's vectors, and each narrative report's,
are kept in files in the data dir, by digest, so a start embeds only facts that changed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .corpus import Passage, last_heading
from .text import tokenize

BATCH = 1024

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


def sentence_id(key: SentenceKey) -> str:
    return f"{key[0]}#{key[1]}"


def parse_sentence_id(sid: str) -> SentenceKey:
    passage_id, _, number = sid.rpartition("#")
    return passage_id, int(number)


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


def embed_sentences(passages: Sequence[Passage], embedder: Any) -> VectorTable:
    """Every sentence embedded now: for passages no ingest stored vectors for."""
    keys, texts = sentence_texts(passages)
    return VectorTable(keys, as_matrix(embedder.embed_documents(texts) if texts else []))


def sentence_table(searcher: Any, embedder: Any) -> VectorTable:
    """The searcher's sentence vectors as ingest stored them; embedded now only for the
    baseline's chunks or an index written before they were stored."""
    stored = getattr(searcher, "sentence_vectors", None)
    return stored if stored is not None else embed_sentences(searcher.passages, embedder)


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


# -- sentences beside the collection -------------------------------------------------------------
def vectors_by_hash(collection: Any | None) -> dict[str, Any]:
    """digest -> vector of what an earlier ingest stored in ``collection`` (passages, sentences)."""
    if collection is None:
        return {}
    got = collection.get(include=["metadatas", "embeddings"])
    return {
        meta["hash"]: list(map(float, vector))
        for meta, vector in zip(got["metadatas"], got["embeddings"], strict=True)
    }


def write_sentences(
    client: Any, name: str, passages: Sequence[Passage], embedder: Any, previous: Any | None
) -> int:
    """Store every sentence's vector in collection ``name``; return how many were embedded anew."""
    keys, texts = sentence_texts(passages)
    digests = [text_digest(t, embedder.model_id) for t in texts]
    known = vectors_by_hash(previous)
    missing = list(dict.fromkeys(d for d in digests if d not in known))
    by_digest = dict(zip(digests, texts, strict=True))
    missing.sort(key=lambda d: len(by_digest[d]))  # like lengths batched: little padding
    for start in range(0, len(missing), 64):
        chunk = missing[start : start + 64]
        vectors = embedder.embed_documents([by_digest[d] for d in chunk])
        known.update(zip(chunk, vectors, strict=True))
    collection = client.create_collection(
        name, embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    for start in range(0, len(keys), BATCH):
        part = slice(start, start + BATCH)
        collection.add(
            ids=[sentence_id(k) for k in keys[part]],
            embeddings=[known[d] for d in digests[part]],
            metadatas=[{"hash": d} for d in digests[part]],
        )
    return len(missing)


def load_sentences(collection: Any | None) -> VectorTable | None:
    """The stored sentence vectors, or None when this index has none (written before them)."""
    if collection is None:
        return None
    got = collection.get(include=["embeddings"])
    keys = [parse_sentence_id(sid) for sid in got["ids"]]
    return VectorTable(keys, as_matrix(got["embeddings"]))


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
