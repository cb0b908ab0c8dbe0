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

from .corpus import Corpus, Passage, fold, split_sentences
from .corpus import Document as SourceDocument
from .text import expand_query, tokenize

RRF_K = 5
DENSE_WEIGHT = 1.0
BM25_WEIGHT = 1.25


@dataclass(frozen=True)
class SearchResult:
    passage: Passage
    score: float


class Searcher(Protocol):
    def search(
        self, query: str, k: int, docs: frozenset[str] | None = None
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
    """BM25 (bm25s) over each passage's heading path and de-hyphenated text."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build

        self.ids = [p.passage_id for p in passages]
        self._model = bm25s.BM25()
        self._model.index([tokenize(p.search_text) or ["_"] for p in passages], show_progress=False)
        self._vocab = set(self._model.vocab_dict)

    def rank(self, query: str) -> list[tuple[str, float]]:
        tokens = [t for t in expand_query(tokenize(query)) if t in self._vocab]
        if not tokens:
            return []
        scores = self._model.get_scores(tokens)
        order = sorted(range(len(self.ids)), key=lambda i: -float(scores[i]))
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]


class HybridSearcher:
    """Dense + BM25 over the passages of the active Chroma collection."""

    def __init__(self, index: Any, mode: str = "hybrid") -> None:
        self.index = index
        self.mode = mode
        self.passages = index.passages()
        self.by_id = {p.passage_id: p for p in self.passages}
        self.bm25 = BM25Ranker(self.passages)

    def search(self, query: str, k: int, docs: frozenset[str] | None = None) -> list[SearchResult]:
        """The k best passages, of the documents in ``docs`` only when it is given."""

        def wanted(pid: str) -> bool:
            # Passages this searcher loaded only: a re-ingest elsewhere may have added new ids.
            return pid in self.by_id and (docs is None or self.by_id[pid].doc in docs)

        rankings: list[tuple[list[str], float]] = []
        if self.mode in ("hybrid", "dense"):
            vector = self.index.embedder.embed_query(query)
            dense = [hit for hit in self.index.dense(vector, len(self.passages)) if wanted(hit[0])]
            if self.mode == "dense":
                return [SearchResult(self.by_id[pid], s) for pid, s in dense[:k]]
            rankings.append(([pid for pid, _ in dense], DENSE_WEIGHT))
        bm25 = [hit for hit in self.bm25.rank(query) if wanted(hit[0])]
        if self.mode == "bm25":
            return [SearchResult(self.by_id[pid], s) for pid, s in bm25[:k]]
        rankings.append(([pid for pid, _ in bm25], BM25_WEIGHT))
        fused = reciprocal_rank_fusion(rankings)
        return [SearchResult(self.by_id[pid], score) for pid, score in fused[:k]]


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
            for i, chunk in enumerate(splitter.create_documents([document.text])):
                start = chunk.metadata["start_index"]
                end = start + len(chunk.page_content)
                chunk.metadata = {"passage": _chunk_passage(document, i, start, end)}
                documents.append(chunk)
        self.store.add_documents(documents)
        self.passages = [d.metadata["passage"] for d in documents]

    def search(self, query: str, k: int, docs: frozenset[str] | None = None) -> list[SearchResult]:
        keep = None if docs is None else (lambda d: d.metadata["passage"].doc in docs)
        hits = self.store.similarity_search_with_score(query, k=k, filter=keep)
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
