"""The peer tools (aws s3 sync, rclone, s5cmd, the 2017 algorithm): their command lines, with the
variants that make them correct, and one timed run of each."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1]

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


PEER_VENV = BENCH / ".venv" / "bin"


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
