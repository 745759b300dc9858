"""Where bench/run.py's results live, and finding them: shared by report.py and cost.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "BENCHMARKS.md"
# Engine-only runs that check the cost model's counts against the engine of their day
# (bench/run.py --tools engine --no-docs --output bench/results/checks/<date>.json).
CHECKS = RESULTS / "checks"


def shown(path: Path) -> str:
    """A path relative to the repository when it lies inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def newest_results() -> Path:
    found = sorted(RESULTS.glob("*.json"))
    if not found:
        raise SystemExit("no results in bench/results; run bench/run.py first")
    return found[-1]


def newest_check() -> Path | None:
    """The newest engine-only check run, if any."""
    found = sorted(CHECKS.glob("*.json"))
    return found[-1] if found else None


def newest_with(tool: str, exclude: Path | None = None) -> tuple[Path, list[dict[str, Any]]] | None:
    """The newest results file (other than `exclude`) with a run of `tool`, and its runs."""
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        if exclude is not None and path.resolve() == exclude.resolve():
            continue
        runs = json.loads(path.read_text())["runs"]
        if any(r["tool"] == tool for r in runs):
            return path, runs
    return None
