"""Where the emulator, not the tool, caps the aws-profile comparison, in the rows' own figures."""

from __future__ import annotations

from typing import Any

from bench.costmodel.assumptions import LIST_SECONDS
from bench.reporting.common import (
    DEFAULT_MAX_CONCURRENCY,
    TOOL_NAMES,
    WALL_TARGETS,
    is_engine,
    newest,
    rate_of,
    tool_name,
)
from bucket_sync.keysample import PROBES_AT_ONCE


def others_cores(run: dict[str, Any]) -> float:
    """Cores busy on the machine that were neither the benchmark's process, its Lambda workers, its
    proxy nor the peer under test: other sessions' jobs."""
    cpu = run["cpu"]
    tool = run.get("tool_cpu_seconds", 0.0) / max(run["seconds"], 1e-9)
    mine = cpu["emulator_cores"] + cpu["lambda_workers_cores"] + cpu["proxy_cores"] + tool
    return max(cpu["machine_busy_cores"] - mine, 0.0)


def cap_notes(runs: list[dict[str, Any]]) -> list[str]:
    """Where the emulator caps the aws-profile comparison, in the rows' own figures; and the issue's
    wall-time targets, met or not."""
    runs = [r for r in newest(runs) if r.get("latency_profile") and "cpu" in r]
    if not runs:
        return []
    n = max(r["n"] for r in runs)
    here = [r for r in runs if r["n"] == n]
    engine = {r["scenario"]: r for r in here if r["tool"] == "engine-noredirect"}
    peers = [r for r in here if not is_engine(r)]
    if not engine or not peers:
        return []
    by_level = {
        (r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY), r["scenario"]): r
        for r in here
        if is_engine(r) and r["tool"].startswith("engine-noredirect")
    }
    initial_peers = [r for r in peers if r["scenario"] == "initial"]
    fastest_rate = max(initial_peers, key=rate_of) if initial_peers else None
    out = [
        f"### Where the emulator caps it (N = {n:,}, latency profile aws)",
        "",
    ]
    if fastest_rate is not None:
        out.append(
            f"- **Requests per second.** Under the profile a COPY should take 75 ms; the most any tool got "
            f"through the proxy in an initial copy was {rate_of(fastest_rate):,.0f} requests/s "
            f"({tool_name(fastest_rate['tool'])}, up to 256 requests in flight, which would be "
            f"{256 / 0.075:,.0f}/s if only the 75 ms counted). bucket-sync's initial copy: "
            + ", ".join(
                f"{rate_of(r):,.0f}/s at max_concurrency {level} "
                f"(up to {16 * level} copies in flight: {16 * level / max(rate_of(r), 1e-9):.2f} s per COPY)"
                for (level, scenario), r in sorted(by_level.items())
                if scenario == "initial"
            )
            + ". More requests in flight did not bring more requests per second: each one waits in moto "
            "for its turn, so the wall time of a copy is about copies / moto's rate, whatever the tool."
        )
    moto = [r["cpu"]["emulator_cores"] for r in here]
    busy = [r["cpu"]["machine_busy_cores"] for r in here]
    others = [others_cores(r) for r in here]
    out.append(
        f"- **CPU.** The machine's {here[0]['cpu']['cores']} cores were {min(busy):.2f}-{max(busy):.2f} "
        f"busy on average over these runs (median {sorted(busy)[len(busy) // 2]:.2f}); moto's process "
        f"(its server threads, Step Functions' interpreter and run.py: one Python process, so at most one "
        f"core under the GIL) used {min(moto):.2f}-{max(moto):.2f} of a core, and processes outside the "
        f"benchmark (other sessions' test suites and benchmarks on the shared machine) took "
        f"{min(others):.2f}-{max(others):.2f} cores (median {sorted(others)[len(others) // 2]:.2f})."
        + (
            f" In the fastest initial copy ({tool_name(top['tool'])}, {rate_of(top):,.0f} requests/s) moto "
            f"used {top['cpu']['emulator_cores']:.2f} of a core while the machine was "
            f"{top['cpu']['machine_busy_cores']:.2f} of {top['cpu']['cores']} busy"
            if (top := max((r for r in here if r["scenario"] == "initial"), key=rate_of, default=None))
            else ""
        )
        + ". So the cap is moto's single Python process: its server threads share one GIL, so its rate "
        "stays near the figure above whatever the tool's parallelism, and whatever else runs on the two "
        "cores (the Lambda workers, the proxy, other sessions' jobs) squeezes it further"
        + (
            f" (bucket-sync's initial copy: {low['seconds']:.1f} s at max_concurrency {low_level}, "
            f"{high['seconds']:.1f} s at {high_level})."
            if (low := by_level.get((low_level := min(lv for lv, _ in by_level), "initial")))
            and (high := by_level.get((high_level := max(lv for lv, _ in by_level), "initial")))
            and low_level != high_level
            else "."
        )
    )
    noop = engine.get("noop")
    plan = (noop or {}).get("lambda_by_function", {}).get("plan-ranges") if noop else None
    quick_noop = [r for r in peers if r["scenario"] == "noop" and r["correct"]]
    quick = min(quick_noop, key=lambda r: r["seconds"]) if quick_noop else None
    if noop and plan and quick:
        waits = -(-plan["list_pages"] // PROBES_AT_ONCE)  # batches of pages listed at once
        latency = waits * LIST_SECONDS
        out.append(
            f"- **The no-op is mostly the planner's.** Of bucket-sync's {noop['seconds']:.1f} s no-op at "
            f"max_concurrency {noop.get('max_concurrency', DEFAULT_MAX_CONCURRENCY)}, PlanRanges took "
            f"{plan['seconds']:.1f} s for {plan['list_pages']} LIST pages ({n:,} keys are {-(-n // 1000)} "
            "pages in full: a small bucket's sample, about 1.25 pages per range, covers it more than "
            f"once). It lists them {PROBES_AT_ONCE} at a time (keysample.PROBES_AT_ONCE), "
            f"{waits} x {LIST_SECONDS * 1000:.0f} ms = {latency:.2f} s of the "
            "profile's latency; the rest is moto answering each 1,000-key page on its one core, which "
            "no parallelism helps here. "
            + (
                f"Even the latency alone is more than half the fastest correct peer's measured no-op "
                f"({tool_name(quick['tool'])}, {quick['seconds']:.1f} s): this part is the engine's, not "
                "the emulator's."
                if latency > 0.5 * quick["seconds"]
                else f"Against the fastest correct peer's measured no-op ({tool_name(quick['tool'])}, "
                f"{quick['seconds']:.1f} s) that latency is small; sampling fewer pages for a small "
                "bucket would cut moto's share (not built)."
            )
        )
    absent = [t for t in TOOL_NAMES if t != "engine" and t not in {r["tool"] for r in here}]
    if absent:
        out.append(
            "- **Not run at this cell**: "
            + ", ".join(tool_name(t) for t in absent)
            + ". rclone with its defaults and the 2017 algorithm send 2-3 requests per object on every run "
            "(docs/BENCHMARK_NOTES.md, “Cells not run”), and neither could be the fastest correct peer "
            "(rclone's "
            "defaults are not correct; the 2017 algorithm sends 3 requests per object on every run, a "
            "no-op included, and at least 1.5x any peer's here); `--use-server-modtime` is not correct "
            "(see the peers' note at the top)."
        )
    out += ["", "The issue's wall-time targets at this cell (bucket-sync at max_concurrency 10):", ""]
    for scenario, target in WALL_TARGETS.items():
        mine = engine.get(scenario)
        correct = [r for r in peers if r["scenario"] == scenario and r["correct"]]
        if mine is None or not correct:
            continue
        best = min(correct, key=lambda r: r["seconds"])
        ratio = mine["seconds"] / best["seconds"]
        levels = sorted((r["seconds"], level) for (level, s), r in by_level.items() if s == scenario)
        best_level = (
            f"; its best max_concurrency, {levels[0][1]}, {levels[0][0]:.1f} s = "
            f"{levels[0][0] / best['seconds']:.2f}x"
            if levels and levels[0][1] != mine.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)
            else ""
        )
        out.append(
            f"- **{scenario}: {'met' if ratio <= target and mine['correct'] else 'not met'}**: "
            f"{mine['seconds']:.1f} s against {tool_name(best['tool'])}'s {best['seconds']:.1f} s = "
            f"{ratio:.2f}x (target ≤ {target:g}x){best_level}."
        )
    out += [
        "",
        "On this emulator every tool's wall time is set by moto's request rate and the machine's load, "
        "not by how the tool parallelises: the targets, which assume S3's own scale-out, cannot be shown "
        "here, and the ratios above say how the tools fare on a 2-core moto, not on AWS (bench/cost.py "
        "models that from request counts and CPU).",
        "",
    ]
    return out
