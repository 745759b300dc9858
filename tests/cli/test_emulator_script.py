"""`make emulator` (scripts/emulator.py) as a newcomer meets it: a quiet console naming its log
file, and a deployed stack whose suggested dry run lists the keys it would delete and copy."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import run_in_pipe, subprocess_env

pytestmark = pytest.mark.emulator  # it starts an emulator (its own, in the script's process)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "emulator.py"


def read_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    """The script's console (stdout) up to the text `marker`, read unbuffered (a buffered
    readline would leave the rest of a multi-line print where select cannot see it)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    data, deadline = b"", time.monotonic() + timeout
    while marker.encode() not in data:
        assert proc.poll() is None, f"the script ended early:\n{data.decode()}"
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s:\n{data.decode()}"
        if selector.select(timeout=1.0):
            data += os.read(fd, 65536)
    return data.decode()


def test_the_console_is_quiet_and_the_suggested_dry_run_lists_keys(tmp_path: Path) -> None:
    log = tmp_path / "emulator.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["BUCKET_SYNC_EMULATOR_LOG"] = str(log)
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        bufsize=0,
        env=env,
        start_new_session=True,
    )
    try:
        console = read_until(proc, "Ctrl-C destroys the stack", timeout=600)
        assert f"log: {log}" in console and f"Log:            {log}" in console
        endpoint = re.search(r"^Endpoint: +(\S+)$", console, re.MULTILINE).group(1)
        dry_run = re.search(r"^  (\.venv/bin/bucket-sync run .+ \\)\n +(.+--dry-run)$", console, re.MULTILINE)
        assert dry_run, console
        argv = [*dry_run.group(1).rstrip(" \\").split()[1:], *dry_run.group(2).split()]
        shown = run_in_pipe(argv, subprocess_env(endpoint))
        assert shown.code == 0, shown.stderr
        planned = shown.stdout.split("would delete (1):\n", 1)[1].splitlines()
        assert planned[:2] == ["  would delete  old/stale.txt", "would copy (3):"], shown.stdout
        assert log.stat().st_size > 0, "handler logs and emulator output went to the log"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = (stream.decode() for stream in proc.communicate(timeout=600))
    assert proc.returncode == 0, out + err
    everything = console + out
    assert "Destroying the stack ..." in out and out.rstrip().endswith("Done.")
    # Nothing but the script's own lines: no tracebacks, request logs or moto dumps.
    assert "Traceback" not in everything and " - - [" not in everything and "INFO" not in everything
    assert err == ""
