"""The model's markdown tables: measured CPU, one window, the scale rows, and the model against
what the emulator counted."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .assumptions import DEFAULTS, SCALES, Cpu, Setup
from .measured import BENCH_MAX_CONCURRENCY, PLAN_RANGES, SYNC_RANGE, cpu_rows, engine_runs
from .scale import scale
from .window import window, windows_per_invocation

# bench/run.py's keys ("d00/obj-0000000.dat"): the length PlanRanges' ceiling search halves.
BENCH_KEY_LENGTH = 19


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def cpu_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| run | N | no-op: SyncRange CPU s / keys listed (both sides) | **CPU ms per listed key** "
        "| initial: SyncRange CPU s / objects copied | HEAD per copy "
        "| **CPU ms per copied object** (listing's share taken off) | PlanRanges CPU ms per page |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in cpu_rows(runs):
        lines.append(
            f"| {r['tool']}, {r['latency_ms']:g} ms | {r['n']:,} "
            f"| {r['noop_cpu_s']:.2f} / {r['noop_listed']:,} "
            f"| **{r['per_listed_key_ms']:.3f}** | {r['initial_cpu_s']:.2f} / {r['copied']:,} "
            f"| {'yes' if r['heads'] else 'no'} | **{r['per_copied_ms']:.2f}** | {r['planner_page_ms']:.1f} |"
        )
    return lines


def window_table(cpu: Cpu, s: Setup = DEFAULTS) -> list[str]:
    lines = [
        "| scenario | LIST pages | LIST wait | CPU (listing + copies) | copy phase (latency and CPU "
        "perfectly overlapped) | window | bound by | windows per invocation |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for scenario, label in (("noop", "no-op re-sync"), ("initial", "initial copy")):
        w = window(scenario, cpu, s)
        bound = w["copy_bound"] if w["copies"] else "LIST latency + CPU per listed key"
        lines.append(
            f"| {label} | {w['lists']} | {w['list_seconds']:.2f} s | {w['cpu_seconds']:.2f} s "
            f"| {w['copy_phase']:.2f} s ({w['copy_phase_overlapped']:.2f} s) | {w['seconds']:.2f} s | "
            f"{bound} "
            f"| {windows_per_invocation(w['seconds'], s)} |"
        )
    return lines


def scale_table(cpu: Cpu, s: Setup = DEFAULTS) -> list[str]:
    lines = [
        "| objects | scenario | windows | windows an invocation can run | rounds | children "
        "| Lambda invocations | state transitions | S3 LIST (PlanRanges') | S3 COPY | wall | aggregate "
        "COPY/s "
        "| S3 | Step Functions | Lambda (GB-s) | DynamoDB | **total** | **per 1M objects** |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for objects in SCALES:
        rows = (
            ("noop", "no-op re-sync", s),
            ("initial", "initial copy, small objects", s),
            ("initial", "initial copy onto one S3 partition", replace(s, destination_partitions=1)),
        )
        for scenario, label, setup in rows:
            m = scale(objects, scenario, cpu, setup)
            lines.append(
                f"| {objects:,} | {label} | {m['windows']:,} | {m['windows_per_invocation']} | {m['rounds']} "
                f"| {m['children']:,} | {m['invocations']:,} | {m['transitions']:,} "
                f"| {m['lists']:,} ({m['planner_lists']:,}) | {m['copies']:,} | {duration(m['wall'])} "
                f"| {m['copy_rate']:,.0f} | ${m['s3']:,.4f} | ${m['sfn']:,.4f} "
                f"| ${m['lambda']:,.4f} ({m['gb_seconds']:,.0f}) | ${m['ddb']:,.4f} | **${m['total']:,.4f}** "
                f"| **${m['total'] * 1_000_000 / objects:.4f}** |"
            )
    return lines


def check_setup(run: dict[str, Any]) -> Setup:
    """The benchmark's own deployment of `run`, for the model."""
    return Setup(
        max_concurrency=run.get("max_concurrency", BENCH_MAX_CONCURRENCY),
        chunk_size=run.get("chunk_size", 1000),
        read_redirects=run.get("keep_website_redirects", True),
        key_length=BENCH_KEY_LENGTH,
    )


def check_rows(runs: list[dict[str, Any]], cpu: Cpu) -> list[dict[str, Any]]:
    """Per no-op and initial engine run: what the emulator counted and what the model says."""
    rows = []
    for run in engine_runs(runs):
        if run["scenario"] == "change":
            continue
        setup = check_setup(run)
        m = scale(run["n"], run["scenario"], cpu, setup)
        planner = run["lambda_by_function"].get(PLAN_RANGES, {})
        rows.append(
            {
                "run": run,
                "setup": setup,
                "model": m,
                "measured": {
                    "states": run["state_transitions"],
                    "invocations": run["lambda_invocations"],
                    "lists": run["requests"].get("ListObjectsV2", 0),
                    "planner_lists": planner.get("list_pages", 0),
                    "sync_seconds": run["lambda_by_function"][SYNC_RANGE]["seconds"]
                    / max(1, run["lambda_by_function"][SYNC_RANGE]["invocations"]),
                },
            }
        )
    return rows


def check_table(runs: list[dict[str, Any]], cpu: Cpu) -> list[str]:
    """The model at the benchmark's own settings against what the emulator counted. Not its
    seconds: the emulator's own overhead (worker processes sharing 2 cores with moto) dwarfs a
    sub-second window."""
    lines = [
        "| run | N | max_concurrency | chunk_size | scenario | windows per range (model) "
        "| states entered, measured / model | Lambda invocations, measured / model "
        "| LISTs, measured / model | of which PlanRanges', measured / model "
        "| SyncRange s per invocation, emulator |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in check_rows(runs, cpu):
        run, setup, m, got = row["run"], row["setup"], row["model"], row["measured"]
        lines.append(
            f"| {run['tool']}{', aws profile' if run.get('latency_profile') else ''} | {run['n']:,} "
            f"| {setup.max_concurrency} | {setup.chunk_size:,} | {run['scenario']} "
            f"| {m['windows'] / m['children']:g} "
            f"| {got['states']} / {m['states_entered']} "
            f"| {got['invocations']} / {m['invocations']} "
            f"| {got['lists']} / {m['lists']} | {got['planner_lists']} / {m['planner_lists']} "
            f"| {got['sync_seconds']:.0f} |"
        )
    return lines
