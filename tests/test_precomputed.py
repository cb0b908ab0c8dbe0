"""The BM25 index is computed once, at ingest, and loaded at start-up; sentence vectors are
embedded at the first question whose evidence holds them, and kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from coopqa.facts import store
from coopqa.ingest.corpus import Corpus, Document, Sentence
from coopqa.ingest.index import BM25_SUFFIX, PassageIndex
from coopqa.ingest.precomputed import SentenceVectors, build_bm25, sentence_texts
from coopqa.ingest.retrieve import BM25Ranker, HybridSearcher, reciprocal_rank_fusion

QUESTIONS = (
    "How many persons were dispatched at the end of FY2012?",
    "Who attended the symposium on selecting promising senior officials?",
    "Mansfield fellows homestay",
    "When did the seminar for senior officials start?",
)


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed as documents."""

    def __init__(self, real):
        self.real, self.model_id = real, real.model_id
        self.documents = 0

    def embed_documents(self, texts):
        self.documents += len(texts)
        return self.real.embed_documents(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


@pytest.fixture
def counting(embedder):
    return CountingEmbedder(embedder)


@pytest.fixture
def bm25_builds(monkeypatch):
    """How many BM25 indexes were built (the real bm25s build, counted)."""
    import coopqa.ingest.precomputed as precomputed

    calls = []

    def counted(passages):
        calls.append(len(passages))
        return build_bm25(passages)

    monkeypatch.setattr(precomputed, "build_bm25", counted)
    return calls


def _edited(corpus: Corpus, passage_no: int, new_text: str) -> Corpus:
    doc = corpus.documents[0]
    passages = list(doc.passages)
    old = passages[passage_no]
    sentence = Sentence(new_text, old.start, old.start + len(new_text))
    passages[passage_no] = replace(old, search_text=new_text, text=new_text, sentences=(sentence,))
    return Corpus(documents=(Document(doc.doc, doc.path, doc.text, tuple(passages)),))


def test_ingest_embeds_passages_only_and_a_small_corpus_sentences_once_at_start_up(
    settings, corpus, counting, bm25_builds
):
    from coopqa.chain import Assistant

    report = PassageIndex.open(settings, counting, store).ingest(corpus)
    assert counting.documents == report.embedded == len(corpus.passages)  # no sentence
    assert bm25_builds == [len(corpus.passages)]
    counting.documents, bm25_builds[:] = 0, []
    assistant = Assistant(settings.with_(use_facts=False), embedder=counting)
    sentences = len(set(sentence_texts(corpus.passages)[1]))
    assert (counting.documents, bm25_builds) == (sentences, [])  # each sentence once
    counting.documents = 0
    assistant = Assistant(settings.with_(use_facts=False), embedder=counting)
    assert counting.documents == 0  # read back from the data dir
    answer = assistant.ask("Who attended the symposium on selecting promising senior officials?")
    assert "120" in answer.answer and counting.documents == 0


def test_a_large_corpus_embeds_a_questions_evidence_sentences_at_first_need(
    settings, corpus, counting, monkeypatch
):
    from coopqa.chain import Assistant
    from coopqa.ingest import precomputed

    monkeypatch.setattr(precomputed, "WARM_SENTENCES", 0)  # as if the corpus were larger than that
    PassageIndex.open(settings, counting, store).ingest(corpus)
    counting.documents = 0
    assistant = Assistant(settings.with_(use_facts=False), embedder=counting)
    assert counting.documents == 0
    question = "Who attended the symposium on selecting promising senior officials?"
    answer = assistant.ask(question)
    assert "120" in answer.answer
    # the first question embeds its evidence passages' sentences, a handful, not the corpus's
    asked = counting.documents
    assert 0 < asked == len(assistant._sentence_vectors) < len(sentence_texts(corpus.passages)[0])
    assert assistant.ask(question).answer == answer.answer and counting.documents == asked


def test_re_ingesting_an_unchanged_corpus_computes_nothing(settings, corpus, counting, bm25_builds):
    index = PassageIndex.open(settings, counting, store)
    index.ingest(corpus)
    counting.documents, bm25_builds[:] = 0, []
    again = index.ingest(corpus)
    assert again.unchanged and (counting.documents, bm25_builds) == (0, [])


def test_a_changed_passage_embeds_only_itself(settings, corpus, counting):
    index = PassageIndex.open(settings, counting, store)
    first = index.ingest(corpus)
    counting.documents = 0
    changed = index.ingest(_edited(corpus, 3, "An edited paragraph about dispatches."))
    assert (changed.embedded, counting.documents) == (1, 1)  # nothing else is embedded again
    names = {c.name for c in index.client.list_collections()}
    assert first.collection + BM25_SUFFIX not in names  # the old one went with the old
    assert changed.collection + BM25_SUFFIX in names


def test_sentence_vectors_and_stored_bm25_equal_those_computed_at_once(
    settings, corpus, embedder, counting
):
    index = PassageIndex.open(settings, embedder, store)
    index.ingest(corpus)
    snapshot = index.snapshot()
    keys, texts = sentence_texts(snapshot.passages)
    at_once = dict(zip(keys, embedder.embed_documents(texts), strict=True))
    lazy = SentenceVectors(counting)
    got = {}
    for passage in snapshot.passages:  # one passage at a time, as questions reach them
        got.update(lazy.for_passages([passage]))
    assert list(got) == keys and counting.documents == len(set(texts))
    assert np.allclose([got[k] for k in keys], [at_once[k] for k in keys], atol=1e-5)
    lazy.for_passages(snapshot.passages[:3])
    assert counting.documents == len(set(texts))  # kept: never embedded twice
    stored, built = BM25Ranker(snapshot.passages, snapshot.bm25), BM25Ranker(snapshot.passages)
    for question in QUESTIONS:
        assert stored.rank(question) == built.rank(question)
    assert stored.vocabulary and stored.vocabulary == built.vocabulary


@pytest.mark.parametrize(
    "docs", [None, frozenset({"npa-annual-report-ch8-international-cooperation"})]
)
def test_in_memory_search_ranks_as_chroma_and_rank_fusion_do(settings, corpus, embedder, docs):
    """The matrix search gives the ranking the Chroma query and the fusion of id lists give."""
    from coopqa.ingest.corpus import parse_text

    note = parse_text("note", "# Note\n\nThe NPA hosted 12 visitors from Laos.\n", markdown=True)
    index = PassageIndex.open(settings, embedder, store)
    index.ingest(Corpus(documents=(*corpus.documents, note)))
    searcher = HybridSearcher(index)
    keep = (lambda pid: searcher.by_id[pid].doc in docs) if docs else (lambda pid: True)
    for question in (*QUESTIONS, "How many visitors came from Laos?"):
        dense = [pid for pid, _ in index.dense(embedder.embed_query(question), 200) if keep(pid)]
        sparse = [pid for pid, _ in searcher.bm25.rank(question) if keep(pid)]
        fused = reciprocal_rank_fusion([(dense, 1.0), (sparse, 1.25)])[:5]
        got = searcher.search(question, 5, docs)
        assert [r.passage.passage_id for r in got] == [pid for pid, _ in fused]
        assert [r.score for r in got] == pytest.approx([s for _, s in fused])
        top = HybridSearcher(index, "dense").search(question, 3, docs)
        assert [r.passage.passage_id for r in top] == dense[:3]


def test_an_index_without_stored_bm25_still_starts(settings, corpus, counting, bm25_builds):
    """An index written before the BM25 index was stored: start-up builds it."""
    from coopqa.chain import Assistant

    index = PassageIndex.open(settings, counting, store)
    name = index.ingest(corpus).collection
    index.client.delete_collection(name + BM25_SUFFIX)
    bm25_builds[:] = []
    assistant = Assistant(settings.with_(use_facts=False), embedder=counting)
    assert bm25_builds == [len(corpus.passages)]
    answer = assistant.ask("Who attended the symposium on selecting promising senior officials?")
    assert "120" in answer.answer


def test_vectors_of_texts_outside_the_index_are_kept_by_digest(counting, tmp_path):
    from coopqa.ingest.precomputed import cached_vectors

    path = tmp_path / "data" / "vectors.npz"
    texts = ["Net sales: 2019 total. Net sales rose.", "Headcount: 2018. Staff fell."]
    first = cached_vectors(path, texts, counting)
    assert counting.documents == 2 and path.exists()
    assert cached_vectors(path, texts, counting) == first and counting.documents == 2
    changed = cached_vectors(path, [texts[0], "Headcount: 2019. Staff rose."], counting)
    assert counting.documents == 3 and changed[0] == first[0]  # only the new text embedded
    assert np.allclose(
        changed[1], counting.real.embed_documents(["Headcount: 2019. Staff rose."])[0]
    )
    path.write_bytes(b"damaged")
    assert np.allclose(cached_vectors(path, texts, counting), first)  # embedded again, no error
    assert counting.documents == 5


def test_a_data_dir_that_cannot_be_written_still_gets_the_vectors(counting, tmp_path):
    from coopqa.ingest.precomputed import cached_vectors

    blocked = tmp_path / "a-file"  # a file where the directory would be: no write can succeed
    blocked.write_text("")
    vectors = cached_vectors(blocked / "vectors.npz", ["One text."], counting)
    assert len(vectors) == 1 and len(vectors[0]) == 384
    assert counting.documents == 1
