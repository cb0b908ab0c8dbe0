"""Read PDFs kept by content, so an unchanged report is not laid out and parsed again.

Entries live in the data dir (``COOPQA_DATA_DIR``, beside the index) under the file's sha256 and
a hash of the reading code's own source: changing the reader or the parser retires old entries.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

_LAYOUT = ("pdf_reader.py", "pdf_layout.py")  # the read text
_READERS = (*_LAYOUT, "corpus.py", "nlp.py")  # the passages parsed from it


def cache_dir() -> Path:
    return Path(os.environ.get("COOPQA_DATA_DIR", ".coopqa")) / "read-pdf"


@lru_cache(maxsize=2)
def code_version(kind: str) -> str:
    """A hash of the modules that make an entry of ``kind``: the layout reader for "text",
    also the parser for "passages"."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _LAYOUT if kind == "text" else _READERS:
        path = here / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    return digest.hexdigest()[:12]


def entry(kind: str, data: bytes, doc: str = "") -> Path:
    """The cache file for ``data`` read as ``kind`` ("text", "passages") under document ``doc``."""
    content = hashlib.sha256(data).hexdigest()[:32]
    return cache_dir() / f"{kind}-{doc or 'any'}-{content}-{code_version(kind)}.gz"


def load(path: Path) -> bytes | None:
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError):  # absent or damaged: read the file again
        return None


def store(path: Path, payload: bytes) -> None:
    """Write atomically; a read-only data dir only means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(gzip.compress(payload, compresslevel=5))
        partial.replace(path)
    except OSError:
        pass
