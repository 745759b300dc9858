"""The 2017 AWS sample's bill at 1M objects, from its measured requests and its state machine."""

from __future__ import annotations

import math
from typing import Any

from .assumptions import FREE_OPS, LAMBDA_GB_SECOND, LAMBDA_REQUEST, SFN, TIER1, TIER2, TIER2_OPS, Cpu
from .scale import scale

# Derived from the sample's state machine; it is not deployed here.
SAMPLE_PAGE_KEYS = 1024
SAMPLE_MEMORY_GB = 128 / 1024


def sample_cost(run: dict[str, Any], objects: int = 1_000_000) -> dict[str, float]:
    """The 2017 state machine at `objects`: its S3 requests as measured, scaled per object; 12
    states per run + 3 per listed page and side; 4 + 2 Lambda invocations per page and side at its
    128 MB (x86) for the measured per-page seconds against moto."""
    scale_by = objects / run["n"]
    pages = 2 * math.ceil(objects / SAMPLE_PAGE_KEYS)
    transitions = 12 + 3 * pages
    invocations = 4 + 2 * pages
    timings = run.get("sync_2017", {})
    seconds = (timings.get("list_seconds", 0.0) + timings.get("work_seconds", 0.0)) * scale_by
    tier1 = sum(n for op, n in run["requests"].items() if op not in TIER2_OPS | FREE_OPS) * scale_by
    tier2 = sum(n for op, n in run["requests"].items() if op in TIER2_OPS) * scale_by
    s3 = tier1 * TIER1 + tier2 * TIER2
    lam = invocations * LAMBDA_REQUEST + seconds * SAMPLE_MEMORY_GB * LAMBDA_GB_SECOND["x86_64"]
    return {"s3": s3, "sfn": transitions * SFN, "lambda": lam, "total": s3 + transitions * SFN + lam}


def sample_lines(runs: list[dict[str, Any]], source: str, cpu: Cpu) -> list[str]:
    found = {
        scenario: max(
            (r for r in runs if r["tool"] == "2017" and r["scenario"] == scenario),
            key=lambda r: (r["n"], r["latency_ms"]),
            default=None,
        )
        for scenario in ("noop", "initial")
    }
    if not any(found.values()):
        return []
    lines = [
        f"The 2017 sample's algorithm at 1M objects, for comparison (its requests measured in `{source}`, "
        "its Step Functions and Lambda usage derived from its state machine, Lambda at its 128 MB x86):",
        "",
        "| scenario | 2017 sample: S3 | Step Functions | Lambda | total | bucket-sync (model above) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario, run in found.items():
        if run is None:
            continue
        c = sample_cost(run)
        ours = scale(1_000_000, scenario, cpu)["total"]
        lines.append(
            f"| {scenario} | ${c['s3']:.4f} | ${c['sfn']:.4f} | ${c['lambda']:.4f} | ${c['total']:.4f} "
            f"| ${ours:.4f} |"
        )
    return [*lines, ""]
