"""The counting proxy (bench/proxy.py) in a child process, so that it does not share the
emulator's GIL; driven over its /__bench__/ control paths."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from bench.proxy import CONTROL_PREFIX

PROXY_SCRIPT = Path(__file__).resolve().parent / "proxy.py"


class ProxyProcess:
    """The proxy in a child process (so it does not share the emulator's GIL), driven over HTTP."""

    def __init__(self, upstream: str = "http://127.0.0.1:9", latency_ms: float = 0.0) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(PROXY_SCRIPT), "--upstream", upstream, "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise RuntimeError("proxy did not start")

    @property
    def pid(self) -> int:
        """The proxy process's id (run.py reads its CPU time from /proc)."""
        return self._proc.pid

    def _call(self, action: str, **params: object) -> dict[str, int]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        request = urllib.request.Request(f"{self.url}{CONTROL_PREFIX}{action}?{query}", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def counts(self) -> dict[str, int]:
        return self._call("counts")

    def reset(self) -> dict[str, int]:
        return self._call("reset")

    def configure(
        self, upstream: str | None = None, latency_ms: float | None = None, profile: str | None = None
    ) -> None:
        params: dict[str, object] = {}
        if upstream is not None:
            params["upstream"] = upstream
        if latency_ms is not None:
            params["latency_ms"] = latency_ms
        if profile is not None:
            params["profile"] = profile
        self._call("config", **params)

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(10)
