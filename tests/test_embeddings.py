"""Query embeddings: prefetched texts share one model call and are not encoded again."""

from __future__ import annotations


def test_prefetched_texts_share_a_model_call_and_are_not_encoded_again(embedder):
    from coopqa.embeddings import _batcher

    texts = [
        "Why did the number of dispatched personnel decrease in FY2012?",
        "Why did the number of dispatched personnel   in FY2012?",
    ]
    embedder.clear_cache()
    batcher = _batcher(embedder._model)
    calls = batcher.batches
    embedder.prefetch(texts)
    embedder.prefetch(texts)  # already on its way: not queued twice
    vectors = [embedder.embed_query(t) for t in texts]
    assert batcher.batches - calls == 1
    alone = embedder.embed_documents(texts)
    for a, b in zip(vectors, alone, strict=True):
        assert sum(x * y for x, y in zip(a, b, strict=True)) > 0.9999
    assert embedder.embed_query(texts[1]) is vectors[1]  # cached
    assert batcher.batches - calls == 1


def test_a_question_and_its_premise_check_are_embedded_in_one_call(assistant):
    from coopqa.embeddings import _batcher

    assistant.embedder.clear_cache()
    batcher = _batcher(assistant.embedder._model)
    calls = batcher.batches
    answer = assistant.ask("Why did the number of dispatched personnel decrease in FY2012?")
    assert answer.answer.startswith("It did not decrease")
    assert batcher.batches - calls == 1
