"""Fit every threshold and weight of answering on the large corpus's `look` part.

One pass of coordinate descent over the parameters in `src/coopqa/fitted.toml`, in file order:
each value of a parameter's grid is measured (every other parameter at its current value) and
the best is kept — coopqa's accuracy on `look`, ties to fewer wrong numbers, then to the value
already in use. The file is rewritten after each parameter with the value chosen, every figure
measured and the date, so an interrupted run keeps what it fitted. Each measurement runs in its
own process (`COOPQA_FITTED` points it at a candidate file), so no cache or default argument
keeps an old value.

    python bench/fit.py [--items N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from coopqa.evaluate import large_corpus as eval_corpus  # noqa: E402
from coopqa.params import FITTED  # noqa: E402

DATA = ROOT / ".coopqa" / "large-corpus" / "hybrid"


def measure(items: int) -> dict:
    """coopqa's figures on the first ``items`` of `look` (whole documents), this process's values."""
    from coopqa.chain import Assistant
    from coopqa.config import offline_environment

    offline_environment()
    entries = eval_corpus.sample(eval_corpus.load(ROOT / eval_corpus.DEFAULT_DIR, ["look"]), items)
    folder = ROOT / eval_corpus.DEFAULT_DIR / "docs"
    assistant = Assistant(eval_corpus.settings_for(folder, DATA))
    assistant.ensure_index()
    return eval_corpus.metrics(eval_corpus.ask_all(assistant, entries))


def measured_with(values: dict[str, float], items: int) -> dict:
    """The figures with ``values`` in force, from a fresh process."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as out:
        out.write("".join(f"[{k}]\nvalue = {v!r}\n\n" for k, v in values.items()))
    env = os.environ | {"COOPQA_FITTED": out.name}
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(items)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    os.unlink(out.name)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def rewrite(path: Path, name: str, value: float, figures: list[dict], note: str) -> None:
    """Replace one parameter's entry in the fitted file, keeping the rest as written."""
    text = path.read_text(encoding="utf-8")
    entry = re.compile(rf"^\[{re.escape(name)}\]\n(?:(?!\[).*\n?)*", re.M)
    old = tomllib.loads(text)[name]
    block = (
        f"[{name}]\nvalue = {value!r}\ngrid = {old['grid']!r}\n"
        f"figures = [{', '.join(json.dumps(f) for f in figures)}]\n"
        f'module = "{old["module"]}"\nfitted = "{note}"\n\n'
    )
    block = block.replace('{"', "{ ").replace('": ', " = ").replace(', "', ", ")
    path.write_text(entry.sub(block, text, count=1), encoding="utf-8")


# A value replaces the one in use only when it answers at least this many more items correctly
# (or as many, with fewer wrong numbers): one item is noise, not a mechanism.
MIN_GAIN = 2


def better(figure: dict, best: dict) -> bool:
    gain = figure["correct"] - best["correct"]
    return gain >= MIN_GAIN or (gain >= 0 and figure["wrong_numbers"] < best["wrong_numbers"])


def fit(items: int, only: list[str] | None) -> None:
    params = tomllib.loads(FITTED.read_text(encoding="utf-8"))
    current = {name: entry["value"] for name, entry in params.items()}
    baseline = measured_with(current, items)
    print(f"baseline: accuracy {baseline['accuracy']:.4f}, wrong {baseline['wrong_numbers']}")
    for name, entry in params.items():
        if only and name not in only:
            continue
        began = time.perf_counter()
        figures = []
        best_value, best = current[name], baseline
        for value in entry["grid"]:
            figure = (
                baseline
                if value == current[name]
                else measured_with(current | {name: value}, items)
            )
            figures.append({"value": value, "accuracy": round(figure["accuracy"], 4),
                            "wrong_numbers": figure["wrong_numbers"]})  # fmt: skip
            if better(figure, best):
                best_value, best = value, figure
        current[name], baseline = best_value, best
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        note = f"{stamp}: accuracy {best['accuracy']:.4f} on {best['items']} look items"
        rewrite(FITTED, name, best_value, figures, note)
        print(f"{name}: {best_value!r} ({note}; {time.perf_counter() - began:.0f} s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500, help="look items measured (whole docs)")
    parser.add_argument("--only", nargs="*", help="fit only these parameters")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # one child measurement
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    fit(args.items, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
