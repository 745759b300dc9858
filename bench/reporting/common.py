"""What every part of the report shares: operation columns, tool names, the issue's targets, and
which runs are the engine's and which cell a run belongs to."""

from __future__ import annotations

from typing import Any

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
    # bench/running/peers.py's PEER_VARIANTS: the peers with the flags that make them correct.
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
    """The proxy's latency of a run: fixed ms, or a per-operation profile (s3_operations.LATENCY_PROFILES)."""
    profile = run.get("latency_profile")
    return f"latency profile {profile}" if profile else f"{run['latency_ms']:g} ms"


def ops_columns(runs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    used = {op for run in runs for op in run["requests"]}
    return [(op, short) for op, short in OPS if op in used] + [
        (op, op) for op in sorted(used) if op not in dict(OPS)
    ]


def is_engine(run: dict[str, Any]) -> bool:
    return run["tool"].startswith("engine")


def cell_of(run: dict[str, Any]) -> tuple[int, float, str]:
    return run["n"], run["latency_ms"], run.get("latency_profile", "")


def newest(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per tool, cell and scenario: the last appended, where a cell was measured again (the
    run tables list every row)."""
    last = {(r["tool"], *cell_of(r), r["scenario"]): r for r in runs}
    return [r for r in runs if last[(r["tool"], *cell_of(r), r["scenario"])] is r]


def rate_of(run: dict[str, Any]) -> float:
    """S3 requests per second the proxy saw over the run."""
    return run.get("requests_per_second") or run["requests_total"] / max(run["seconds"], 1e-9)
