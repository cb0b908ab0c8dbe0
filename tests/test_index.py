"""The Chroma index, embedded and on a real `chroma run` server: idempotent, safe, searchable."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coopqa.facts import store
from coopqa.ingest.corpus import Corpus, Document
from coopqa.ingest.index import PassageIndex
from coopqa.ingest.retrieve import HybridSearcher


@pytest.fixture(params=["embedded", "server"])
def index_settings(request, settings):
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        return settings.with_(chroma_url=url, collection=f"t{abs(hash(request.node.name)) % 10**8}")
    return settings


def _edited(corpus: Corpus, passage_no: int, new_text: str) -> Corpus:
    doc = corpus.documents[0]
    passages = list(doc.passages)
    passages[passage_no] = replace(passages[passage_no], search_text=new_text, text=new_text)
    return Corpus(documents=(Document(doc.doc, doc.path, doc.text, tuple(passages)),))


def test_ingest_is_idempotent_and_embeds_only_changes(index_settings, corpus, embedder):
    index = PassageIndex.open(index_settings, embedder, store)
    first = index.ingest(corpus)
    assert (first.embedded, first.unchanged) == (len(corpus.passages), False)
    again = index.ingest(corpus)
    assert (again.embedded, again.unchanged) == (0, True)
    assert again.collection == first.collection
    changed = index.ingest(_edited(corpus, 3, "An edited paragraph about dispatches."))
    assert changed.embedded == 1 and changed.reused == len(corpus.passages) - 1
    assert len(index.passages()) == len(corpus.passages)


class _FailingEmbedder:
    """The real model, failing after the first batch: an ingest interrupted part-way."""

    def __init__(self, real):
        self.real, self.model_id, self.calls = real, real.model_id, 0

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("interrupted")
        return self.real.embed_documents(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


def test_a_failed_ingest_leaves_the_previous_index_answering(index_settings, corpus, embedder):
    PassageIndex.open(index_settings, embedder, store).ingest(corpus)
    broken = PassageIndex.open(index_settings, _FailingEmbedder(embedder), store)
    edited = corpus
    for n in range(len(corpus.passages)):  # two embedding batches: the second one fails
        edited = _edited(edited, n, f"Rewritten paragraph number {n}.")
    with pytest.raises(RuntimeError, match="interrupted"):
        broken.ingest(edited)
    index = PassageIndex.open(index_settings, embedder, store)
    passages = index.passages()
    assert [p.text for p in passages] == [p.text for p in corpus.passages]
    top = HybridSearcher(index).search("How many persons were dispatched at the end of FY2012?", 1)
    assert "424" in top[0].passage.text


def test_search_finds_the_passage_on_either_backend(index_settings, corpus, embedder):
    index = PassageIndex.open(index_settings, embedder, store)
    index.ingest(corpus)
    searcher = HybridSearcher(index)
    top = searcher.search("Who attended the symposium on selecting promising senior officials?", 3)
    assert any("over 120 people attended" in r.passage.text for r in top)
    assert (
        HybridSearcher(index, "dense").search("Mansfield fellows homestay", 1)[0].passage.page == 5
    )


def test_an_unreachable_chroma_server_is_a_clear_error(settings, embedder):
    from coopqa.ingest.index import IndexUnavailable

    with pytest.raises(
        IndexUnavailable, match="cannot reach the Chroma server at http://127.0.0.1:9"
    ):
        PassageIndex.open(
            settings.with_(chroma_url="http://127.0.0.1:9"), embedder, store
        ).passages()
    with pytest.raises(IndexUnavailable, match="must look like http://host:port"):
        PassageIndex.open(settings.with_(chroma_url="127.0.0.1:9"), embedder, store)


def test_a_running_assistant_answers_from_a_new_ingest(settings, corpus, embedder):
    from coopqa.chain import Assistant
    from coopqa.ingest.corpus import parse_text

    assistant = Assistant(settings.with_(retrieval_mode="dense"), embedder=embedder)
    assert (
        assistant.search("Mansfield fellows homestay", 1)[0].passage.doc
        == "npa-annual-report-ch8-international-cooperation"
    )
    note = parse_text("note", "# Note\n\nThe NPA hosted 12 visitors from Laos.\n", markdown=True)
    PassageIndex.open(settings, embedder, store).ingest(Corpus(documents=(*corpus.documents, note)))
    assert assistant.search("How many visitors came from Laos?", 1)[0].passage.doc == "note"


def test_a_lazy_embedder_loads_its_model_only_for_a_text_to_embed():
    from coopqa.ingest.index import LazyEmbedder

    loads: list[int] = []

    class Model:
        model_id = "m"

        def embed_documents(self, texts):
            return [[float(len(t))] for t in texts]

        def embed_query(self, text):
            return [float(len(text))]

    lazy = LazyEmbedder(lambda: loads.append(1) or Model(), "m")
    assert lazy.model_id == "m" and loads == []
    assert lazy.embed_documents(["ab"]) == [[2.0]] and lazy.embed_query("abc") == [3.0]
    assert loads == [1]
