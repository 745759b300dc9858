"""Cores in use over a run: the machine's, this process's, the Lambda workers' and the proxy's, from /proc."""

from __future__ import annotations

import os
import time

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
