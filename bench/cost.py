"""AWS cost of syncing 1 million objects, from the benchmark's measured counts.

    .venv/bin/python bench/cost.py [results.json] [--docs PATH]   # prints, and appends to the docs

The model, with its prices and assumptions, is model_text() below; it is printed into the docs
next to the table. The engine's Lambda is priced twice: from wall durations measured against moto
(an upper bound: moto's ListObjectsV2 rescans the bucket and is about 10x slower than S3's) and
modelled from the CPU seconds the handlers measurably use plus an assumed S3 latency. The verdict
uses the modelled figure.
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
MARK = "<!-- cost.py -->"

OBJECTS = 1_000_000
# us-east-1 list prices.
TIER1 = 0.005 / 1000
TIER2 = 0.0004 / 1000
SFN = 0.025 / 1000
LAMBDA_REQUEST = 0.20 / 1_000_000
LAMBDA_GB_SECOND = 0.0000166667
# The engine as benchmarked: the module's defaults for memory and copy threads, max_concurrency 10.
ENGINE_MEMORY_MB = 512
COPY_THREADS = 16
MAX_CONCURRENCY = 10
SAMPLE_MEMORY_GB = 128 / 1024
S3_PAGE_KEYS = 1000  # ListObjectsV2's page
SAMPLE_PAGE_KEYS = 1024  # the 2017 sample's page

# Assumptions of the modelled Lambda duration (not measured here).
FULL_VCPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB and CPU in proportion to memory below
LIST_PAGE_SECONDS = 0.2  # S3 ListObjectsV2 latency per 1,000-key page
REQUEST_SECONDS = 0.05  # S3 latency of one CopyObject, HeadObject or DeleteObjects of small objects
SENSITIVITY_LIST_SECONDS = (0.1, 0.2, 0.4)

TIER2_OPS = {"HeadObject", "GetObject"}
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}
FIXED_OPS = {"ListObjectsV2", "other"}  # priced separately for the engine (pages; per-run calls)
TARGET_NOOP_DOLLARS = 0.05
TARGET_TRANSITIONS_PER_1000 = 4.0
SCENARIOS = (("initial", "initial sync"), ("noop", "no-op re-sync"), ("change", "10% churn"))
SYNC_RANGE = "sync-range"


def model_text() -> str:
    """The model as printed into the docs, with the constants above filled in."""
    cpu_factor = FULL_VCPU_MB / ENGINE_MEMORY_MB
    return f"""\
Prices (us-east-1 list):
  S3   LIST, PUT, COPY, POST (incl. DeleteObjects, CreateMultipartUpload,
       CompleteMultipartUpload, UploadPart(Copy)) and bucket-level calls ("other")  $0.005 / 1,000
       GET, HEAD                                                                    $0.0004 / 1,000
       DELETE (DeleteObject, AbortMultipartUpload)                                  free
  Step Functions Standard                                                 $0.025 / 1,000 state transitions
  Lambda   $0.20 / 1M requests + $0.0000166667 / GB-second

Each estimate starts from the run at the largest N measured for the tool and scenario (latency
20 ms where measured, else 0 ms).

Engine (bucket-sync), at the module's lambda_memory_size of {ENGINE_MEMORY_MB} MB:
- A SyncRange step (one Lambda invocation, two states in its child execution) handles one window
  of up to chunk_size keys; a 1M-object run has ceil(1,000,000 / chunk_size) + max_concurrency
  ({MAX_CONCURRENCY}) windows (one partial window per range).
- State transitions = the fixed ones (the parent's, and each child's closing Succeed, measured)
  + the children's other states per measured window x windows. Lambda invocations = the other
  steps' (measured) + SyncRange's per measured window x windows.
- S3 LISTs are pages: 2 x ceil(1,000,000 / {S3_PAGE_KEYS:,}) full pages (both sides) + the run's
  fixed LISTs (planning probes, one partial page per range and side), taken from the measured run
  as its LISTs minus 2 x ceil(N / {S3_PAGE_KEYS:,}) and kept fixed. Bucket-level calls ("other",
  Validate's checks) are per run. Every other request is scaled per object (N to 1,000,000);
  DeleteObjects is billed as a POST.
- Lambda, moto wall (upper bound): the other steps' measured wall seconds + SyncRange's wall
  seconds per object x 1,000,000. moto's ListObjectsV2 rescans the bucket, about 10x slower than
  S3's, so this overstates the bill.
- Lambda, modelled (the verdict uses it): per window,
    SyncRange seconds = CPU seconds x {FULL_VCPU_MB:,} / {ENGINE_MEMORY_MB} (= {cpu_factor:.2f})
                      + LIST pages x {LIST_PAGE_SECONDS:g} s (one after another: source, then destination)
                      + copy/HEAD/delete requests x {REQUEST_SECONDS:g} s / {COPY_THREADS} copy threads.
  CPU seconds are measured: the Lambda worker process's CPU time over the handler call (all its
  threads: botocore's signing and XML parsing, the comparison, the copy threads). Lambda gives one
  full vCPU at {FULL_VCPU_MB:,} MB and CPU in proportion to memory below it; assumed: one core of
  this machine = one Lambda vCPU. The S3 latencies ({LIST_PAGE_SECONDS:g} s per 1,000-key LIST page,
  {REQUEST_SECONDS:g} s per copy, HEAD or DeleteObjects) are assumptions, not measurements.
  SyncRange's CPU seconds and copy/HEAD/delete requests are scaled per object and its LIST pages
  as pages (as above), then spread over the 1M run's windows: the measured windows are not full
  (10 ranges of N / 10 keys), so scaling per measured window would understate them. The other
  steps (Validate, PlanRanges, TallyRound) run once per round: their CPU x {cpu_factor:.2f} + their
  S3 requests one after another, as measured.

2017 algorithm: S3 requests as measured by bench/sync_2017.py, scaled per object. Its Step Functions
and Lambda usage is derived from its state machine (it is not deployed here): 12 states entered per
run plus 3 per listed page of 1,024 keys and side (list Task, copy/delete Task, Choice); 4 + 2 Lambda
invocations per page and side, whose durations are the measured per-page list and work times of
sync_2017.py against moto (so only the moto-wall column), at the sample's own MemorySize of 128 MB."""


def pick(runs: list[dict[str, Any]], tool: str, scenario: str) -> dict[str, Any] | None:
    """The run at the largest N (latency 20 ms preferred) for a tool and scenario."""
    found = [r for r in runs if r["tool"] == tool and r["scenario"] == scenario]
    if not found:
        return None
    return max(found, key=lambda r: (r["n"], r["latency_ms"] == 20))


def engine_windows(run: dict[str, Any]) -> int:
    """SyncRange windows of a 1M-object run with the run's chunk_size (max_concurrency 10)."""
    return math.ceil(OBJECTS / run.get("chunk_size", 1000)) + MAX_CONCURRENCY


def full_pages(objects: int) -> int:
    """LIST pages of a complete listing of both sides with `objects` keys each."""
    return 2 * math.ceil(objects / S3_PAGE_KEYS)


def sample_seconds(run: dict[str, Any]) -> float:
    timings = run.get("sync_2017", {})
    return timings.get("list_seconds", 0.0) + timings.get("work_seconds", 0.0)


def engine_s3(run: dict[str, Any]) -> tuple[float, float]:
    """Tier-1 and tier-2 S3 requests of a 1M-object run: LISTs as pages, per-run calls fixed."""
    scale = OBJECTS / run["n"]
    requests = run["requests"]
    lists = full_pages(OBJECTS) + requests.get("ListObjectsV2", 0) - full_pages(run["n"])
    scaled = sum(n for op, n in requests.items() if op not in TIER2_OPS | FREE_OPS | FIXED_OPS)
    tier1 = lists + requests.get("other", 0) + scaled * scale
    tier2 = sum(n for op, n in requests.items() if op in TIER2_OPS) * scale
    return tier1, tier2


def modelled_lambda(run: dict[str, Any], list_seconds: float = LIST_PAGE_SECONDS) -> dict[str, float] | None:
    """Modelled Lambda seconds of a 1M-object run (model_text()); None without CPU measurements."""
    steps = run["lambda_by_function"]
    sync = steps.get(SYNC_RANGE)
    if sync is None or "cpu_seconds" not in sync:
        return None
    cpu_factor = FULL_VCPU_MB / ENGINE_MEMORY_MB
    scale = OBJECTS / run["n"]
    windows = engine_windows(run)
    cpu = sync["cpu_seconds"] * scale / windows
    pages = (full_pages(OBJECTS) + sync["list_pages"] - full_pages(run["n"])) / windows
    work = (sync["s3_requests"] - sync["list_pages"]) * scale / windows
    window_seconds = cpu * cpu_factor + pages * list_seconds + work * REQUEST_SECONDS / COPY_THREADS
    others = sum(
        row["cpu_seconds"] * cpu_factor
        + row["list_pages"] * list_seconds
        + (row["s3_requests"] - row["list_pages"]) * REQUEST_SECONDS
        for name, row in steps.items()
        if name != SYNC_RANGE
    )
    return {
        "windows": windows,
        "cpu_per_window": cpu,
        "pages_per_window": pages,
        "work_per_window": work,
        "window_seconds": window_seconds,
        "other_steps_seconds": others,
        "seconds": window_seconds * windows + others,
    }


def estimate(run: dict[str, Any], list_seconds: float = LIST_PAGE_SECONDS) -> dict[str, Any]:
    scale = OBJECTS / run["n"]
    modelled_gb_seconds = None
    if run["tool"].startswith("engine"):
        sync = run["lambda_by_function"].get(SYNC_RANGE, {"invocations": 0, "seconds": 0.0})
        per_window = engine_windows(run) / max(1, sync["invocations"])
        # Fixed: the parent's states and each child's closing Succeed; the rest is 2 per window.
        fixed = run["state_transitions_parent"] + run["state_entered_by_type"].get("SucceedStateEntered", 0)
        transitions = fixed + (run["state_transitions"] - fixed) * per_window
        invocations = run["lambda_invocations"] - sync["invocations"] + sync["invocations"] * per_window
        # SyncRange's time goes into listing and comparing keys: scale it per object, not per window.
        seconds = run["lambda_seconds"] - sync["seconds"] + sync["seconds"] * scale
        gb_seconds = seconds * ENGINE_MEMORY_MB / 1024
        tier1, tier2 = engine_s3(run)
        modelled = modelled_lambda(run, list_seconds)
        if modelled is not None:
            modelled_gb_seconds = modelled["seconds"] * ENGINE_MEMORY_MB / 1024
    else:  # the 2017 state machine, derived from its definition
        pages = 2 * math.ceil(OBJECTS / SAMPLE_PAGE_KEYS)
        transitions = 12 + 3 * pages
        invocations = 4 + 2 * pages
        gb_seconds = sample_seconds(run) * scale * SAMPLE_MEMORY_GB
        tier1 = sum(n for op, n in run["requests"].items() if op not in TIER2_OPS | FREE_OPS) * scale
        tier2 = sum(n for op, n in run["requests"].items() if op in TIER2_OPS) * scale
    fixed_dollars = tier1 * TIER1 + tier2 * TIER2 + transitions * SFN + invocations * LAMBDA_REQUEST
    wall_lambda = invocations * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND
    model_lambda = (
        None
        if modelled_gb_seconds is None
        else invocations * LAMBDA_REQUEST + modelled_gb_seconds * LAMBDA_GB_SECOND
    )
    return {
        "measured_at": f"{run['n']:,}, {run['latency_ms']:g} ms",
        "s3_tier1": tier1 * TIER1,
        "s3_tier2": tier2 * TIER2,
        "transitions": transitions,
        "sfn": transitions * SFN,
        "lambda_invocations": invocations,
        "gb_seconds": gb_seconds,
        "lambda": wall_lambda,
        "total": fixed_dollars + gb_seconds * LAMBDA_GB_SECOND,
        "modelled_gb_seconds": modelled_gb_seconds,
        "modelled_lambda": model_lambda,
        "modelled_total": None
        if modelled_gb_seconds is None
        else fixed_dollars + modelled_gb_seconds * LAMBDA_GB_SECOND,
    }


def engine_label(runs: list[dict[str, Any]], tool: str) -> str:
    """Name an engine variant by what its runs recorded (older results: chunk_size 1000, redirects on)."""
    run = next(r for r in runs if r["tool"] == tool)
    label = f"bucket-sync, chunk_size {run.get('chunk_size', 1000)}"
    return label if run.get("keep_website_redirects", True) else label + ", keep_website_redirects = false"


def engine_tools(runs: list[dict[str, Any]]) -> list[str]:
    found = {r["tool"] for r in runs if r["tool"].startswith("engine")}
    return sorted(found, key=lambda t: (t != "engine", t))


def money(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"${value:.{digits}f}"


def table(results: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """The cost table, the modelled SyncRange breakdown and the verdicts."""
    runs = results["runs"]
    lines = [
        "| tool | scenario | measured at (N, latency) | S3 LIST/PUT/COPY/POST | S3 GET/HEAD "
        "| state transitions | Step Functions | Lambda invocations "
        "| Lambda GB-s, moto wall (upper bound) | Lambda, moto wall | total, moto wall "
        "| Lambda GB-s, modelled | Lambda, modelled | **total, modelled** |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    breakdown = [
        "| tool | scenario | windows | SyncRange CPU s per window (measured, 1 core) "
        f"| at {ENGINE_MEMORY_MB} MB | LIST pages per window | LIST wait "
        "| copy/HEAD/delete requests per window "
        f"| their wait (/{COPY_THREADS}) | SyncRange s per window | other steps, s | GB-s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts: list[str] = []
    engines = engine_tools(runs)
    labels = {t: engine_label(runs, t) for t in engines}
    labels["2017"] = "2017 sample"
    cpu_factor = FULL_VCPU_MB / ENGINE_MEMORY_MB
    for tool in [*engines, "2017"]:
        for scenario, scenario_label in SCENARIOS:
            picked = pick(runs, tool, scenario)
            if picked is None:
                continue
            e = estimate(picked)
            modelled_gb = "—" if e["modelled_gb_seconds"] is None else f"{e['modelled_gb_seconds']:,.0f}"
            lines.append(
                f"| {labels[tool]} | {scenario_label} | {e['measured_at']} "
                f"| ${e['s3_tier1']:.4f} | ${e['s3_tier2']:.4f} | {e['transitions']:,.0f} | ${e['sfn']:.4f} "
                f"| {e['lambda_invocations']:,.0f} | {e['gb_seconds']:,.0f} | ${e['lambda']:.4f} "
                f"| ${e['total']:.4f} | {modelled_gb} | {money(e['modelled_lambda'])} "
                f"| **{money(e['modelled_total'])}** |"
            )
            m = modelled_lambda(picked) if tool.startswith("engine") else None
            if m is not None:
                breakdown.append(
                    f"| {labels[tool]} | {scenario_label} | {m['windows']:,} | {m['cpu_per_window']:.3f} "
                    f"| {m['cpu_per_window'] * cpu_factor:.2f} s | {m['pages_per_window']:.1f} "
                    f"| {m['pages_per_window'] * LIST_PAGE_SECONDS:.2f} s | {m['work_per_window']:,.0f} "
                    f"| {m['work_per_window'] * REQUEST_SECONDS / COPY_THREADS:.2f} s "
                    f"| {m['window_seconds']:.2f} | {m['other_steps_seconds']:.1f} "
                    f"| {e['modelled_gb_seconds']:,.0f} |"
                )
            if tool.startswith("engine") and scenario == "noop":
                verdicts += noop_verdict(labels[tool], picked, e)
    for tool in engines:
        verdicts.append(transitions_verdict(runs, tool, labels[tool]))
    return lines, breakdown, verdicts


def noop_verdict(label: str, run: dict[str, Any], e: dict[str, Any]) -> list[str]:
    head = f"- {label}: target no-op re-sync of 1M objects ≤ ${TARGET_NOOP_DOLLARS:.2f} total. "
    parts = f"S3 ${e['s3_tier1'] + e['s3_tier2']:.4f}, Step Functions ${e['sfn']:.4f}"
    if e["modelled_total"] is None:
        return [
            head + "This results file has no CPU measurements (older bench/run.py), so no modelled "
            f"estimate; upper bound with moto's wall durations ${e['total']:.4f} ({parts}, Lambda "
            f"${e['lambda']:.4f}): "
            + ("**met**." if e["total"] <= TARGET_NOOP_DOLLARS else "**undecided** (rerun bench/run.py).")
        ]
    ok = e["modelled_total"] <= TARGET_NOOP_DOLLARS
    sensitivity = ", ".join(
        f"${estimate(run, seconds)['modelled_total']:.4f} at {seconds:g} s"
        for seconds in SENSITIVITY_LIST_SECONDS
    )
    return [
        head + f"Modelled **${e['modelled_total']:.4f}** ({parts}, Lambda ${e['modelled_lambda']:.4f}): "
        f"**{'met' if ok else 'NOT met'}**. Upper bound with moto's wall durations: ${e['total']:.4f} "
        f"(Lambda ${e['lambda']:.4f}).",
        f"  Sensitivity to the assumed S3 LIST latency per 1,000-key page: {sensitivity}.",
    ]


def transitions_verdict(runs: list[dict[str, Any]], tool: str, label: str) -> str:
    per_run = [(1000 * r["state_transitions"] / r["n"], r) for r in runs if r["tool"] == tool]
    largest = max(r["n"] for _, r in per_run)
    at_largest = max(v for v, r in per_run if r["n"] == largest)
    at_million = max(
        1000 * estimate(picked)["transitions"] / OBJECTS
        for picked in (pick(runs, tool, scenario) for scenario, _ in SCENARIOS)
        if picked is not None
    )
    ok = at_million <= TARGET_TRANSITIONS_PER_1000
    return (
        f"- {label}: target ≤ {TARGET_TRANSITIONS_PER_1000:g} state transitions per 1,000 objects. "
        f"Measured at most **{at_largest:.2f}** per 1,000 at N = {largest:,} (any scenario and latency; "
        f"fixed per-run states included), **{at_million:.2f}** per 1,000 extrapolated to 1M: "
        f"**{'met' if ok else 'NOT met'}** at scale"
        + ("" if at_largest <= TARGET_TRANSITIONS_PER_1000 else f" (not at N = {largest:,})")
        + "."
    )


def render(results: dict[str, Any]) -> str:
    lines, breakdown, verdicts = table(results)
    return "\n".join(
        [
            MARK,
            "## Cost of syncing 1 million objects (bench/cost.py)",
            "",
            "```",
            model_text(),
            "```",
            "",
            *lines,
            "",
            "The 2017 sample's Lambda is priced one way only (its durations against moto); compare its "
            "moto-wall total.",
            "",
            *(
                ["Modelled Lambda of the engine, per window of the 1M-object run:", "", *breakdown, ""]
                if len(breakdown) > 2
                else []
            ),
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

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="results file (default: the newest in bench/results)")
    parser.add_argument(
        "--docs", default=str(DOCS), help="markdown file to append to (default docs/BENCHMARKS.md)"
    )
    args = parser.parse_args()
    path = Path(args.results) if args.results else report.newest_results()
    results = json.loads(path.read_text())
    print(render(results).split("\n", 1)[1])
    docs = Path(args.docs)
    append_to_docs(results, docs)
    print(f"\nappended to {report.shown(docs)}")


if __name__ == "__main__":
    main()
