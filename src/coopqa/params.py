"""The thresholds and weights of answering, each fitted on the large corpus's `look` part.

`bench/fit.py` chooses every value by measurement and writes it, with the figure it gave and the
values it was compared with, to `fitted.toml` beside this module; a module reads its parameter
once at import (``SCOPE_THRESHOLD = fitted("scope_threshold")``). Nothing is set by hand.
``COOPQA_FITTED`` points at another file: the fitting script's own runs use it.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

FITTED = Path(__file__).with_name("fitted.toml")


class ParamsError(KeyError):
    """A parameter the fitted file does not hold."""


@cache
def _values(path: str) -> dict[str, float]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {name: entry["value"] for name, entry in data.items() if isinstance(entry, dict)}


def fitted(name: str) -> float:
    """The fitted value of one parameter (an int stays an int)."""
    values = _values(os.environ.get("COOPQA_FITTED") or str(FITTED))
    if name not in values:
        raise ParamsError(f"{name!r} is not in the fitted parameters ({FITTED.name})")
    return values[name]
