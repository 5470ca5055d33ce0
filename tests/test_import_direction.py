"""Data flows one way: ingest -> kg, reasoning -> kg + ingest, queries -> kg; kg imports none.
And no two modules import each other, directly or round a longer cycle.

Every import counts, at module level or inside a function, except those under
`if TYPE_CHECKING:`, which never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).parents[1]
ALLOWED = {
    "kg": set(),
    "ingest": {"kg"},
    "queries": {"kg"},
    "reasoning": {"kg", "ingest"},
}
OURS = set(ALLOWED)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in OURS for path in (ROOT / package).rglob("*.py")}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif not _is_type_checking(node):
            found += _imports(node)
    return found


def _targets(node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The modules of ours an import statement loads (a name imported from a package is
    the submodule of that name when there is one)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] in OURS}
    module = node.module or ""
    if node.level or module.split(".")[0] not in OURS:
        return set()
    return {f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names}


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            graph.add_edges_from((name, target) for target in _targets(node, set(modules)) if target != name)
    return graph


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    bad = sorted(
        f"{module} imports {target}"
        for module, target in _graph().edges
        if module.split(".")[0] == package and target.split(".")[0] not in ALLOWED[package] | {package}
    )
    assert not bad, bad


def test_no_import_cycles() -> None:
    cycles = [" -> ".join([*cycle, cycle[0]]) for cycle in nx.simple_cycles(_graph())]
    assert not cycles, cycles


def test_the_cycle_check_sees_function_level_imports() -> None:
    tree = ast.parse(
        "def f():\n    from reasoning.pipeline import CoReasoner\nif TYPE_CHECKING:\n    import kg.errors\n"
    )
    assert [_targets(node, {"reasoning.pipeline"}) for node in _imports(tree)] == [{"reasoning.pipeline"}]
