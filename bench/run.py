"""Benchmark: our engine against the 2017 algorithm, aws s3 sync, rclone and s5cmd.

Everything runs on the local emulator (moto, in this process). Each tool's S3 traffic goes through
bench/proxy.py (a child process) which counts requests by operation and adds a latency (fixed, or
per operation with --latency-profile); the
engine's handlers reach it through AWS_ENDPOINT_URL_S3 (their Lambda and Step Functions traffic
does not pass it). Buckets are filled, changed and checked through moto's backend directly, so
none of that is counted or slows the run.

For each N × latency × tool, on a fresh bucket pair:
  initial  - the source has N objects, the destination none;
  noop     - the same again, nothing changed;
  change   - 10% of the source objects rewritten (half same size, new content; half new size),
             5% added, 5% deleted; then sync.
Each scenario records wall seconds, requests by operation and a correctness check of the
destination against the source (keys, sizes, ETags, Content-Type and user metadata).

    .venv/bin/python bench/run.py                       # the full matrix (see --help)
    .venv/bin/python bench/run.py --sizes 2000 --latencies 0 --tools engine,2017
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(ROOT / "handlers")]

from bench.costmodel.measured import cpu_rows  # noqa: E402
from bench.proxy_process import ProxyProcess  # noqa: E402
from bench.report import write_docs  # noqa: E402
from bench.running.cpu_meter import CpuMeter  # noqa: E402
from bench.running.data import Store, change_set, check, initial_objects  # noqa: E402
from bench.running.engine import SYNC_RANGE, EngineProbe, engine_run  # noqa: E402
from bench.running.machine import machine, versions  # noqa: E402
from bench.running.peers import TOOLS, Tools  # noqa: E402
from bench.s3_operations import LATENCY_PROFILES  # noqa: E402
from harness import Emulator, TerraformStack  # noqa: E402

SCENARIOS = ("initial", "noop", "change")
# The module's default chunk_size: the engine run with it is labelled plain "engine".
DEFAULT_CHUNK_SIZE = 5000
# The benchmark's max_concurrency (one Lambda worker process per slot): others label -mc<N>.
DEFAULT_MAX_CONCURRENCY = 10
# Skipped unless --include-slow: these two send 2-3 requests per object on every run, so at
# N = 20,000 each takes longer than the whole matrix's budget on the emulator, and their N = 2,000
# counts are linear in N (docs/BENCHMARK_NOTES.md, "Cells not run").
SLOW_CELLS = {("2017", 20000, 0.0), ("2017", 20000, 20.0), ("rclone", 20000, 0.0), ("rclone", 20000, 20.0)}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def engine_tool_label(
    chunk_size: int, keep_website_redirects: bool, max_concurrency: int = DEFAULT_MAX_CONCURRENCY
) -> str:
    """engine at the module's defaults, else engine-chunk<N>, -noredirect and/or -mc<N> (max_concurrency
    other than the benchmark's 10); the label is also in the bucket names."""
    label = "engine" if chunk_size == DEFAULT_CHUNK_SIZE else f"engine-chunk{chunk_size}"
    label = label if keep_website_redirects else f"{label}-noredirect"
    return label if max_concurrency == DEFAULT_MAX_CONCURRENCY else f"{label}-mc{max_concurrency}"


def cpu_of(row: dict[str, Any]) -> float:
    return row.get("lambda_by_function", {}).get(SYNC_RANGE, {}).get("cpu_seconds", 0.0)


def summary(row: dict[str, Any], tool: str) -> str:
    """One progress line's figures: wall, requests and their rate, correctness, where the CPU went."""
    cpu, seconds = row["cpu"], max(row["seconds"], 1e-9)
    text = f"{row['seconds']:>8.2f}s {row['requests_total']:>7} req ({row['requests_per_second']:g}/s) " + (
        "ok" if row["correct"] else "WRONG: " + row["reason"]
    )
    if tool == "engine":
        text += f", SyncRange CPU {cpu_of(row):.2f}s"
    text += (
        f"; cores busy {cpu['machine_busy_cores']}/{cpu['cores']} (moto {cpu['emulator_cores']}, "
        f"proxy {cpu['proxy_cores']}, workers {cpu['lambda_workers_cores']}"
    )
    if "tool_cpu_seconds" in row:
        text += f", {tool} {row['tool_cpu_seconds'] / seconds:.2f}"
    return text + ")"


def bucket_pair(label: str, n: int, latency: float, profile: str) -> tuple[str, str]:
    """A cell's buckets: the tool label, N, the latency and the latency profile, if any."""
    stem = f"bench-{label}-{n}-{int(latency)}" + (f"-{profile}" if profile else "")
    return f"{stem}-src", f"{stem}-dst"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="comma-separated N (default 2000,20000)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of {','.join(TOOLS)}")
    parser.add_argument("--latencies", default="0,20", help="per-request proxy latency in ms (default 0,20)")
    parser.add_argument(
        "--latency-profile",
        choices=sorted(LATENCY_PROFILES),
        default="",
        help="per-operation proxy latencies (aws: LIST 150 ms, HEAD 20 ms, COPY 75 ms; see proxy.py); "
        "--latencies then applies only to operations the profile does not name",
    )
    parser.add_argument(
        "--max-concurrency",
        type=int,
        default=DEFAULT_MAX_CONCURRENCY,
        help=f"the module's max_concurrency and the emulator's Lambda workers per function "
        f"(default {DEFAULT_MAX_CONCURRENCY}; any other: tool suffix -mc<N>)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=f"the module's chunk_size (default {DEFAULT_CHUNK_SIZE}; any other: tool engine-chunk<N>)",
    )
    parser.add_argument(
        "--keep-website-redirects",
        choices=("true", "false"),
        default="true",
        help="the module's keep_website_redirects (default true; false: tool suffix -noredirect)",
    )
    parser.add_argument(
        "--include-slow", action="store_true", help="also run the 2017 algorithm at 20,000 × 20 ms"
    )
    parser.add_argument("--output", help="results file (default bench/results/<UTC date>.json)")
    parser.add_argument("--append", action="store_true", help="add to an existing results file")
    parser.add_argument("--no-docs", action="store_true", help="do not regenerate docs/BENCHMARKS.md")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    latencies = [float(s) for s in args.latencies.split(",") if s]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        raise SystemExit(f"unknown tools: {sorted(unknown)}")
    started_at = dt.datetime.now(dt.UTC)
    output = Path(args.output) if args.output else BENCH / "results" / f"{started_at:%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)

    cells = [(n, lat, tool) for n in sizes for lat in latencies for tool in tools]
    skipped = [c for c in cells if (c[2], c[0], c[1]) in SLOW_CELLS and not args.include_slow]
    cells = [c for c in cells if c not in skipped]
    keep_redirects = args.keep_website_redirects == "true"
    engine_label = engine_tool_label(args.chunk_size, keep_redirects, args.max_concurrency)
    profile = args.latency_profile
    engine_pairs = [bucket_pair(engine_label, n, lat, profile) for n, lat, t in cells if t == "engine"]

    results: dict[str, Any] = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "settings": {
            "sizes": sizes,
            "tools": tools,
            "latencies_ms": latencies,
            "latency_profile": {profile: LATENCY_PROFILES[profile]} if profile else {},
            "engine": {
                "chunk_size": args.chunk_size,
                "keep_website_redirects": keep_redirects,
                "max_concurrency": args.max_concurrency,
                "copy_threads": 16,
                # The module's defaults, recorded for cost.py; the emulator enforces neither.
                "lambda_memory_size_mb": 1769,
                "lambda_architecture": "arm64",
                "lambda_workers": args.max_concurrency,
            },
            "object_bodies": "1-4 KiB, Content-Type and two user-metadata entries each",
        },
        "skipped": [
            {
                "n": n,
                "latency_ms": lat,
                "tool": t,
                "reason": "too slow for the 30-minute budget (--include-slow runs it)",
            }
            for n, lat, t in skipped
        ],
        "runs": [],
    }

    if args.append and output.exists():
        previous = json.loads(output.read_text())
        previous["runs"].extend(results["runs"])
        previous["skipped"] = [
            s
            for s in previous.get("skipped", [])
            if (s["tool"], s["n"], s["latency_ms"]) not in {(t, n, lat) for n, lat, t in cells}
        ] + [s for s in results["skipped"] if s not in previous.get("skipped", [])]
        for key in ("sizes", "tools", "latencies_ms"):
            merged = previous["settings"][key] + results["settings"][key]
            previous["settings"][key] = sorted(set(merged), key=merged.index)
        results = previous

    def save() -> None:
        output.write_text(json.dumps(results, indent=1))

    proxy = ProxyProcess()
    workdir = Path(tempfile.mkdtemp(prefix="bucket-sync-bench-"))
    emulator = Emulator(
        lambda_workers=args.max_concurrency,
        lambda_log_path=str(workdir / "lambda.log"),
        lambda_extra_env={"AWS_ENDPOINT_URL_S3": proxy.url},
    )
    try:
        emulator.start()
        proxy.configure(upstream=emulator.endpoint)
        say(f"emulator {emulator.endpoint}, proxy {proxy.url}")
        store = Store()
        probe = EngineProbe(proxy)
        tools_runner = Tools(proxy.url, workdir)
        meter = CpuMeter(proxy.pid)
        stack = None
        arn = ""
        sfn = emulator.client("stepfunctions")
        if engine_pairs:
            for src, dst in engine_pairs:
                store.create(src)
                store.create(dst)
            say(f"applying bench/stack (the module, max_concurrency {args.max_concurrency}) ...")
            stack = TerraformStack(
                BENCH / "stack",
                {
                    "source_bucket_names": [s for s, _ in engine_pairs],
                    "destination_bucket_names": [d for _, d in engine_pairs],
                    "max_concurrency": args.max_concurrency,
                    "chunk_size": args.chunk_size,
                    "keep_website_redirects": keep_redirects,
                },
                emulator,
            )
            stack.apply()
            arn = stack.outputs()["state_machine_arn"]
            # Warm every function's workers first, so Lambda durations exclude cold starts.
            warm_src, warm_dst = engine_pairs[0]
            store.write(warm_src, initial_objects(2000, random.Random(1)))
            engine_run(sfn, arn, probe, proxy, warm_src, warm_dst)
            store.drop(warm_src)
            store.drop(warm_dst)
            store.create(warm_src)
            store.create(warm_dst)
            say("engine warmed up (one unrecorded 2,000-object sync)")
        for n, latency, tool in cells:
            proxy.configure(latency_ms=latency, profile=profile)
            label = engine_label if tool == "engine" else tool
            source, destination = bucket_pair(label, n, latency, profile)
            if tool != "engine":
                store.create(source)
                store.create(destination)
            rng = random.Random(n)
            objects = initial_objects(n, rng)
            store.write(source, objects)
            for scenario in SCENARIOS:
                if scenario == "change":
                    writes, deletes = change_set(objects, n, rng)
                    store.write(source, writes)
                    store.delete(source, deletes)
                proxy.reset()
                meter.start()
                if tool == "engine":
                    measured = engine_run(sfn, arn, probe, proxy, source, destination)
                    measured["chunk_size"] = args.chunk_size
                    measured["keep_website_redirects"] = keep_redirects
                    measured["max_concurrency"] = args.max_concurrency
                else:
                    measured = tools_runner.run(tool, source, destination)
                cpu = meter.stop()
                seconds = measured.pop("seconds")
                requests = proxy.reset()
                correct, reason = check(store, source, destination)
                row = {
                    "n": n,
                    "latency_ms": latency,
                    **({"latency_profile": profile} if profile else {}),
                    "tool": label,
                    "scenario": scenario,
                    "seconds": seconds,
                    "requests": requests,
                    "requests_total": sum(requests.values()),
                    "requests_per_second": round(sum(requests.values()) / max(seconds, 1e-9), 1),
                    "cpu": cpu,
                    "correct": correct,
                    "reason": reason,
                    **measured,
                }
                results["runs"].append(row)
                save()
                say(f"N={n} {profile or f'{latency:g}ms'} {label:<7} {scenario:<8} " + summary(row, tool))
            store.drop(source)
            store.drop(destination)
        results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        save()
        if stack is not None:
            try:
                stack.destroy()
            finally:
                stack.cleanup()
    finally:
        emulator.stop()
        proxy.stop()
    say(f"results: {output}")
    # The handlers' CPU per listed key and per copied object: what the model carries to AWS.
    for row in cpu_rows(results["runs"]):
        say(
            f"CPU {row['tool']} N={row['n']:,} {row['latency_ms']:g}ms: "
            f"{row['per_listed_key_ms']:.3f} ms per listed key (no-op), "
            f"{row['per_copied_ms']:.2f} ms per copied object (initial, listing taken off)"
        )
    if not args.no_docs:
        write_docs(output)
        say("docs/BENCHMARKS.md written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
