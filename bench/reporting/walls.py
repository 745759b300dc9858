"""Wall time of each engine variant against the fastest correct peer, with the issue's targets."""

from __future__ import annotations

from typing import Any

from bench.reporting.common import (
    DEFAULT_MAX_CONCURRENCY,
    WALL_TARGETS,
    cell_of,
    is_engine,
    newest,
    rate_of,
    tool_name,
)


def wall_cells(runs: list[dict[str, Any]]) -> list[tuple[int, float, str]]:
    """Where the engine and the peers both ran: the largest N at the highest fixed latency (the
    closest to S3 without a profile), and the largest N of each latency profile."""
    engine_cells = {cell_of(r) for r in runs if is_engine(r)}
    both = engine_cells & {cell_of(r) for r in runs if not is_engine(r)}
    chosen = []
    fixed = [c for c in both if not c[2]]
    if fixed:
        chosen.append(max(fixed))
    for profile in sorted({c[2] for c in both if c[2]}):
        chosen.append(max(c for c in both if c[2] == profile))
    return chosen


def max_concurrency_of(runs: list[dict[str, Any]], tool: str) -> int:
    """The max_concurrency an engine variant ran with (rows before 2026-11-29 20:00 ran 10)."""
    return next(
        (r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY) for r in runs if r["tool"] == tool),
        DEFAULT_MAX_CONCURRENCY,
    )


def wall_vs_fastest_peer(runs: list[dict[str, Any]]) -> list[str]:
    """Each engine variant's wall time over the fastest correct peer's, per scenario, with the
    issue's targets; then every peer of the cell, correct or not (s5cmd with its defaults is not),
    against bucket-sync at the benchmark's max_concurrency."""
    out: list[str] = []
    runs = newest(runs)
    for cell in wall_cells(runs):
        n, latency, profile = cell
        here = [run for run in runs if cell_of(run) == cell]
        engines = sorted(
            {r["tool"] for r in here if is_engine(r)},
            key=lambda t: (max_concurrency_of(here, t), "chunk" in t, t),
        )
        label = f"latency profile {profile}" if profile else f"{latency:g} ms"
        out += [
            f"## Wall time against the fastest correct peer (N = {n:,}, {label})",
            "",
            "The issue's targets, bucket-sync's seconds / the fastest correct peer's: "
            + ", ".join(f"{s} ≤ {t:g}x" for s, t in WALL_TARGETS.items())
            + ".",
            "",
            "| engine | scenario | seconds | fastest correct peer | its seconds | ratio | target |",
            "|---|---|---:|---|---:|---:|---|",
        ]
        for scenario in ("initial", "noop", "change"):
            correct = [r for r in here if not is_engine(r) and r["scenario"] == scenario and r["correct"]]
            if not correct:
                continue
            best = min(correct, key=lambda r: r["seconds"])
            for tool in engines:
                mine = next((r for r in here if r["tool"] == tool and r["scenario"] == scenario), None)
                if mine is None:
                    continue
                ratio = mine["seconds"] / best["seconds"]
                target = WALL_TARGETS[scenario]
                met = ratio <= target and mine["correct"]
                out.append(
                    f"| {tool_name(tool)} | {scenario} | {mine['seconds']:.1f} | {tool_name(best['tool'])} "
                    f"| {best['seconds']:.1f} | {ratio:.2f}x | ≤ {target:g}x: {'met' if met else 'not met'} |"
                )
        reference = next((t for t in engines if max_concurrency_of(here, t) == DEFAULT_MAX_CONCURRENCY), None)
        out += [
            "",
            "Every peer of this cell, correct or not"
            + (
                f", against {tool_name(reference)} (max_concurrency {DEFAULT_MAX_CONCURRENCY})"
                if reference
                else ""
            )
            + ":",
            "",
            "| peer | scenario | seconds | correct | requests/s | bucket-sync's seconds / its |",
            "|---|---|---:|---|---:|---:|",
        ]
        for scenario in ("initial", "noop", "change"):
            mine = next((r for r in here if r["tool"] == reference and r["scenario"] == scenario), None)
            peers = sorted(
                (r for r in here if not is_engine(r) and r["scenario"] == scenario),
                key=lambda r: r["seconds"],
            )
            for peer in peers:
                correct = "yes" if peer["correct"] else f"**no**: {peer['reason'].split(' (e.g.')[0]}"
                ratio = f"{mine['seconds'] / peer['seconds']:.2f}x" if mine else "-"
                out.append(
                    f"| {tool_name(peer['tool'])} | {scenario} | {peer['seconds']:.1f} | {correct} "
                    f"| {rate_of(peer):,.0f} | {ratio} |"
                )
        out.append("")
    return out
