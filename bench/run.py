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
import hashlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from proxy import LATENCY_PROFILES, ProxyProcess  # noqa: E402

from harness import Emulator, TerraformStack  # noqa: E402
from harness.executions import run_execution  # noqa: E402

# Peers run with their defaults, and the variants "<peer>-<variant>" with the flags that make them
# correct (PEER_VARIANTS); the default rows stay, to show what the defaults do.
PEER_VARIANTS: dict[str, list[str]] = {
    # Compare size and MD5 (the listing's ETag) instead of modification times: no HEAD per object,
    # and no metadata rewrite onto the destination to store an x-amz-meta-mtime.
    "rclone-checksum": ["--checksum"],
    # Take the modification time from the listing's LastModified instead of x-amz-meta-mtime.
    "rclone-servermodtime": ["--use-server-modtime"],
    # Server-side copies keep the source's Content-Type and user metadata (s5cmd's default REPLACE
    # sets a Content-Type guessed from the key and no user metadata).
    "s5cmd-copymeta": ["--metadata-directive", "COPY"],
}
TOOLS = ("engine", "2017", "awscli", "rclone", "s5cmd", *PEER_VARIANTS)
SCENARIOS = ("initial", "noop", "change")
# The module's default chunk_size: the engine run with it is labelled plain "engine".
DEFAULT_CHUNK_SIZE = 5000
# The benchmark's max_concurrency (one Lambda worker process per slot): others label -mc<N>.
DEFAULT_MAX_CONCURRENCY = 10
SYNC_RANGE = "sync-range"
PEER_VENV = BENCH / ".venv" / "bin"
CONTENT_TYPES = ("text/plain", "application/json", "image/png", "text/html")
# Skipped unless --include-slow. moto serves roughly 300-350 requests/s on 2 cores, and these two
# send 3 (2017) and 2-3 (rclone, HEADs and metadata rewrites) requests per object per run: about
# 200,000 and 160,000 requests for the three scenarios at N = 20,000, 10+ minutes each per latency,
# which does not fit the 30-minute budget. Their N = 2,000 counts are exactly linear in N.
SLOW_CELLS = {("2017", 20000, 0.0), ("2017", 20000, 20.0), ("rclone", 20000, 0.0), ("rclone", 20000, 20.0)}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- data -----------------------------------------------------------------------------------------


def key_name(i: int) -> str:
    return f"d{i % 37:02}/obj-{i:07}.dat"


def body(i: int, version: int, size: int) -> bytes:
    seed = hashlib.sha256(f"{i}:{version}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def initial_objects(n: int, rng: random.Random) -> dict[str, tuple[bytes, str, dict[str, str]]]:
    objects = {}
    for i in range(n):
        meta = {"origin": "bench", "serial": str(i)}
        objects[key_name(i)] = (body(i, 0, rng.randint(1024, 4096)), CONTENT_TYPES[i % 4], meta)
    return objects


def change_set(
    objects: dict[str, tuple[bytes, str, dict[str, str]]], n: int, rng: random.Random
) -> tuple[dict[str, tuple[bytes, str, dict[str, str]]], list[str]]:
    """Writes and deletes that turn the source into its changed state (10% / 5% / 5%)."""
    keys = sorted(objects)
    picked = rng.sample(keys, int(n * 0.15))
    changed, deleted = picked[: int(n * 0.10)], picked[int(n * 0.10) :]
    writes = {}
    for index, key in enumerate(changed):
        data, content_type, meta = objects[key]
        i = int(meta["serial"])
        if index % 2 == 0:  # same size, different content
            new = body(i, 1, len(data))
        else:
            new = body(i, 1, len(data) + rng.randint(1, 512))
        writes[key] = (new, content_type, {**meta, "version": "2"})
    for j in range(int(n * 0.05)):
        i = n + j
        writes[key_name(i)] = (body(i, 0, rng.randint(1024, 4096)), CONTENT_TYPES[i % 4], {"origin": "bench"})
    return writes, deleted


class Store:
    """Fill, change and read buckets through moto's backend (in process, not counted)."""

    def __init__(self) -> None:
        from moto.backends import get_backend
        from moto.core import DEFAULT_ACCOUNT_ID

        self.backend = get_backend("s3")[DEFAULT_ACCOUNT_ID]["global"]

    def create(self, bucket: str) -> None:
        self.backend.create_bucket(bucket, "us-east-1")

    def drop(self, bucket: str) -> None:
        found = self.backend.get_bucket(bucket)
        for name in list(found.keys.keys()):
            self.backend.delete_object(bucket, name)
        self.backend.delete_bucket(bucket)

    def write(self, bucket: str, objects: dict[str, tuple[bytes, str, dict[str, str]]]) -> None:
        for key, (data, content_type, meta) in objects.items():
            fake = self.backend.put_object(bucket, key, data)
            fake.set_metadata(
                {"Content-Type": content_type, **{f"x-amz-meta-{k}": v for k, v in meta.items()}}
            )

    def delete(self, bucket: str, keys: list[str]) -> None:
        for key in keys:
            self.backend.delete_object(bucket, key)

    def facts(self, bucket: str) -> dict[str, tuple[int, str, str, tuple[tuple[str, str], ...]]]:
        found = self.backend.get_bucket(bucket)
        facts = {}
        for name, fake in list(found.keys.items()):
            meta = {k.lower(): str(v) for k, v in dict(fake.metadata).items()}
            user = tuple(sorted((k, v) for k, v in meta.items() if k.startswith("x-amz-meta-")))
            facts[name] = (fake.size, fake.etag, meta.get("content-type", ""), user)
        return facts


def check(store: Store, source: str, destination: str) -> tuple[bool, str]:
    """Is the destination equal to the source? Names the first check that fails."""
    src, dst = store.facts(source), store.facts(destination)
    missing, extra = set(src) - set(dst), set(dst) - set(src)
    if missing or extra:
        return False, f"keys: {len(missing)} missing, {len(extra)} extra (e.g. {sorted(missing or extra)[0]})"
    labels = ("size", "ETag", "Content-Type", "user metadata")
    for index, label in enumerate(labels):
        wrong = [k for k in src if src[k][index] != dst[k][index]]
        if wrong:
            example = wrong[0]
            return False, (
                f"{label} differs on {len(wrong)} objects (e.g. {example}: "
                f"{src[example][index]!r} vs {dst[example][index]!r})"
            )
    return True, ""


# -- tools ----------------------------------------------------------------------------------------


class Tools:
    def __init__(self, proxy_url: str, workdir: Path) -> None:
        self.proxy_url = proxy_url
        self.workdir = workdir
        aws_config = workdir / "aws-config"
        aws_config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
        rclone_config = workdir / "rclone.conf"
        rclone_config.write_text(
            "[bench]\ntype = s3\nprovider = Other\naccess_key_id = test\nsecret_access_key = test\n"
            f"endpoint = {proxy_url}\nregion = us-east-1\nforce_path_style = true\nlist_version = 2\n"
        )
        self.rclone_config = rclone_config
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(aws_config),
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
        }

    def command(self, tool: str, source: str, destination: str) -> list[str]:
        if tool in PEER_VARIANTS:
            peer = tool.split("-", 1)[0]
            base = self.command(peer, source, destination)
            # After the subcommand (sync), before its arguments: both rclone and s5cmd take it there.
            at = base.index("sync") + 1
            return [*base[:at], *PEER_VARIANTS[tool], *base[at:]]
        if tool == "2017":
            return [
                sys.executable,
                str(BENCH / "sync_2017.py"),
                "--endpoint-url",
                self.proxy_url,
                source,
                destination,
            ]
        if tool == "awscli":
            return [
                str(PEER_VENV / "aws"),
                "--endpoint-url",
                self.proxy_url,
                "s3",
                "sync",
                f"s3://{source}",
                f"s3://{destination}",
                "--delete",
                "--only-show-errors",
            ]
        if tool == "rclone":
            return [
                "rclone",
                "--config",
                str(self.rclone_config),
                "sync",
                f"bench:{source}",
                f"bench:{destination}",
                "--s3-no-check-bucket",
            ]
        if tool == "s5cmd":
            return [
                str(PEER_VENV / "s5cmd"),
                "--endpoint-url",
                self.proxy_url,
                "sync",
                "--delete",
                f"s3://{source}/*",
                f"s3://{destination}/",
            ]
        raise ValueError(tool)

    def run(self, tool: str, source: str, destination: str) -> dict[str, Any]:
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(
            self.command(tool, source, destination),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        seconds = time.monotonic() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        tool_cpu = (children.ru_utime - children_before.ru_utime) + (
            children.ru_stime - children_before.ru_stime
        )
        extra: dict[str, Any] = {"exit_code": proc.returncode, "tool_cpu_seconds": round(tool_cpu, 2)}
        if proc.returncode != 0:
            extra["stderr_tail"] = (proc.stderr or proc.stdout)[-1500:]
        if tool == "2017" and proc.returncode == 0:
            extra["sync_2017"] = json.loads(proc.stdout.strip().splitlines()[-1])
        return {"seconds": round(seconds, 2), **extra}


# -- where the CPU goes -----------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds user + system) of a live process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot: the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU over one run: the whole machine's busy share (every process, other sessions' too), this
    process (moto's server threads and run.py), the proxy process, and the rest of this process's
    live descendants (the Lambda worker processes). A peer's own CPU is measured by Tools.run."""

    def __init__(self, proxy_pid: int) -> None:
        self.proxy_pid = proxy_pid
        self._start: tuple[float, float, tuple[int, int], float, float] | None = None

    def _descendants(self) -> dict[int, float]:
        table = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                found = _proc_cpu(int(entry))
                if found is not None:
                    table[int(entry)] = found
        mine, frontier = {}, {os.getpid()}
        while frontier:
            children = {pid for pid, (ppid, _) in table.items() if ppid in frontier and pid not in mine}
            mine.update({pid: table[pid][1] for pid in children})
            frontier = children
        return mine

    def _sample(self) -> tuple[float, float, tuple[int, int], float, float]:
        descendants = self._descendants()
        proxy = descendants.pop(self.proxy_pid, 0.0)
        return time.monotonic(), time.process_time(), _machine_jiffies(), proxy, sum(descendants.values())

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> dict[str, float]:
        """Cores in use on average over the run (1.0 = one core busy all the time)."""
        assert self._start is not None
        (t0, own0, (busy0, total0), proxy0, rest0) = self._start
        (t1, own1, (busy1, total1), proxy1, rest1) = self._sample()
        wall = max(t1 - t0, 1e-9)
        cores = os.cpu_count() or 1
        # Descendants that ended during the run (a peer's process) drop out of rest1: never negative.
        return {
            "cores": cores,
            "machine_busy_cores": round(cores * (busy1 - busy0) / max(total1 - total0, 1), 2),
            "emulator_cores": round((own1 - own0) / wall, 2),
            "proxy_cores": round((proxy1 - proxy0) / wall, 2),
            "lambda_workers_cores": round(max(rest1 - rest0, 0.0) / wall, 2),
        }


# -- engine instrumentation ------------------------------------------------------------------------


@dataclass
class Invocation:
    """One Lambda invocation as the probe saw it."""

    function: str
    seconds: float  # wall, around the emulator's invoke
    cpu_seconds: float  # the worker process's CPU time in the handler (harness.lambda_runtime)
    list_pages: int | None  # ListObjectsV2 requests it sent; None for SyncRange (concurrent)
    s3_requests: int | None  # all S3 requests it sent, LISTs included; None for SyncRange


class EngineProbe:
    """Counts Step Functions history events (parent and children) and times Lambda invocations.

    moto runs in this process, so both are observed directly: every history event of every
    execution, Distributed Map children included, passes through EventManager.add_event; every
    Lambda Invoke the interpreter makes passes through LambdaRuntime.invoke.

    S3 requests per function: every step but SyncRange runs alone (Validate, PlanRanges and
    TallyRound sit outside the Distributed Map), so the proxy's counts before and after one of
    their invocations are exactly what it sent; SyncRange's share is the run's rest.
    """

    def __init__(self, proxy: ProxyProcess) -> None:
        from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

        from harness.lambda_runtime import LambdaRuntime

        self.events: Counter[str] = Counter()
        self.invocations: list[Invocation] = []
        # SyncRange invocations in flight, and the most at once since the last take(): shows the
        # Distributed Map's MaxConcurrency (and the worker pool) at work.
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        probe = self
        original_add_event = EventManager.add_event
        original_invoke = LambdaRuntime.invoke

        def add_event(self: Any, context: Any, event_type: Any, *args: Any, **kwargs: Any) -> int:
            with probe._lock:
                probe.events[getattr(event_type, "value", str(event_type))] += 1
            return original_add_event(self, context, event_type, *args, **kwargs)

        def invoke(self: Any, spec: Any, *args: Any, **kwargs: Any) -> Any:
            alone = not spec.function_name.endswith(SYNC_RANGE)
            before = Counter(proxy.counts()) if alone else Counter()
            if not alone:
                with probe._lock:
                    probe.in_flight += 1
                    probe.peak = max(probe.peak, probe.in_flight)
            started = time.monotonic()
            result = None
            try:
                result = original_invoke(self, spec, *args, **kwargs)
                return result
            finally:
                seconds = time.monotonic() - started
                sent = Counter(proxy.counts()) - before if alone else None
                pages = sent["ListObjectsV2"] if sent is not None else None
                total = sum(sent.values()) if sent is not None else None
                cpu = getattr(result, "cpu_seconds", 0.0)
                with probe._lock:
                    if not alone:
                        probe.in_flight -= 1
                    probe.invocations.append(Invocation(spec.function_name, seconds, cpu, pages, total))

        EventManager.add_event = add_event  # type: ignore[method-assign]
        LambdaRuntime.invoke = invoke  # type: ignore[method-assign]

    def take(self) -> tuple[Counter[str], list[Invocation], int]:
        with self._lock:
            events, self.events = self.events, Counter()
            invocations, self.invocations = self.invocations, []
            peak, self.peak = self.peak, self.in_flight
        return events, invocations, peak


def engine_run(
    sfn: Any, arn: str, probe: EngineProbe, proxy: ProxyProcess, source: str, destination: str
) -> dict[str, Any]:
    probe.take()
    execution = run_execution(sfn, arn, {"source": source, "destination": destination}, timeout_seconds=3600)
    time.sleep(0.3)  # let the last events land
    events, invocations, peak = probe.take()
    # The caller reset the proxy before the run, so these are the run's requests.
    run_counts = proxy.counts()
    parent = Counter()
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution.arn):
        for event in page["events"]:
            parent[event["type"]] += 1
    entered = {k: v for k, v in events.items() if k.endswith("StateEntered")}
    parent_entered = sum(v for k, v in parent.items() if k.endswith("StateEntered"))
    by_function: dict[str, dict[str, float]] = {}
    for call in invocations:
        step = call.function.removeprefix("bench-")
        row = by_function.setdefault(
            step, {"invocations": 0, "seconds": 0.0, "cpu_seconds": 0.0, "list_pages": 0, "s3_requests": 0}
        )
        row["invocations"] += 1
        row["seconds"] += call.seconds
        row["cpu_seconds"] += call.cpu_seconds
        row["list_pages"] += call.list_pages or 0
        row["s3_requests"] += call.s3_requests or 0
    if SYNC_RANGE in by_function:
        others = [v for k, v in by_function.items() if k != SYNC_RANGE]
        row = by_function[SYNC_RANGE]
        row["list_pages"] = run_counts.get("ListObjectsV2", 0) - sum(v["list_pages"] for v in others)
        row["s3_requests"] = sum(run_counts.values()) - sum(v["s3_requests"] for v in others)
    return {
        "seconds": execution.seconds,
        "status": execution.status,
        "output": {k: v for k, v in (execution.output or {}).items() if k != "failures"},
        "error": execution.error,
        "state_transitions": sum(entered.values()),
        "state_transitions_parent": parent_entered,
        "state_entered_by_type": dict(sorted(entered.items())),
        "history_events_total": sum(events.values()),
        "history_events_parent": sum(parent.values()),
        "lambda_invocations": len(invocations),
        "sync_range_peak_concurrency": peak,
        "lambda_seconds": round(sum(call.seconds for call in invocations), 3),
        "lambda_cpu_seconds": round(sum(call.cpu_seconds for call in invocations), 3),
        "lambda_by_function": {
            k: {
                "invocations": int(v["invocations"]),
                "seconds": round(v["seconds"], 3),
                "cpu_seconds": round(v["cpu_seconds"], 3),
                "list_pages": int(v["list_pages"]),
                "s3_requests": int(v["s3_requests"]),
            }
            for k, v in sorted(by_function.items())
        },
    }


# -- main -----------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    import boto3
    import moto

    found = {"python": platform.python_version(), "moto": moto.__version__, "boto3": boto3.__version__}

    def first_line(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "missing"

    found["awscli"] = first_line([str(PEER_VENV / "aws"), "--version"])
    found["rclone"] = first_line(["rclone", "version"])
    found["s5cmd"] = first_line([str(PEER_VENV / "s5cmd"), "version"])
    found["terraform"] = first_line(["terraform", "version"])
    return found


def machine() -> dict[str, Any]:
    mem_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
    }


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
    import cost

    # The handlers' CPU per listed key and per copied object: what the model carries to AWS.
    for row in cost.cpu_rows(results["runs"]):
        say(
            f"CPU {row['tool']} N={row['n']:,} {row['latency_ms']:g}ms: "
            f"{row['per_listed_key_ms']:.3f} ms per listed key (no-op), "
            f"{row['per_copied_ms']:.2f} ms per copied object (initial, listing taken off)"
        )
    if not args.no_docs:
        import report

        report.write_docs(output)
        say("docs/BENCHMARKS.md written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
