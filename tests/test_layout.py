"""The package's layout shows the design (DESIGN.md, "Layout, by example"): a few top-level
modules and five subpackages, each importing only from the layers below it.

Layers, lowest first (imports inside functions count, as in test_module_structure):

    config, params  <  ingest/  <  facts/  <  answer/  <  chain  <  evaluate/  <  serve/  <  cli

- ``config`` and ``params`` are read by every layer and import nothing of ours;
- ``chain`` (the ``Assistant`` pipeline) joins ingest, facts and answer into one call;
- ``evaluate`` runs the pipeline over eval sets; ``serve`` shows evaluation runs in the UI;
- ``cli`` is the shell over everything; ``coopqa/__init__`` loads its names lazily by string.
"""

from __future__ import annotations

import pytest

from .test_module_structure import PACKAGE_DIR, cycles, import_graph

LAYERS = ("config", "params", "ingest", "facts", "answer", "chain", "evaluate", "serve", "cli")
# Units of equal rank may import each other (config and params never do).
RANK = {"config": 0, "params": 0} | {unit: n for n, unit in enumerate(LAYERS[2:], start=1)}
SUBPACKAGES = {"ingest", "facts", "answer", "evaluate", "serve"}
TOP_LEVEL = {"__init__", "config", "params", "chain", "cli"}

pytestmark = pytest.mark.skipif(
    not (PACKAGE_DIR / "ingest").is_dir(),
    reason="the layout is not applied yet (tools/relayout.py)",
)


def unit(module: str) -> str:
    """coopqa.answer.engine -> answer; coopqa.chain -> chain; coopqa -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_imports() -> dict[tuple[str, str], set[str]]:
    """(importing unit, imported unit) -> the module-level edges behind it, across units."""
    edges: dict[tuple[str, str], set[str]] = {}
    for importer, imported in import_graph(import_time_only=False).items():
        for target in imported:
            pair = (unit(importer), unit(target))
            if pair[0] and pair[1] and pair[0] != pair[1]:
                edges.setdefault(pair, set()).add(f"{importer} -> {target}")
    return edges


def test_only_the_allowed_modules_stay_at_the_top():
    flat = {path.stem for path in PACKAGE_DIR.glob("*.py")}
    assert flat == TOP_LEVEL, f"move into a subpackage: {sorted(flat - TOP_LEVEL)}"
    packages = {p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").is_file()}
    assert packages == SUBPACKAGES


def test_every_unit_has_a_layer():
    units = {unit(m) for m in import_graph(import_time_only=False)} - {""}
    assert units <= set(RANK), sorted(units - set(RANK))


def test_each_layer_imports_only_from_layers_below_it():
    upward = {
        pair: sorted(edges)
        for pair, edges in layer_imports().items()
        if RANK[pair[1]] >= RANK[pair[0]]
    }
    assert not upward, "imports against the layer order:\n" + "\n".join(
        f"{a} -> {b}: {', '.join(edges[:4])}" for (a, b), edges in sorted(upward.items())
    )


def test_no_import_cycles_between_subpackages():
    graph: dict[str, set[str]] = {u: set() for u in RANK}
    for importer, imported in layer_imports():
        graph[importer].add(imported)
    assert cycles(graph) == set()
