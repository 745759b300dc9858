"""The handlers' CPU, from the Lambda workers' CPU seconds in bench/run.py's results: SyncRange's
per listed key (no-op runs) and per copied object (initial runs less their listing), and
PlanRanges' per LIST page."""

from __future__ import annotations

from typing import Any

from .assumptions import CHUNK_SIZE, Cpu

SYNC_RANGE = "sync-range"
PLAN_RANGES = "plan-ranges"
BENCH_MAX_CONCURRENCY = 10  # the benchmark's own: one worker process per slot on 2 cores


def engine_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r for r in runs if r["tool"].startswith("engine") and SYNC_RANGE in r.get("lambda_by_function", {})
    ]


def listed_keys(run: dict[str, Any]) -> int:
    """Keys SyncRange listed: the source's N, plus the destination's N when it holds a copy."""
    return run["n"] if run["scenario"] == "initial" else 2 * run["n"]


def _same_cell(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def cell(r: dict[str, Any]) -> tuple[Any, ...]:
        return r["tool"], r["n"], r["latency_ms"], r.get("latency_profile")

    return cell(a) == cell(b)


def cpu_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per engine variant and N: SyncRange CPU ms per listed key (no-op) and per copied object
    (initial, less its listing's share at the no-op's rate; with keep_website_redirects true
    that includes a HEAD per copy)."""
    engine = engine_runs(runs)
    rows = []
    for index, run in enumerate(engine):
        if run["scenario"] != "initial":
            continue
        # The no-op that followed this initial copy (a file may hold the same variant twice).
        noop = next((r for r in engine[index + 1 :] if r["scenario"] == "noop" and _same_cell(r, run)), None)
        if noop is None:
            continue
        per_key = 1000 * noop["lambda_by_function"][SYNC_RANGE]["cpu_seconds"] / listed_keys(noop)
        cpu = 1000 * run["lambda_by_function"][SYNC_RANGE]["cpu_seconds"]
        copied = (run.get("output") or {}).get("copied") or run["n"]
        planner = noop["lambda_by_function"].get(PLAN_RANGES, {})
        rows.append(
            {
                "tool": run["tool"]
                + (f", profile {run['latency_profile']}" if run.get("latency_profile") else ""),
                "n": run["n"],
                "latency_ms": run["latency_ms"],
                "noop_cpu_s": noop["lambda_by_function"][SYNC_RANGE]["cpu_seconds"],
                "noop_listed": listed_keys(noop),
                "per_listed_key_ms": per_key,
                "initial_cpu_s": cpu / 1000,
                "copied": copied,
                "per_copied_ms": (cpu - per_key * listed_keys(run)) / copied,
                "planner_page_ms": 1000
                * planner.get("cpu_seconds", 0.0)
                / max(1, planner.get("list_pages", 0)),
                "heads": bool(run.get("keep_website_redirects", True)),
                "default_chunk": run.get("chunk_size", 1000) == CHUNK_SIZE,
                "max_concurrency": run.get("max_concurrency", BENCH_MAX_CONCURRENCY),
                "index": index,
            }
        )
    return rows


def cpu_figures(runs: list[dict[str, Any]]) -> Cpu | None:
    """The model's CPU figures: from the largest N measured (fixed costs weigh least there),
    preferring runs without a HEAD per copy (the default "auto" on a source without a website);
    None without an engine initial + no-op pair."""
    # The benchmark's own max_concurrency; the newest such run, since the engine changes between
    # runs appended to one file.
    rows = [r for r in cpu_rows(runs) if r["max_concurrency"] == BENCH_MAX_CONCURRENCY]
    if not rows:
        return None
    best = max(rows, key=lambda r: (not r["heads"], r["n"], r["default_chunk"], -r["latency_ms"], r["index"]))
    source = f"{best['tool']}, N = {best['n']:,}, {best['latency_ms']:g} ms"
    if best["heads"]:
        source += "; its copies include a HEAD each, so the figure per copy is high"
    return Cpu(best["per_listed_key_ms"], best["per_copied_ms"], source, best["planner_page_ms"])
