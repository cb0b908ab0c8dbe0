"""The package's shape: no import cycles between its modules, and no module grown too long.

The import graph is read from each file's ``ast``: imports at module level (run when the module is
imported) and imports inside functions (run later, the pattern that keeps the CLI fast) alike.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "coopqa"
PACKAGE = "coopqa"
MAX_MODULE_LINES = 600

# Modules still over MAX_MODULE_LINES, each to be split; remove an entry once its module is.
KNOWN_LONG_MODULES: frozenset[str] = frozenset()

# Cycles made only by imports inside functions, not yet untangled; remove one once it is.
KNOWN_FUNCTION_LEVEL_CYCLES = frozenset(
    {
        frozenset({"coopqa.ingest.glossary", "coopqa.ingest.text"}),
        frozenset({"coopqa.serve.mcp_server", "coopqa.serve.scaleout", "coopqa.serve.server"}),
    }
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def imported_names(node: ast.ImportFrom, importer: str, is_package: bool) -> Iterator[str]:
    """Absolute module names an ``import``-from statement may refer to (a module or a name)."""
    if node.level:
        base = importer.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if node.module or not node.level:
        yield target  # "from . import x" names modules, not the package's __init__
    for alias in node.names:
        yield f"{target}.{alias.name}"


def absolute_imports(node: ast.Import) -> Iterator[str]:
    for alias in node.names:
        yield alias.name


def module_imports(path: Path, name: str, *, import_time_only: bool) -> set[str]:
    """Names a module imports; with ``import_time_only`` the imports inside functions are left out."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if not (import_time_only and in_function):
                if isinstance(child, ast.ImportFrom):
                    found.update(imported_names(child, name, is_package))
                elif isinstance(child, ast.Import):
                    found.update(absolute_imports(child))
            visit(child, nested)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def import_graph(*, import_time_only: bool) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a name imported from a module counts once)."""
    modules = package_modules()
    graph = {}
    for name, path in modules.items():
        names = module_imports(path, name, import_time_only=import_time_only)
        graph[name] = {n for n in names if n in modules and n != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return found


def test_the_graph_sees_both_kinds_of_import() -> None:
    graph = import_graph(import_time_only=False)
    assert "coopqa.evaluate.results" in graph["coopqa.evaluate.report"]  # module level
    assert "coopqa.evaluate.report" in graph["coopqa.evaluate.run"]  # inside run_eval
    assert (
        "coopqa.evaluate.report" not in import_graph(import_time_only=True)["coopqa.evaluate.run"]
    )


def test_no_import_cycle_among_module_level_imports() -> None:
    assert cycles(import_graph(import_time_only=True)) == set()


def test_evaluation_and_report_import_one_way() -> None:
    graph = import_graph(import_time_only=False)
    evaluation = {m for m in graph if m.startswith("coopqa.evaluate.")}
    assert evaluation, "no coopqa.eval_* modules found"
    for cycle in cycles(graph):
        assert not cycle & (evaluation | {"coopqa.evaluate.report"}), sorted(cycle)
    assert not graph["coopqa.evaluate.report"] & {"coopqa.evaluate.run", "coopqa.evaluate.cli"}


def test_no_new_import_cycle_even_inside_functions() -> None:
    found = cycles(import_graph(import_time_only=False))
    new = found - KNOWN_FUNCTION_LEVEL_CYCLES
    assert not new, f"new import cycles: {[sorted(c) for c in new]}"
    gone = KNOWN_FUNCTION_LEVEL_CYCLES - found
    assert not gone, f"no longer cycles, remove from the list: {[sorted(c) for c in gone]}"


def test_no_module_over_the_line_limit() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in package_modules().items()
    }
    long = {name for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    new = {name: lengths[name] for name in long - KNOWN_LONG_MODULES}
    assert not new, f"modules over {MAX_MODULE_LINES} lines: {new}"
    short_now = KNOWN_LONG_MODULES - long
    assert not short_now, f"within the limit now, remove from the list: {sorted(short_now)}"
