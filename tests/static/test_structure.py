"""Files a newcomer can hold: no Python file over 400 lines, no handler function over 60, and no
circle in the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.static.asl import ROOT
from tests.static.pyimports import cycles, import_graph, python_files

MAX_LINES = 400
# A handler function longer than this does more than one thing: its phases get names of their own.
MAX_FUNCTION_LINES = 60


def test_no_python_file_is_over_400_lines():
    over = {
        str(path.relative_to(ROOT)): lines
        for path in python_files(ROOT)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not over, f"split these by job (at most {MAX_LINES} lines a file): {over}"


def long_functions(source: str, limit: int) -> dict[str, int]:
    """Functions (nested ones too) longer than `limit` lines, def to end with the docstring, by name."""
    return {
        f"{node.name}:{node.lineno}": lines
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (lines := node.end_lineno - node.lineno + 1) > limit  # type: ignore[operator]
    }


def test_no_handler_function_is_over_60_lines():
    over = {
        f"{path.relative_to(ROOT)}:{name}": lines
        for path in python_files(ROOT / "handlers")
        for name, lines in long_functions(path.read_text(), MAX_FUNCTION_LINES).items()
    }
    assert not over, f"give each phase a name (at most {MAX_FUNCTION_LINES} lines a function): {over}"


def test_the_checker_counts_a_function_from_def_to_end():
    body = "".join(f"    x{n} = {n}\n" for n in range(58))
    source = f'def fits():\n    """Doc."""\n{body}\n\ndef over():\n    """Doc."""\n{body}    return x0\n'
    assert long_functions(source, MAX_FUNCTION_LINES) == {"over:63": 61}


def test_no_import_circle():
    found = cycles(import_graph(ROOT, python_files(ROOT)))
    assert not found, f"modules that import each other, directly or round a circle: {found}"


def test_the_checker_sees_a_circle_closed_by_a_lazy_import(tmp_path: Path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from . import c\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n")
    (package / "d.py").write_text("from pkg.a import thing\n")
    files = sorted(package.glob("*.py"))
    graph = import_graph(tmp_path, files)
    assert graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
