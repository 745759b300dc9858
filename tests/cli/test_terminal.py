"""On a real pseudo-terminal (util-linux ``script``) the run draws its progress line."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

from harness.buckets import put_objects
from tests.cli.conftest import run_args, subprocess_env
from tests.deployment import DST, SRC


def test_on_a_terminal_progress_is_drawn_then_erased_before_the_table(sync):
    put_objects(sync.s3, SRC, {f"obj/{i:05}": b"x" * 100 for i in range(400)})
    command = [
        sys.executable,
        "-m",
        "bucket_sync_cli",
        *run_args(sync.state_machine_arn, SRC, DST),
    ]
    env = subprocess_env(sync.emulator.endpoint) | {"COLUMNS": "200", "LINES": "40"}
    proc = subprocess.run(
        ["script", "-q", "-e", "-c", shlex.join(command), "/dev/null"],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    # Bytes, not text=True: universal newlines would turn the display's "\r" into "\n".
    screen = proc.stdout.decode()
    assert proc.returncode == 0, screen + proc.stderr.decode()
    before, *drawn, summary = screen.split("\r\x1b[K")
    assert before == "", "nothing is printed before the progress line"
    assert drawn and all(re.fullmatch(r"[|/\\-] \d+:\d\d  \S.*", frame) for frame in drawn), drawn
    assert any(re.search(r"round 1  ranges \d+/4 done", frame) for frame in drawn), drawn
    # The last frame was erased; the summary starts on that clean line.
    summary = summary.replace("\r\n", "\n")
    assert summary.startswith("status       SUCCEEDED\n")
    assert re.search(r"^copied +400$", summary, re.MULTILINE)
