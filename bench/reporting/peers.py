"""Peer rows a results file lacks, borrowed from older results files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.reporting.common import cell_of, is_engine
from bench.results_files import RESULTS, shown


def peers_from_older(results: dict[str, Any], source: Path) -> tuple[dict[str, Any], Path | None]:
    """A peer's cell (tool, N, latency, profile) that this results file lacks is borrowed from the
    newest older results file that has it: the peers did not change, and their matrix takes half an
    hour to rerun. Borrowed rows keep `results_file`; the path returned is the newest file lent from."""
    have = {(run["tool"], *cell_of(run)) for run in results["runs"] if not is_engine(run)}
    borrowed: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    versions: dict[str, str] = {}
    lender: Path | None = None
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        if path.resolve() == Path(source).resolve() or path.name > Path(source).name:
            continue
        older = json.loads(path.read_text())
        cells = {(run["tool"], *cell_of(run)) for run in older["runs"] if not is_engine(run)} - have
        if not cells:
            continue
        borrowed += [
            {**run, "results_file": shown(path)}
            for run in older["runs"]
            if not is_engine(run) and (run["tool"], *cell_of(run)) in cells
        ]
        skipped += [s for s in older.get("skipped", []) if not s["tool"].startswith("engine")]
        # This machine may lack the peers (bench/setup.sh): keep the versions they ran with.
        versions = {**older["versions"], **versions}
        have |= cells
        lender = lender or path
    if not borrowed:
        return results, None
    ran = {(run["tool"], run["n"], run["latency_ms"]) for run in results["runs"]}
    merged = {
        **results,
        "runs": results["runs"] + borrowed,
        "skipped": results.get("skipped", [])
        + [s for s in skipped if (s["tool"], s["n"], s["latency_ms"]) not in ran],
        "versions": {**versions, **{k: v for k, v in results["versions"].items() if v != "missing"}},
    }
    return merged, lender
