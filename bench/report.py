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
}
# The change-set target: requests at most this multiple of the minimum a sync needs.
CHANGE_SET_TARGET = 1.1
TIER1 = 0.005 / 1000  # LIST, COPY, POST (DeleteObjects), bucket-level calls
TIER2 = 0.0004 / 1000  # HEAD, GET
TIER2_OPS = {"HeadObject", "GetObject"}
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}


def tool_name(tool: str) -> str:
    """Engine variants are labelled engine[-chunk<N>][-noredirect] by bench/run.py."""
    if tool in TOOL_NAMES or not tool.startswith("engine"):
        return TOOL_NAMES.get(tool, tool)
    name = "bucket-sync"
    rest = tool.removeprefix("engine")
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
        "| chunk_size | N | latency | scenario | state transitions (parent + children) | per 1,000 objects "
        "| history events (all / parent) | Lambda invocations | Lambda seconds (sum) "
        "| by step (invocations, wall s / CPU s, LIST pages) |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        steps = "; ".join(
            f"{name}: {row['invocations']}, {row['seconds']:.1f}"
            + (f" / {row['cpu_seconds']:.1f} CPU, {row['list_pages']} LIST" if "cpu_seconds" in row else "")
            for name, row in run["lambda_by_function"].items()
        )
        lines.append(
            f"| {run.get('chunk_size', 1000)} | {run['n']:,} | {latency_label(run)} | {run['scenario']} "
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


def wall_vs_fastest_peer(runs: list[dict[str, Any]]) -> list[str]:
    """Each engine variant's wall time over the fastest correct peer's, per scenario, at the
    largest N and the highest latency measured for both (the closest to S3)."""
    runs = [r for r in runs if not r.get("latency_profile")]
    engine_cells = {(r["n"], r["latency_ms"]) for r in runs if r["tool"].startswith("engine")}
    peer_cells = {(r["n"], r["latency_ms"]) for r in runs if not r["tool"].startswith("engine")}
    if not engine_cells & peer_cells:
        return []
    n, latency = max(engine_cells & peer_cells)
    here = [run for run in runs if run["n"] == n and run["latency_ms"] == latency]
    engines = sorted(
        {r["tool"] for r in here if r["tool"].startswith("engine")}, key=lambda t: (t != "engine", t)
    )
    lines = [
        f"## Wall time against the fastest correct peer (N = {n:,}, {latency:g} ms)",
        "",
        "| engine | scenario | seconds | fastest correct peer | its seconds | ratio |",
        "|---|---|---:|---|---:|---:|",
    ]
    for scenario in ("initial", "noop", "change"):
        peers = [r for r in here if not r["tool"].startswith("engine") and r["scenario"] == scenario]
        correct = [r for r in peers if r["correct"]]
        if not correct:
            continue
        best = min(correct, key=lambda r: r["seconds"])
        for tool in engines:
            mine = next((r for r in here if r["tool"] == tool and r["scenario"] == scenario), None)
            if mine is None:
                continue
            lines.append(
                f"| {tool_name(tool)} | {scenario} | {mine['seconds']:.1f} | {tool_name(best['tool'])} "
                f"| {best['seconds']:.1f} | {mine['seconds'] / best['seconds']:.2f}x |"
            )
    return [*lines, ""]


def peers_from_older(results: dict[str, Any], source: Path) -> tuple[dict[str, Any], Path | None]:
    """An engine-only results file borrows the peers' rows (aws s3 sync, rclone, s5cmd, the 2017
    algorithm) from the newest older results file that has them: the peers did not change, and
    their matrix takes half an hour to rerun. Their rows keep `results_file`."""
    if any(not run["tool"].startswith("engine") for run in results["runs"]):
        return results, None
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        if path.resolve() == Path(source).resolve() or path.name > Path(source).name:
            continue
        older = json.loads(path.read_text())
        peers = [run for run in older["runs"] if not run["tool"].startswith("engine")]
        if peers:
            borrowed = [{**run, "results_file": shown(path)} for run in peers]
            skipped = [s for s in older.get("skipped", []) if not s["tool"].startswith("engine")]
            merged = {
                **results,
                "runs": results["runs"] + borrowed,
                "skipped": results.get("skipped", []) + skipped,
                # This machine may lack the peers (bench/setup.sh): keep the versions they ran with.
                "versions": {
                    **older["versions"],
                    **{k: v for k, v in results["versions"].items() if v != "missing"},
                },
            }
            return merged, path
    return results, None


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
        "here and every tool shares the same two cores with it, so wall time mostly measures how many "
        "requests a tool sends. The request counts are the portable result.",
        "",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        *(
            [
                f"- **Two results files**: the engine's rows come from `{shown(source)}` (the engine as it "
                f"is now); the peers' rows (aws s3 sync, rclone, s5cmd, the 2017 algorithm) from "
                f"`{shown(borrowed)}`, their last full matrix (they have not changed). Compare request "
                "counts across them, not seconds: the machine's load differed."
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
        "proxy adds to every request. The engine's handlers reach the proxy through "
        "`AWS_ENDPOINT_URL_S3`; its Lambda and Step Functions traffic does not pass it.",
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
        "entry the source does not have, which the correctness check reports.",
        "- **s5cmd sync** compares size and LastModified from listings and batches deletes, but its "
        "server-side copies do not keep Content-Type (the copies get `binary/octet-stream`), which "
        "the correctness check reports.",
        "- A tool that deletes while it is still listing the same bucket (aws s3 sync) can meet a "
        "moto race: moto's ListObjectsV2 walks the bucket's key dict while another request thread "
        "deletes from it, raises `KeyError` and answers 500; the tool retries, and the retried LIST "
        "is counted (a few extra LISTs in some aws s3 sync change rows). Real S3 has no such race.",
        "- Timings were taken on a machine shared with other jobs (test suites of other sessions ran "
        "at the same time), on top of moto's own limits: read them as rough and relative.",
        "",
    ]
    out += wall_vs_fastest_peer(runs)
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
