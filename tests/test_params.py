"""Every threshold and weight of answering comes from src/coopqa/fitted.toml, written by
bench/fit.py with the figures that chose it: none is set by hand."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from coopqa.params import FITTED, ParamsError, fitted

SRC = Path(__file__).resolve().parents[1] / "src" / "coopqa"
ENTRIES = tomllib.loads(FITTED.read_text(encoding="utf-8"))


def test_every_parameter_the_code_reads_is_fitted_with_its_figures() -> None:
    read = {
        name
        for path in SRC.rglob("*.py")
        for name in re.findall(r"\bfitted\(\s*\"([a-z_]+)\"\s*\)", path.read_text(encoding="utf-8"))
    }
    assert read and read == set(ENTRIES)
    for name, entry in ENTRIES.items():
        assert (SRC / entry["module"]).is_file(), name
        assert entry["value"] in entry["grid"] or not entry["figures"], name
        measured = {f["value"] for f in entry["figures"]}
        assert measured == set(entry["grid"]), f"{name}: not every value of its grid measured"
        in_use = next(f for f in entry["figures"] if f["value"] == entry["value"])
        best = max(f["accuracy"] for f in entry["figures"])
        assert best - in_use["accuracy"] < 0.01, f"{name}: a value measured far better is unused"


def test_another_file_can_be_put_in_force_for_a_measurement(tmp_path, monkeypatch) -> None:
    other = tmp_path / "candidate.toml"
    other.write_text("[min_row_coverage]\nvalue = 0.25\n", encoding="utf-8")
    monkeypatch.setenv("COOPQA_FITTED", str(other))
    assert fitted("min_row_coverage") == 0.25
    with pytest.raises(ParamsError):
        fitted("scope_threshold")
