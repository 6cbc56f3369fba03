"""The package's structure: its import graph has no circles (every ``stance`` import, at the top
of a module or inside a function, is an edge, so a module never reaches back up to one that
imports it), and its docstring maps every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import stance

PACKAGE = Path(stance.__file__).parent


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports (anywhere in its code)."""
    modules = {path.stem for path in package.glob("*.py")}
    graph = {}
    for path in sorted(package.glob("*.py")):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "stance":
                imported |= {alias.name for alias in node.names if alias.name in modules}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stance."):
                imported.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                imported |= {
                    alias.name.split(".")[1]
                    for alias in node.names
                    if alias.name.startswith("stance.")
                }
        graph[path.stem] = imported - {path.stem}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph as a path (first module repeated at the end), or ``None``."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_the_package_has_no_import_circles() -> None:
    found = cycle(import_graph())
    assert found is None, "import circle: " + " -> ".join(found or [])


def test_the_circle_finder_finds_a_circle_inside_functions_too(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from stance import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from stance.c import g\n")
    (tmp_path / "c.py").write_text("import stance.a\n")
    assert cycle(import_graph(tmp_path)) == ["a", "b", "c", "a"]
    (tmp_path / "c.py").write_text("")
    assert cycle(import_graph(tmp_path)) is None


def test_the_package_docstring_maps_every_module() -> None:
    named = set(re.findall(r":mod:`~stance\.(\w+)`", stance.__doc__ or ""))
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules - named == set(), "modules missing from stance.__doc__"
    assert named - modules == set(), "stance.__doc__ names modules that do not exist"
