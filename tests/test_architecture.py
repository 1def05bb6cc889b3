"""The rooms of graph/ and the one-way dependencies of the project, read from the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("store", "build", "describe", "network")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, lazily or not (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_graph_has_its_rooms_with_a_docstring_each():
    for room in ROOMS:
        init = ROOT / "graph" / room / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init} says what lives there"
    assert not sorted(path.name for path in (ROOT / "graph").glob("*.py") if path.name not in {
        "__init__.py", "config.py", "errors.py", "namespaces.py", "time.py"}), "only the ground lies beside the rooms"


@pytest.mark.parametrize("room", ["store", "build"])
def test_lower_rooms_never_import_upper_rooms(room):
    for path in python_files(f"graph/{room}"):
        upward = {name for name in imported_modules(path) if name.startswith(("graph.describe", "graph.network"))}
        assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"


def test_store_does_not_import_build():
    for path in python_files("graph/store"):
        assert not {name for name in imported_modules(path) if name.startswith("graph.build")}, path


def test_graph_never_imports_flask_click_api_or_cli():
    for path in python_files("graph"):
        bad = {name for name in imported_modules(path) if name.split(".")[0] in {"flask", "click", "api", "cli", "werkzeug"}}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("folder", ["api", "cli"])
def test_api_and_cli_import_rooms_not_their_files(folder):
    for path in python_files(folder):
        into_files = {name for name in imported_modules(path) if name.count(".") >= 2 and name.split(".")[:2] in
                      [["graph", room] for room in ROOMS]}
        assert not into_files, f"{path.relative_to(ROOT)} imports {sorted(into_files)}: import from the room"


def test_api_never_talks_to_pyoxigraph():
    for path in python_files("api"):
        assert "pyoxigraph" not in imported_modules(path), path
