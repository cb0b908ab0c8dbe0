"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank, as a LangChain retriever.

The naive baseline of LangChain's tutorial (1000/200 character chunks, dense only, k=4) lives here
too, so every figure can be compared with it in the same run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from ..params import fitted
from .corpus import Corpus, Passage, fold, split_sentences
from .corpus import Document as SourceDocument
from .text import expand_query, tokenize

RRF_K = fitted("rrf_k")
DENSE_WEIGHT = fitted("dense_weight")
BM25_WEIGHT = 1.25


@dataclass(frozen=True)
class SearchResult:
    passage: Passage
    score: float


class Searcher(Protocol):
    def search(
        self, query: str, k: int, docs: frozenset[str] | None = None, vector: Any = None
    ) -> list[SearchResult]: ...


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]], k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse ranked id lists (each with a weight) into one ranking by weighted reciprocal rank."""
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


class BM25Ranker:
    """BM25 (bm25s) over each passage's heading path and de-hyphenated text: the index stored at
    ingest (passage ids in its order, and its model), else one built now."""

    def __init__(self, passages: Sequence[Passage], stored: tuple[list[str], Any] | None = None):
        from .precomputed import build_bm25

        ids = [p.passage_id for p in passages]
        if stored is None or sorted(stored[0]) != sorted(ids):
            stored = (ids, build_bm25(passages))
        self.ids, self._model = stored
        self._vocab = set(self._model.vocab_dict)

    @property
    def vocabulary(self) -> set[str]:
        """Every word of every passage, as ``tokenize`` gives it."""
        return self._vocab - {"", "_"}  # bm25s's empty token and our empty passage's stand-in

    def scores(self, query: str) -> Any | None:
        """Each passage's score (in ``ids`` order), or None when no query word is indexed."""
        tokens = [t for t in expand_query(tokenize(query)) if t in self._vocab]
        return self._model.get_scores(tokens) if tokens else None

    def rank(self, query: str) -> list[tuple[str, float]]:
        scores = self.scores(query)
        if scores is None:
            return []
        order = sorted(range(len(self.ids)), key=lambda i: -float(scores[i]))
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]


def ranked(values: Any, keep: Any) -> Any:
    """Positions where ``keep`` holds, best value first (ties in position order)."""
    import numpy as np

    candidates = np.flatnonzero(keep)
    return candidates[np.argsort(-values[candidates], kind="stable")]


def fused_scores(orders: Sequence[tuple[Any, float]], size: int, k: int = RRF_K) -> Any:
    """Weighted reciprocal rank of each position over several orders (0 where in none)."""
    import numpy as np

    scores = np.zeros(size)
    for order, weight in orders:
        scores[order] += weight / (k + np.arange(len(order)) + 1)
    return scores


class HybridSearcher:
    """Dense + BM25 over the passages of the active Chroma collection, held in memory: the
    passage vectors as one matrix, the BM25 index as ingest stored it."""

    def __init__(self, index: Any, mode: str = "hybrid") -> None:
        import numpy as np

        self.index = index
        self.mode = mode
        snapshot = index.snapshot()
        self.name = snapshot.name
        self.passages = snapshot.passages
        self.by_id = {p.passage_id: p for p in self.passages}
        self.vectors = snapshot.vectors
        self.bm25 = BM25Ranker(self.passages, snapshot.bm25)
        position = {p.passage_id: i for i, p in enumerate(self.passages)}
        self._bm25_order = np.array([position[pid] for pid in self.bm25.ids], dtype=np.int64)
        self._id_rank = np.argsort(np.argsort(np.array([p.passage_id for p in self.passages])))
        self._doc_of = np.array([p.doc for p in self.passages])

    def passage_vectors(self) -> Any:
        from .precomputed import VectorTable

        return VectorTable([p.passage_id for p in self.passages], self.vectors)

    def _bm25_scores(self, query: str) -> Any:
        """BM25 score of each passage, in ``self.passages`` order."""
        import numpy as np

        scores = np.zeros(len(self.passages))
        found = self.bm25.scores(query)
        if found is not None:
            scores[self._bm25_order] = found
        return scores

    def search(
        self, query: str, k: int, docs: frozenset[str] | None = None, vector: Any = None
    ) -> list[SearchResult]:
        """The k best passages, of the documents in ``docs`` only when it is given; ``vector`` is
        the query's embedding when the caller has it already."""
        import numpy as np

        size = len(self.passages)
        wanted = np.ones(size, dtype=bool) if docs is None else np.isin(self._doc_of, list(docs))
        orders: list[tuple[Any, float]] = []
        if self.mode in ("hybrid", "dense"):
            if vector is None:
                vector = self.index.embedder.embed_query(query)
            vector = np.asarray(vector, dtype=np.float32)
            similarity = self.vectors @ vector if size else np.zeros(0)
            dense = ranked(similarity, wanted)
            if self.mode == "dense":
                return [SearchResult(self.passages[i], float(similarity[i])) for i in dense[:k]]
            orders.append((dense, DENSE_WEIGHT))
        bm25 = self._bm25_scores(query)
        sparse = ranked(bm25, wanted & (bm25 > 0))
        if self.mode == "bm25":
            return [SearchResult(self.passages[i], float(bm25[i])) for i in sparse[:k]]
        orders.append((sparse, BM25_WEIGHT))
        fused = fused_scores(orders, size)
        hits = np.flatnonzero(fused > 0)
        best = hits[np.lexsort((self._id_rank[hits], -fused[hits]))][:k]
        return [SearchResult(self.passages[i], float(fused[i])) for i in best]


def vocabulary(searcher: Any) -> set[str]:
    """Every word of the searcher's passages, as ``tokenize`` gives it."""
    bm25 = getattr(searcher, "bm25", None)
    if bm25 is not None:
        return bm25.vocabulary
    return {t for p in searcher.passages for t in tokenize(p.search_text)}


class NaiveSearcher:
    """LangChain's tutorial RAG: 1000/200 character chunks of the raw files, dense only."""

    CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200

    def __init__(self, corpus: Corpus, embedder: Any) -> None:
        from langchain_core.vectorstores import InMemoryVectorStore
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=self.CHUNK_SIZE, chunk_overlap=self.CHUNK_OVERLAP, add_start_index=True
        )
        self.store = InMemoryVectorStore(embedding=embedder)
        documents = []
        for document in corpus.documents:
            # One document a page, as the tutorial's PDF loader gives them: no chunk spans pages.
            offset, chunks = 0, []
            for page in document.text.split("\f"):
                for chunk in splitter.create_documents([page]):
                    chunk.metadata["start_index"] += offset
                    chunks.append(chunk)
                offset += len(page) + 1
            for i, chunk in enumerate(chunks):
                start = chunk.metadata["start_index"]
                end = start + len(chunk.page_content)
                chunk.metadata = {"passage": _chunk_passage(document, i, start, end)}
                documents.append(chunk)
        self.store.add_documents(documents)
        self.passages = [d.metadata["passage"] for d in documents]

    def search(
        self, query: str, k: int, docs: frozenset[str] | None = None, vector: Any = None
    ) -> list[SearchResult]:
        keep = None if docs is None else (lambda d: d.metadata["passage"].doc in docs)
        if vector is None:  # what the tutorial does: embed the query, then search by its vector
            hits = self.store.similarity_search_with_score(query, k=k, filter=keep)
        else:
            hits = self.store.similarity_search_with_score_by_vector(vector, k=k, filter=keep)
        return [SearchResult(doc.metadata["passage"], float(score)) for doc, score in hits]


def _chunk_passage(document: SourceDocument, i: int, start: int, end: int) -> Passage:
    """A baseline chunk as a Passage; its page and section are those of the paragraph it starts in."""
    home = next((p for p in reversed(document.passages) if p.start <= start), document.passages[0])
    text = fold(document.text[start:end])
    return Passage(
        doc=document.doc,
        passage_id=f"{document.doc}:chunk{i:03d}",
        section=home.section,
        page=home.page,
        paragraph=i,
        text=text,
        start=start,
        end=end,
        sentences=split_sentences(document.text, start, end),
        search_text=text,
    )


def to_document(result: SearchResult) -> Document:
    p = result.passage
    return Document(
        page_content=p.text,
        id=p.passage_id,
        metadata={
            "passage_id": p.passage_id,
            "doc": p.doc,
            "section": p.section,
            "page": p.page,
            "start": p.start,
            "end": p.end,
            "score": result.score,
        },
    )


class PassageRetriever(BaseRetriever):
    """A LangChain retriever over any Searcher (hybrid by default)."""

    searcher: Any
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(r) for r in self.searcher.search(query, self.k)]
