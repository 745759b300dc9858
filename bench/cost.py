"""AWS cost of syncing 1 million objects, from the benchmark's measured counts.

    .venv/bin/python bench/cost.py [bench/results/<date>.json]   # prints, and appends to docs/BENCHMARKS.md

Model (us-east-1 list prices):
  S3   LIST, PUT, COPY, POST (incl. DeleteObjects, CreateMultipartUpload,
       CompleteMultipartUpload, UploadPart(Copy)) and bucket-level calls ("other")  $0.005 / 1,000
       GET, HEAD                                                                    $0.0004 / 1,000
       DELETE (DeleteObject, AbortMultipartUpload)                                  free
  Step Functions Standard                                                 $0.025 / 1,000 state transitions
  Lambda   $0.20 / 1M requests + $0.0000166667 / GB-second

Each estimate starts from the run at the largest N measured for the tool and scenario (latency
20 ms where measured, the closer stand-in for S3's real latency, else 0 ms).
- S3 requests are scaled per object (N to 1,000,000). That keeps the engine's fixed LISTs
  (planning probes, a partial window per range) in the per-object rate: slightly high.
  DeleteObjects is billed as a POST (conservative; one per range with orphans).
- The engine's Step Functions and Lambda requests are scaled per window, because that is what
  they are made of: a SyncRange step (one Lambda invocation, two states in its child execution)
  handles one window of up to chunk_size keys, so a 1M-object run has at most
  ceil(1,000,000 / chunk_size) + max_concurrency windows (one partial window per range).
  State transitions = the fixed ones (the parent's, and each child's closing Succeed, measured)
  + the children's other states per measured window x windows. Lambda invocations = the other
  steps' (measured) + SyncRange's per measured window x windows.
- Lambda GB-seconds = the other steps' measured seconds + SyncRange's seconds per object x
  1,000,000 (its time goes into listing and comparing keys), at 512 MB.

Engine: state transitions and Lambda invocations/durations as measured in the emulator, at the
module's default lambda_memory_size (512 MB). Durations come from handlers running against moto,
which is slower than S3 per request; they are an upper-bound stand-in.

2017 algorithm: S3 requests as measured by bench/sync_2017.py. Its Step Functions and Lambda usage
is derived from its state machine (it is not deployed here): 12 states entered per run plus 3 per
listed page of 1,024 keys and side (list Task, copy/delete Task, Choice); 4 + 2 Lambda invocations
per page and side, whose durations are the measured per-page list and work times of sync_2017.py,
at the sample's own MemorySize of 128 MB.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "BENCHMARKS.md"
MARK = "<!-- cost.py -->"

OBJECTS = 1_000_000
TIER1 = 0.005 / 1000
TIER2 = 0.0004 / 1000
SFN = 0.025 / 1000
LAMBDA_REQUEST = 0.20 / 1_000_000
LAMBDA_GB_SECOND = 0.0000166667
ENGINE_MEMORY_GB = 512 / 1024
SAMPLE_MEMORY_GB = 128 / 1024
PAGE_KEYS = 1024
MAX_CONCURRENCY = 10

TIER2_OPS = {"HeadObject", "GetObject"}
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}
TARGET_NOOP_DOLLARS = 0.05
TARGET_TRANSITIONS_PER_1000 = 4.0
SCENARIOS = (("initial", "initial sync"), ("noop", "no-op re-sync"), ("change", "10% churn"))


def pick(runs: list[dict[str, Any]], tool: str, scenario: str) -> dict[str, Any] | None:
    """The run at the largest N (latency 20 ms preferred) for a tool and scenario."""
    found = [r for r in runs if r["tool"] == tool and r["scenario"] == scenario]
    if not found:
        return None
    return max(found, key=lambda r: (r["n"], r["latency_ms"] == 20))


def engine_windows(run: dict[str, Any]) -> int:
    """SyncRange windows of a 1M-object run with the run's chunk_size (max_concurrency 10)."""
    return math.ceil(OBJECTS / run.get("chunk_size", 1000)) + MAX_CONCURRENCY


def tier1(run: dict[str, Any]) -> int:
    return sum(n for op, n in run["requests"].items() if op not in TIER2_OPS and op not in FREE_OPS)


def tier2(run: dict[str, Any]) -> int:
    return sum(n for op, n in run["requests"].items() if op in TIER2_OPS)


def sample_seconds(run: dict[str, Any]) -> float:
    timings = run.get("sync_2017", {})
    return timings.get("list_seconds", 0.0) + timings.get("work_seconds", 0.0)


def estimate(run: dict[str, Any]) -> dict[str, Any]:
    scale = OBJECTS / run["n"]
    if run["tool"].startswith("engine"):
        sync = run["lambda_by_function"].get("sync-range", {"invocations": 0, "seconds": 0.0})
        per_window = engine_windows(run) / max(1, sync["invocations"])
        # Fixed: the parent's states and each child's closing Succeed; the rest is 2 per window.
        fixed = run["state_transitions_parent"] + run["state_entered_by_type"].get("SucceedStateEntered", 0)
        transitions = fixed + (run["state_transitions"] - fixed) * per_window
        invocations = run["lambda_invocations"] - sync["invocations"] + sync["invocations"] * per_window
        # SyncRange's time goes into listing and comparing keys: scale it per object, not per window.
        seconds = run["lambda_seconds"] - sync["seconds"] + sync["seconds"] * scale
        gb_seconds = seconds * ENGINE_MEMORY_GB
    else:  # the 2017 state machine, derived from its definition
        pages = 2 * math.ceil(OBJECTS / PAGE_KEYS)
        transitions = 12 + 3 * pages
        invocations = 4 + 2 * pages
        gb_seconds = sample_seconds(run) * scale * SAMPLE_MEMORY_GB
    tier1_dollars = tier1(run) * scale * TIER1
    tier2_dollars = tier2(run) * scale * TIER2
    sfn = transitions * SFN
    lam = invocations * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND
    return {
        "measured_at": f"{run['n']:,}, {run['latency_ms']:g} ms",
        "s3_tier1": tier1_dollars,
        "s3_tier2": tier2_dollars,
        "transitions": transitions,
        "sfn": sfn,
        "lambda_invocations": invocations,
        "gb_seconds": gb_seconds,
        "lambda": lam,
        "total": tier1_dollars + tier2_dollars + sfn + lam,
    }


def table(results: dict[str, Any]) -> tuple[list[str], list[str]]:
    runs = results["runs"]
    lines = [
        "| tool | scenario | measured at (N, latency) | S3 LIST/PUT/COPY/POST | S3 GET/HEAD "
        "| state transitions | Step Functions | Lambda (invocations, GB-s) | Lambda | **total** |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts: list[str] = []
    engines = sorted(
        {r["tool"] for r in runs if r["tool"].startswith("engine")}, key=lambda t: (t != "engine", t)
    )
    labels = {
        t: "bucket-sync" + ("" if t == "engine" else f" (chunk_size {t.removeprefix('engine-chunk')})")
        for t in engines
    }
    labels["2017"] = "2017 sample"
    for tool in [*engines, "2017"]:
        for scenario, scenario_label in SCENARIOS:
            picked = pick(runs, tool, scenario)
            if picked is None:
                continue
            e = estimate(picked)
            lines.append(
                f"| {labels[tool]} | {scenario_label} | {e['measured_at']} "
                f"| ${e['s3_tier1']:.4f} | ${e['s3_tier2']:.4f} | {e['transitions']:,.0f} | ${e['sfn']:.4f} "
                f"| {e['lambda_invocations']:,.0f}, {e['gb_seconds']:,.0f} | ${e['lambda']:.4f} "
                f"| **${e['total']:.4f}** |"
            )
            if tool.startswith("engine") and scenario == "noop":
                ok = e["total"] <= TARGET_NOOP_DOLLARS
                verdicts.append(
                    f"- {labels[tool]}: target no-op re-sync of 1M objects "
                    f"≤ ${TARGET_NOOP_DOLLARS:.2f} total. "
                    f"Estimate **${e['total']:.4f}** (S3 ${e['s3_tier1'] + e['s3_tier2']:.4f}, "
                    f"Step Functions ${e['sfn']:.4f}, Lambda ${e['lambda']:.4f}): "
                    f"**{'met' if ok else 'NOT met'}**."
                )
    noop = pick(runs, "engine", "noop")
    if noop is not None:
        verdicts += projection(noop)
    for tool in engines:
        per_run = [(1000 * r["state_transitions"] / r["n"], r) for r in runs if r["tool"] == tool]
        largest = max(r["n"] for _, r in per_run)
        at_largest = max(v for v, r in per_run if r["n"] == largest)
        at_million = max(
            1000 * estimate(picked)["transitions"] / OBJECTS
            for picked in (pick(runs, tool, scenario) for scenario, _ in SCENARIOS)
            if picked is not None
        )
        ok = at_million <= TARGET_TRANSITIONS_PER_1000
        verdicts.append(
            f"- {labels[tool]}: target ≤ {TARGET_TRANSITIONS_PER_1000:g} state transitions "
            "per 1,000 objects. "
            f"Measured at most **{at_largest:.2f}** per 1,000 at N = {largest:,} (any scenario and latency; "
            f"fixed per-run states included), **{at_million:.2f}** per 1,000 extrapolated to 1M: "
            f"**{'met' if ok else 'NOT met'}** at scale"
            + ("" if at_largest <= TARGET_TRANSITIONS_PER_1000 else f" (not at N = {largest:,})")
            + "."
        )
    return lines, verdicts


ASSUMED_SECONDS_PER_LIST = 0.15  # one 1,000-key ListObjectsV2 page on S3, for the projection only


def projection(noop: dict[str, Any]) -> list[str]:
    """What the no-op would cost with a larger chunk_size (a projection from the measured run)."""
    base = estimate(noop)
    sync = noop["lambda_by_function"]["sync-range"]
    lines = [
        f"- Why: at chunk_size {noop.get('chunk_size', 1000)} a 1M-object no-op has ~"
        f"{engine_windows(noop):,} windows of 2 state transitions each, so Step Functions alone comes "
        f"to ${base['sfn']:.4f}. The Lambda figure uses durations measured against moto, whose "
        f"ListObjectsV2 is far slower than S3's (here {sync['seconds'] / sync['invocations']:.1f} s "
        "a window of two 1,000-key pages); it is an upper bound.",
        "- **Projection, not measured** (same per-window transition rate, same LIST count, SyncRange "
        f"billed {ASSUMED_SECONDS_PER_LIST:g} s per 1,000-key LIST page per side, an assumed S3 "
        "figure) of a 1M-object no-op by chunk_size:",
        "",
        "  | chunk_size | windows | state transitions | Step Functions | Lambda | S3 | total | ≤ $0.05 |",
        "  |---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    fixed = noop["state_transitions_parent"] + noop["state_entered_by_type"].get("SucceedStateEntered", 0)
    per_window_states = (noop["state_transitions"] - fixed) / sync["invocations"]
    s3 = base["s3_tier1"] + base["s3_tier2"]
    for chunk in (1000, 2000, 5000, 10000):
        windows = math.ceil(OBJECTS / chunk) + MAX_CONCURRENCY
        transitions = fixed + per_window_states * windows
        sfn = transitions * SFN
        gb_seconds = 2 * (OBJECTS / 1000) * ASSUMED_SECONDS_PER_LIST * ENGINE_MEMORY_GB
        lam = (windows + 3) * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND
        total = sfn + lam + s3
        lines.append(
            f"  | {chunk:,} | {windows:,} | {transitions:,.0f} | ${sfn:.4f} | ${lam:.4f} | ${s3:.4f} "
            f"| ${total:.4f} | {'yes' if total <= TARGET_NOOP_DOLLARS else 'no'} |"
        )
    lines.append("")
    return lines


def render(results: dict[str, Any]) -> str:
    lines, verdicts = table(results)
    doc = (__doc__ or "").split("Model (us-east-1 list prices):", 1)[1].strip()
    return "\n".join(
        [
            MARK,
            "## Cost of syncing 1 million objects (bench/cost.py)",
            "",
            "```",
            doc,
            "```",
            "",
            *lines,
            "",
            *verdicts,
            "",
        ]
    )


def append_to_docs(results: dict[str, Any], docs: Path = DOCS) -> None:
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    text = text.split(MARK, 1)[0].rstrip() + "\n\n" + render(results)
    docs.write_text(text)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import report

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else report.newest_results()
    results = json.loads(path.read_text())
    lines, verdicts = table(results)
    print("\n".join(lines + [""] + verdicts))
    append_to_docs(results)
    print(f"\nappended to {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
