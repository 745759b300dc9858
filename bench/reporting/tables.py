"""The per-cell tables: every run's requests, the engine's Step Functions and Lambda use,
requests per 1,000 objects, and the change-set check."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench.costmodel.assumptions import FREE_OPS, TIER1, TIER2, TIER2_OPS
from bench.reporting.common import (
    CHANGE_SET_TARGET,
    DEFAULT_MAX_CONCURRENCY,
    latency_label,
    ops_columns,
    tool_name,
)


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
