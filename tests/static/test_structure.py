"""Files a newcomer can hold: no Python file over 400 lines, and no circle in the import graph."""

from __future__ import annotations

from pathlib import Path

from tests.static.asl import ROOT
from tests.static.pyimports import cycles, import_graph, python_files

MAX_LINES = 400


def test_no_python_file_is_over_400_lines():
    over = {
        str(path.relative_to(ROOT)): lines
        for path in python_files(ROOT)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not over, f"split these by job (at most {MAX_LINES} lines a file): {over}"


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
