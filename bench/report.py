"""Render a bench/results/<date>.json into docs/BENCHMARKS.md (cost.py appends the cost section).

.venv/bin/python bench/report.py [results.json] [--docs PATH]   # default: the newest results
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "BENCHMARKS.md"
RESULTS = ROOT / "bench" / "results"

# Column order and short names of the operations in the tables.
OPS = (
    ("ListObjectsV2", "LIST"),
    ("ListObjects", "LISTv1"),
    ("HeadObject", "HEAD"),
    ("GetObject", "GET"),
    ("PutObject", "PUT"),
    ("CopyObject", "COPY"),
    ("UploadPartCopy", "PARTCOPY"),
    ("CreateMultipartUpload", "MPU-create"),
    ("CompleteMultipartUpload", "MPU-complete"),
    ("DeleteObject", "DELETE"),
    ("DeleteObjects", "DELETE-batch"),
    ("other", "other"),
)
TOOL_NAMES = {
    "engine": "bucket-sync (this module)",
    "2017": "2017 sample algorithm",
    "awscli": "aws s3 sync",
    "rclone": "rclone sync",
    "s5cmd": "s5cmd sync",
    # bench/run.py's PEER_VARIANTS: the peers with the flags that make them correct.
    "rclone-checksum": "rclone sync --checksum",
    "rclone-servermodtime": "rclone sync --use-server-modtime",
    "s5cmd-copymeta": "s5cmd sync --metadata-directive COPY",
}
# The wall-time targets: bucket-sync's seconds / the fastest correct peer's, per scenario.
WALL_TARGETS = {"initial": 0.25, "noop": 0.5, "change": 0.25}
# The benchmark's max_concurrency when a row does not record its own (rows before 2026-11-29 20:00).
DEFAULT_MAX_CONCURRENCY = 10
# The change-set target: requests at most this multiple of the minimum a sync needs.
CHANGE_SET_TARGET = 1.1
TIER1 = 0.005 / 1000  # LIST, COPY, POST (DeleteObjects), bucket-level calls
TIER2 = 0.0004 / 1000  # HEAD, GET
TIER2_OPS = {"HeadObject", "GetObject"}
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}


def tool_name(tool: str) -> str:
    """Engine variants are labelled engine[-chunk<N>][-noredirect][-mc<N>] by bench/run.py."""
    if tool in TOOL_NAMES or not tool.startswith("engine"):
        return TOOL_NAMES.get(tool, tool)
    name = "bucket-sync"
    rest = tool.removeprefix("engine")
    rest, mc, concurrency = rest.partition("-mc")
    if mc:
        name += f", max_concurrency {concurrency}"
    if rest.startswith("-chunk"):
        chunk, _, rest = rest.removeprefix("-chunk").partition("-")
        name += f", chunk_size {chunk}"
        rest = f"-{rest}" if rest else ""
    if rest == "-noredirect":
        name += ", keep_website_redirects = false"
    return name


def latency_label(run: dict[str, Any]) -> str:
    """The proxy's latency of a run: fixed ms, or a per-operation profile (proxy.LATENCY_PROFILES)."""
    profile = run.get("latency_profile")
    return f"latency profile {profile}" if profile else f"{run['latency_ms']:g} ms"


def shown(path: Path) -> str:
    """A path relative to the repository when it lies inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def newest_results() -> Path:
    found = sorted(RESULTS.glob("*.json"))
    if not found:
        raise SystemExit("no results in bench/results; run bench/run.py first")
    return found[-1]


def ops_columns(runs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    used = {op for run in runs for op in run["requests"]}
    return [(op, short) for op, short in OPS if op in used] + [
        (op, op) for op in sorted(used) if op not in dict(OPS)
    ]


def run_table(runs: list[dict[str, Any]]) -> list[str]:
    columns = ops_columns(runs)
    head = ["tool", "scenario", "seconds", *[short for _, short in columns], "requests", "correct"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 3) + ["---"]) + "|",
    ]
    for run in runs:
        correct = "yes" if run["correct"] else f"**no**: {run['reason']}"
        if run.get("exit_code"):
            correct += f" (exit {run['exit_code']})"
        if run.get("status") and run["status"] != "SUCCEEDED":
            correct += f" (execution {run['status']}: {run.get('error')})"
        borrowed = f" ({Path(run['results_file']).stem})" if "results_file" in run else ""
        cells = [
            tool_name(run["tool"]) + borrowed,
            run["scenario"],
            f"{run['seconds']:.1f}",
            *[f"{run['requests'].get(op, 0):,}" for op, _ in columns],
            f"{run['requests_total']:,}",
            correct,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def engine_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| chunk_size | max_concurrency | N | latency | scenario | state transitions (parent + children) "
        "| per 1,000 objects "
        "| history events (all / parent) | Lambda invocations | Lambda seconds (sum) "
        "| by step (invocations, wall s / CPU s, LIST pages) |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        steps = "; ".join(
            f"{name}: {row['invocations']}, {row['seconds']:.1f}"
            + (f" / {row['cpu_seconds']:.1f} CPU, {row['list_pages']} LIST" if "cpu_seconds" in row else "")
            for name, row in run["lambda_by_function"].items()
        )
        lines.append(
            f"| {run.get('chunk_size', 1000)} | {run.get('max_concurrency', DEFAULT_MAX_CONCURRENCY)} "
            f"| {run['n']:,} | {latency_label(run)} | {run['scenario']} "
            f"| {run['state_transitions']:,} ({run['state_transitions_parent']} + "
            f"{run['state_transitions'] - run['state_transitions_parent']:,}) "
            f"| {1000 * run['state_transitions'] / run['n']:.2f} "
            f"| {run['history_events_total']:,} / {run['history_events_parent']} "
            f"| {run['lambda_invocations']:,} | {run['lambda_seconds']:.1f} | {steps} |"
        )
    return lines


def per_1000_table(runs: list[dict[str, Any]]) -> list[str]:
    """S3 requests per 1,000 source objects, per tool and scenario, at each tool's largest N."""
    lines = [
        "| tool | N | initial | noop | change | correct in all three |",
        "|---|---:|---:|---:|---:|---|",
    ]
    tools = list(dict.fromkeys(run["tool"] for run in runs))
    for tool in tools:
        mine = [run for run in runs if run["tool"] == tool]
        n = max(run["n"] for run in mine)
        latency = min(run["latency_ms"] for run in mine if run["n"] == n)
        chosen = {run["scenario"]: run for run in mine if run["n"] == n and run["latency_ms"] == latency}
        cells = [
            f"{1000 * chosen[s]['requests_total'] / n:,.1f}" if s in chosen else "-"
            for s in ("initial", "noop", "change")
        ]
        correct = "yes" if all(run["correct"] for run in chosen.values()) else "no"
        lines.append(f"| {tool_name(tool)} | {n:,} | " + " | ".join(cells) + f" | {correct} |")
    return lines


def change_set_table(runs: list[dict[str, Any]]) -> list[str]:
    """The issue's check: change-set requests against the fewest a sync could send, per engine variant."""
    lines = [
        "| engine | N | requests | LIST | copied | deleted | minimum | ratio (target ≤ 1.1) "
        "| ratio in dollars |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    tools = list(dict.fromkeys(run["tool"] for run in runs if run["tool"].startswith("engine")))
    for tool in tools:
        mine = [run for run in runs if run["tool"] == tool and run["scenario"] == "change"]
        if not mine:
            continue
        run = max(mine, key=lambda r: (r["n"], -r["latency_ms"]))
        requests, output = run["requests"], run.get("output") or {}
        lists = requests.get("ListObjectsV2", 0)
        copied, deleted = output.get("copied", 0), output.get("deleted", 0)
        minimum = lists + copied + math.ceil(deleted / 1000)
        dollars = sum(
            n * (TIER2 if op in TIER2_OPS else TIER1) for op, n in requests.items() if op not in FREE_OPS
        )
        ratio = run["requests_total"] / minimum
        verdict = "met" if ratio <= CHANGE_SET_TARGET else "not met"
        lines.append(
            f"| {tool_name(tool)} | {run['n']:,} | {run['requests_total']:,} | {lists:,} | {copied:,} "
            f"| {deleted:,} | {minimum:,} | {ratio:.2f} ({verdict}) "
            f"| {dollars / (minimum * TIER1):.3f} |"
        )
    return lines


def is_engine(run: dict[str, Any]) -> bool:
    return run["tool"].startswith("engine")


def cell_of(run: dict[str, Any]) -> tuple[int, float, str]:
    return run["n"], run["latency_ms"], run.get("latency_profile", "")


def newest(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per tool, cell and scenario: the last appended, where a cell was measured again (the
    run tables list every row)."""
    last = {(r["tool"], *cell_of(r), r["scenario"]): r for r in runs}
    return [r for r in runs if last[(r["tool"], *cell_of(r), r["scenario"])] is r]


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


def rate_of(run: dict[str, Any]) -> float:
    """S3 requests per second the proxy saw over the run."""
    return run.get("requests_per_second") or run["requests_total"] / max(run["seconds"], 1e-9)


def concurrency_table(runs: list[dict[str, Any]]) -> list[str]:
    """bucket-sync's wall time against max_concurrency, per latency and N, for each engine variant
    (chunk_size, keep_website_redirects) run at more than one max_concurrency; with what the emulator
    did meanwhile: the proxy's requests per second, the peak SyncRange invocations at once, and the
    cores in use (the machine's, moto's process's, the Lambda workers', the proxy's)."""
    groups: dict[tuple[int, float, str, int, bool], list[dict[str, Any]]] = {}
    for run in newest(runs):
        if is_engine(run):
            key = (*cell_of(run), run.get("chunk_size", 1000), run.get("keep_website_redirects", True))
            groups.setdefault(key, []).append(run)
    out: list[str] = []
    for (n, latency, profile, chunk, redirects), mine in sorted(groups.items()):
        levels = sorted({r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY) for r in mine})
        if len(levels) < 2:
            continue
        label = f"latency profile {profile}" if profile else f"{latency:g} ms"
        cores = next((r["cpu"]["cores"] for r in mine if "cpu" in r), 2)
        out += [
            f"## bucket-sync against max_concurrency (N = {n:,}, {label})",
            "",
            f"chunk_size {chunk}, keep_website_redirects = {str(redirects).lower()}; the emulator runs one "
            "Lambda worker process per slot (`bench/run.py --max-concurrency`). Speed-up: the lowest "
            "max_concurrency's seconds / this row's. SyncRange at once: the most SyncRange invocations "
            "in flight together (the Distributed Map's MaxConcurrency at work). Cores: averages over the "
            f"run, of this machine's {cores} (1.00 = one core busy throughout); machine = every process, "
            "other sessions' included; moto = the benchmark's process, moto's server threads and "
            "run.py; workers = the Lambda worker processes.",
            "",
            "| max_concurrency | scenario | seconds | speed-up | requests | requests/s (proxy) "
            "| SyncRange at once (peak) | SyncRange CPU s | PlanRanges s (LIST pages) "
            "| cores busy: machine / moto / workers / proxy |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for scenario in ("initial", "noop", "change"):
            rows = {
                r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY): r
                for r in mine
                if r["scenario"] == scenario
            }
            if not rows:
                continue
            base = rows[min(rows)]
            for level in sorted(rows):
                r = rows[level]
                cpu = r.get("cpu")
                busy = (
                    f"{cpu['machine_busy_cores']:.2f} / {cpu['emulator_cores']:.2f} / "
                    f"{cpu['lambda_workers_cores']:.2f} / {cpu['proxy_cores']:.2f}"
                    if cpu
                    else "-"
                )
                steps = r.get("lambda_by_function", {})
                sync_cpu = steps.get("sync-range", {}).get("cpu_seconds", 0.0)
                plan = steps.get("plan-ranges")
                planner = f"{plan['seconds']:.1f} ({plan['list_pages']})" if plan else "-"
                out.append(
                    f"| {level} | {scenario} | {r['seconds']:.1f} | {base['seconds'] / r['seconds']:.2f}x "
                    f"| {r['requests_total']:,} | {rate_of(r):,.0f} "
                    f"| {r.get('sync_range_peak_concurrency', '-')} "
                    f"| {sync_cpu:.1f} | {planner} | {busy} |"
                )
        short = sorted(
            {
                (r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY), r["sync_range_peak_concurrency"])
                for r in mine
                if r.get("sync_range_peak_concurrency", 0) < r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)
            }
        )
        if short:
            out += [
                "",
                "Slots left empty: "
                + ", ".join(
                    f"max_concurrency {level} ran at most {peak} SyncRange at once" for level, peak in short
                )
                + f". PlanRanges gives each range at least a 1,000-key page, so {n:,} keys make at most "
                f"{n // 1000} ranges.",
            ]
        out.append("")
    return out


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
        from cost import LIST_SECONDS, PROBES_AT_ONCE

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
            "(about 143,000 and 184,000 for the three scenarios at N = 20,000, 20 ms), 25 to 30 minutes "
            "each at about 100 requests/s, and neither could be the fastest correct peer (rclone's "
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


def render(results: dict[str, Any], source: Path) -> str:
    results, borrowed = peers_from_older(results, source)
    runs = results["runs"]
    machine, versions, settings = results["machine"], results["versions"], results["settings"]
    out = [
        "# Benchmarks",
        "",
        f"Generated by `bench/report.py` from `{shown(source)}` "
        f"(run started {results['started_at']}). Regenerate with `make bench` (see `bench/README.md`).",
        "",
        "Everything runs on the local emulator: moto in server mode, in-process, on "
        f"{machine['nproc']} cores / {machine['memory_gib']} GiB ({machine['cpu']}). "
        "**Absolute seconds say little about AWS**: moto serves roughly 300-350 S3 requests a second "
        "here when the machine is otherwise idle (the aws-profile runs, on a machine shared with other "
        "sessions' jobs, saw 50-190: see “Where the emulator caps it”) and every tool shares the same "
        "two cores with it, so wall time mostly measures how many requests a tool sends. The request "
        "counts are the portable result.",
        "",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        *(
            [
                f"- **Two results files**: the rows come from `{shown(source)}`, except the peers' rows "
                f"marked with an older date (aws s3 sync, rclone, s5cmd, the 2017 algorithm at cells this "
                f"file lacks), which come from `{shown(borrowed)}`, their last full matrix (they have not "
                "changed). Compare request counts across them, not seconds: the machine's load differed."
            ]
            if borrowed is not None
            else []
        ),
        f"- Objects: {settings['object_bodies']}. Keys spread over 37 prefixes.",
        "- Scenarios, on a fresh bucket pair per tool, N and latency: **initial** (empty destination), "
        "**noop** (re-sync, nothing changed), **change** (10% of the source rewritten — half with the "
        "same size and new content, half with a new size, all with changed user metadata — 5% added, "
        "5% deleted).",
        "- Requests are counted by `bench/proxy.py`, a reverse proxy in front of moto's S3 endpoint, "
        "by operation (method + path + query + `x-amz-copy-source`); latency is a fixed delay the "
        "proxy adds to every request, or, under the latency profile `aws`, one per operation: LIST 150 ms, "
        "HEAD/GET 20 ms, COPY/PUT 75 ms, DeleteObjects 75 ms, DeleteObject and bucket calls 20 ms "
        "(`bench/proxy.py`'s `LATENCY_PROFILES`, the latencies `bench/cost.py` assumes). The engine's "
        "handlers reach the proxy through "
        "`AWS_ENDPOINT_URL_S3`; its Lambda and Step Functions traffic does not pass it.",
        "- A cell measured more than once (the same tool, N, latency and scenario appended again): "
        "the comparison tables take its newest row, the run tables list every row in the order run.",
        "- **correct**: after each run the destination is compared with the source through moto's "
        "backend: same keys, sizes, ETags, Content-Type and user metadata (`x-amz-meta-*`); the first "
        "failing check is named.",
        f"- Engine: the module applied with Terraform (`bench/stack`), chunk_size "
        f"{settings['engine']['chunk_size']}, max_concurrency {settings['engine']['max_concurrency']}, "
        f"copy_threads {settings['engine']['copy_threads']}, one Lambda worker process per concurrent "
        "slot; a warm-up sync runs first, so Lambda durations exclude cold starts. The module's default "
        "max_concurrency is 100; two cores run 10 workers, and bench/cost.py carries the measured CPU "
        "over to 100.",
        "- Peers with their defaults: `aws s3 sync --delete` (10 concurrent requests), "
        "`rclone sync` (provider Other, list_version 2, `--s3-no-check-bucket`; 4 transfers, 8 checkers), "
        "`s5cmd sync --delete` (256 workers); the 2017 algorithm is `bench/sync_2017.py`, 10 threads "
        "per branch, both branches in parallel as in its state machine.",
        "- Peers with the flags that make them correct (`bench/run.py`'s `PEER_VARIANTS`): "
        "`rclone sync --checksum` (compares size and the listing's MD5 ETag instead of modification "
        "times, so it neither HEADs every object on a re-sync nor rewrites the destination's metadata "
        "to store `x-amz-meta-mtime`) and `s5cmd sync --metadata-directive COPY` (its server-side "
        "copies keep Content-Type and user metadata). `rclone sync --use-server-modtime` was tried and "
        "is not correct: it still HEADs both sides and writes `x-amz-meta-mtime` onto the destination "
        "on a re-sync, and in the change scenario it left some same-size rewrites uncopied (ETag "
        "differs; its rows in the N = 2,000, 0 ms table).",
        "",
    ]
    for skipped in results.get("skipped", []):
        out.append(
            f"- **Not run**: {tool_name(skipped['tool'])} at N = {skipped['n']:,}, "
            f"{skipped['latency_ms']:g} ms: {skipped['reason']}."
        )
    if results.get("skipped"):
        out += [
            "  Their request counts are exactly linear in N (the 2017 algorithm: 3 requests per object "
            "per run plus copies and deletes; rclone: a HEAD per object per side), so the N = 2,000 rows "
            "times 10 give the N = 20,000 counts.",
            "",
        ]
    if results.get("finished_at"):
        import datetime as dt

        minutes = (
            dt.datetime.fromisoformat(results["finished_at"])
            - dt.datetime.fromisoformat(results["started_at"])
        ).total_seconds() / 60
        out += [
            f"The rows come from one or more `run.py` runs appended to this file (`--append`), between "
            f"{results['started_at']} and {results['finished_at']} ({minutes:.0f} minutes).",
            "",
        ]
    if not results.get("finished_at"):
        out += [
            "> This results file is from a run that did not finish; the tables hold what it measured.",
            "",
        ]
    out += [
        "## Summary: S3 requests per 1,000 objects",
        "",
        "All requests of a run divided by N/1,000, at each tool's largest N (latency does not change "
        "the counts). The change scenario touches 15% of the keys (10% rewritten, 5% added) and "
        "deletes 5%.",
        "",
        *per_1000_table(runs),
        "",
    ]
    out += [
        "### Reading the tables",
        "",
        "- **bucket-sync** sends LISTs only when nothing changed (one per 1,000 keys and side, one "
        "partial page per range and side, PlanRanges' probes, and one bucket check per bucket in "
        "Validate: `other`). A copied object costs one CopyObject, plus one HEAD where "
        "`x-amz-website-redirect-location` must be read first: the module's default "
        '`keep_website_redirects = "auto"` does so only when the source bucket has a website '
        "configuration (one GetBucketWebsite per run decides), `true` always, `false` never. The "
        "benchmark's buckets have none, so its default-equivalent runs are the "
        "`keep_website_redirects = false` rows (the stack's variable is still a bool). Orphans go in "
        "DeleteObjects batches, one per range that has orphans.",
        "- **2017 algorithm**: HEAD source + HEAD destination for every source key and HEAD source "
        "for every destination key, on every run: 3 requests per object even for a no-op.",
        "- **aws s3 sync** compares size and LastModified from the listings (no HEAD); it copies a "
        "same-size change only because the source was written after the destination copy, and "
        "deletes orphans one DeleteObject at a time.",
        "- **rclone sync** compares modification times, which it keeps in `x-amz-meta-mtime`: it "
        "HEADs objects on both sides and, on a re-sync, rewrites the destination's metadata (a "
        "CopyObject onto itself) to store that mtime. The destination then carries a user-metadata "
        "entry the source does not have, which the correctness check reports. With `--checksum` it "
        "compares size and MD5 (the listing's ETag) instead: a re-sync is LISTs only and nothing is "
        "rewritten; a copy still HEADs its source first (one HEAD per copied object).",
        "- **s5cmd sync** compares size and LastModified from listings and batches deletes, but with "
        "its defaults its server-side copies do not keep Content-Type (the copies get "
        "`binary/octet-stream`), which the correctness check reports. `--metadata-directive COPY` "
        "(in `s5cmd sync --help` of v2.3.0) makes S3 copy the source's Content-Type and user metadata: "
        "correct, with the same requests.",
        "- A tool that deletes while it is still listing the same bucket (aws s3 sync) can meet a "
        "moto race: moto's ListObjectsV2 walks the bucket's key dict while another request thread "
        "deletes from it, raises `KeyError` and answers 500; the tool retries, and the retried LIST "
        "is counted (a few extra LISTs in some aws s3 sync change rows). Real S3 has no such race.",
        "- Timings were taken on a machine shared with other jobs (test suites of other sessions ran "
        "at the same time), on top of moto's own limits: read them as rough and relative.",
        "",
    ]
    out += wall_vs_fastest_peer(runs)
    out += concurrency_table(runs)
    out += cap_notes(runs)
    cells = sorted({(run["n"], run["latency_ms"], run.get("latency_profile", "")) for run in runs})
    for n, latency, profile in cells:
        subset = [
            run
            for run in runs
            if (run["n"], run["latency_ms"], run.get("latency_profile", "")) == (n, latency, profile)
        ]
        out += [f"## N = {n:,}, {latency_label(subset[0])}", "", *run_table(subset), ""]
    engine_runs = [run for run in runs if run["tool"].startswith("engine")]
    if engine_runs:
        out += [
            "## Engine: Step Functions and Lambda",
            "",
            "State transitions are history events of type `*StateEntered` (what Step Functions Standard "
            "bills, one per state entered), counted for the parent execution and every Distributed Map "
            "child execution: the benchmark wraps moto's `EventManager.add_event`, through which every "
            "history event of every execution passes (moto keeps no child histories you could list), and "
            "checks the parent's share against `GetExecutionHistory`. Lambda invocations and durations "
            "are timed around the emulator's invoke (handler run in a warm worker process, plus a "
            "pipe round trip of well under a millisecond). CPU seconds are the worker process's CPU time "
            "over the handler call (all its threads); LIST pages per step come from the proxy's counts "
            "around each step that runs alone (every step but SyncRange), SyncRange's are the rest.",
            "",
            *engine_table(engine_runs),
            "",
            "### Change-set requests vs the minimum",
            "",
            "The issue asks for a change set in at most 1.1× the requests a sync cannot avoid: its LISTs, "
            "one CopyObject per copied object (`output.copied`) and one DeleteObjects per 1,000 deleted "
            "objects. Ratio = all S3 requests of the change scenario / that minimum, at each variant's "
            "largest N. Under `keep_website_redirects = true` (the default `auto` on a source with a "
            "website configuration) each copy is preceded by one HEAD: S3's CopyObject does not copy "
            "`x-amz-website-redirect-location` and no listing reports "
            "it, so reading it is the only way to keep it. Such runs send about two requests per copied "
            "object and cannot meet 1.1× in raw request count; `false`, and `auto` on a source without a "
            "website, drop the HEAD. In "
            "dollars the HEAD weighs little: it is billed at $0.0004 per 1,000 (GET class) against $0.005 "
            "per 1,000 for COPY and LIST, which the last column shows (the run's S3 bill / the minimum's).",
            "",
            *change_set_table(engine_runs),
            "",
        ]
    return "\n".join(out) + "\n"


def write_docs(results_path: Path, docs: Path = DOCS) -> None:
    results = json.loads(Path(results_path).read_text())
    docs.parent.mkdir(parents=True, exist_ok=True)
    text = render(results, Path(results_path).resolve())
    docs.write_text(text)
    import cost

    cost.append_to_docs(results, docs, Path(results_path).resolve())


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="results file (default: the newest in bench/results)")
    parser.add_argument(
        "--docs", default=str(DOCS), help="markdown file to write (default docs/BENCHMARKS.md)"
    )
    args = parser.parse_args()
    docs = Path(args.docs)
    write_docs(Path(args.results) if args.results else newest_results(), docs)
    print(f"wrote {shown(docs)}")


if __name__ == "__main__":
    main()
