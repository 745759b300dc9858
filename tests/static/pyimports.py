"""The repository's Python files, their sizes, and the graph of which module imports which.

Every import counts, at module level or inside a function or an `if TYPE_CHECKING:` block alike:
a circle that only lazy imports close still means two modules that cannot be read, changed or
tested one without the other. Module names follow the import roots the code runs with
(pyproject's pythonpath, and a script's own folder for the scripts that run from it).
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

# Where a package's top level lies: handlers/ and cli/ are on the path, the rest is the repo root.
SOURCE_ROOTS = ("handlers", "cli", "")


def python_files(root: Path) -> list[Path]:
    """Tracked and new (not ignored) .py files under `root`."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return sorted(root / name for name in listed if (root / name).is_file())


def module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root)
    for source in SOURCE_ROOTS:
        if source and relative.parts[0] == source:
            relative = relative.relative_to(source)
            break
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.Module, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The names an import statement in `tree` imports: `import X` names X; `from X import Y`
    names X.Y where that is a module of the repository, else X."""
    package = module if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                names.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return names


def import_graph(root: Path, files: list[Path]) -> dict[str, set[str]]:
    """module -> the repository's modules it imports (itself excluded)."""
    modules = {module_name(path, root): path for path in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        folder = name.rpartition(".")[0]
        targets: set[str] = set()
        for imported in _imported(tree, name, path.name == "__init__.py", set(modules)):
            # A script's own folder is on its path: `import proxy` in bench/run.py is bench.proxy.
            for candidate in (imported, f"{folder}.{imported}" if folder else imported):
                if candidate in modules:
                    if candidate != name:
                        targets.add(candidate)
                    break
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
