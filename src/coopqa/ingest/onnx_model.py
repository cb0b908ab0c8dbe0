"""The embedding model run by ONNX Runtime: the same weights, a third of the time per question.

sentence-transformers spends most of a one-question call in PyTorch's per-module Python; the
same graph exported once to ONNX answers in a fraction of it, with vectors equal to within 1e-6.
The export needs torch and onnx and happens once per model file (at ``coopqa ingest`` or the
first start); after that a process loads the ``.onnx`` file and the tokenizer only, never torch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

OPSET = 17
AGREEMENT = 1e-5  # largest difference from sentence-transformers an export may show
PROBES = (
    "A short probe.",
    "A longer probe sentence, with punctuation, numbers like 1,234 and 56.7%, and a second clause.",
)


def cache_dir() -> Path:
    """Where exports live: ``COOPQA_MODEL_CACHE``, else ``$XDG_CACHE_HOME/coopqa``."""
    explicit = os.environ.get("COOPQA_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coopqa"


def export_path(model_dir: Path, name: str, directory: Path | None = None) -> Path:
    """The export of the model in ``model_dir``: named by its files and the runtime version, so
    a new model or library version gets a new export."""
    import onnxruntime

    digest = hashlib.sha256(f"{OPSET}\x1f{onnxruntime.__version__}".encode())
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(model_dir)}\x1f{stat.st_size}".encode())
            if path.suffix == ".json":
                digest.update(path.read_bytes())
    return (directory or cache_dir()) / f"{name}-{digest.hexdigest()[:16]}.onnx"


# Characters in one batch: about one text at the model's 256 tokens, or up to 16 short ones.
# Measured on 1,001 passages of a 10-K (2 cores): a third less CPU than batches of 4,400
# characters and 32 texts (the activations stay in cache), the same vectors to 2e-7.
BUDGET = 1_100
BATCH = 16


class OnnxEncoder:
    """Texts to unit-length mean-pooled vectors, as sentence-transformers computes them."""

    def __init__(self, onnx_file: Path, model_dir: Path, max_length: int, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle model threads sleep rather than spin: the cores are shared with the answer's work.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        pad = self.tokenizer.token_to_id("[PAD]") or 0
        self.tokenizer.enable_padding(pad_id=pad, pad_token="[PAD]")

    def encode(self, texts: list[str], batch_size: int = BATCH) -> Any:
        """Vectors in the order of ``texts``; batches of similar length, as little padding as
        sentence-transformers pads."""
        import numpy as np

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.session.get_outputs()[0].shape[-1]), dtype=np.float32)
        chunk: list[int] = []
        for i in order:
            # Small batches (BUDGET): a long text goes alone, short ones a few together.
            if chunk and (len(chunk) >= batch_size or (len(chunk) + 1) * len(texts[i]) > BUDGET):
                out[chunk] = self._run([texts[j] for j in chunk])
                chunk = []
            chunk.append(i)
        if chunk:
            out[chunk] = self._run([texts[j] for j in chunk])
        return out

    def _run(self, texts: list[str]) -> Any:
        import numpy as np

        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


def export(model: Any, target: Path) -> None:
    """Write ``model`` (a SentenceTransformer) as ONNX to ``target``, atomically: a process that
    reads it sees a whole file or none."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    graph = Pooled(model[0].auto_model).eval()
    sample = model.tokenizer(list(PROBES), padding=True, return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(handle)
    try:
        axes = {0: "batch", 1: "tokens"}
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixed
            torch.onnx.export(
                graph,
                (sample["input_ids"], sample["attention_mask"]),
                tmp,
                input_names=["input_ids", "attention_mask"],
                output_names=["vectors"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "vectors": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def agrees(encoder: OnnxEncoder, model: Any) -> bool:
    """The export gives sentence-transformers' vectors for the probes (and a long text)."""
    import numpy as np

    texts = [*PROBES, " ".join(PROBES * 60)]
    expected = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return float(np.abs(encoder.encode(texts) - expected).max()) <= AGREEMENT
