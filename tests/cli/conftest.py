"""CLI tests: the ``bucket-sync`` command against the module applied into the emulator.

The session ``deployment`` and the per-test ``sync`` fixtures are the end-to-end ones (one
apply a session, registered in tests/conftest.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CLI_DIR = Path(__file__).resolve().parents[2] / "cli"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials for the CLI's boto3 default chain; nothing from the developer's setup."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


COMMANDS = [("run",), ("watch",), ("stop",)]


@pytest.fixture
def cli(aws_env, capsys, emulator):
    """Run ``bucket-sync`` in-process against the emulator: ``cli("run", "--source", ...)``."""
    from bucket_sync_cli.main import main

    def run(*argv: str, endpoint: bool = True) -> Result:
        extra = ["--endpoint-url", emulator.endpoint] if endpoint and argv[:1] in COMMANDS else []
        code = main([*argv, *extra])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_args(state_machine_arn: str, source: str, destination: str) -> list[str]:
    """The arguments of `bucket-sync run` every test starts from."""
    return ["run", "--state-machine-arn", state_machine_arn, "--source", source, "--destination", destination]


def subprocess_env(endpoint: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for ``python -m bucket_sync_cli``: the package on PYTHONPATH, the emulator."""
    env = {k: v for k, v in (base if base is not None else os.environ).items() if not k.startswith("AWS_")}
    env.update(FAKE_CREDENTIALS)
    env["AWS_ENDPOINT_URL"] = endpoint
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CLI_DIR), env.get("PYTHONPATH", "")]))
    return env


@dataclass
class Screen:
    """What a command run on pseudo-terminals wrote: raw bytes per stream, and its exit status."""

    code: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode()

    @property
    def err(self) -> str:
        return self.stderr.decode()


def _drain(fd: int, sink: bytearray, seen: threading.Event) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            return
        if not chunk:
            return
        sink.extend(chunk)
        seen.set()


def run_in_terminal(
    argv: list[str],
    env: dict[str, str],
    *,
    stdout_tty: bool = True,
    stderr_tty: bool = True,
    columns: int = 80,
    interrupt_when: Callable[[bytes], bool] | None = None,
    timeout: float = 300,
) -> Screen:
    """Run ``python -m bucket_sync_cli ARGV`` with a real pseudo-terminal as its controlling
    terminal (stdin), and stdout and stderr each on a terminal of their own or a pipe.

    The terminals are ``columns`` wide. ``interrupt_when(stderr so far)`` turning true types
    Ctrl-C on the terminal: the kernel's line discipline sends SIGINT, as for a person.
    """
    control, control_slave = pty.openpty()
    streams: dict[str, tuple[int, int | None]] = {}
    for name, tty in (("stdout", stdout_tty), ("stderr", stderr_tty)):
        if tty:
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        else:
            master, slave = os.pipe()
        streams[name] = (master, slave)
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}

    def take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "bucket_sync_cli", *argv],
        stdin=control_slave,
        stdout=streams["stdout"][1],
        stderr=streams["stderr"][1],
        env=env,
        start_new_session=True,
        preexec_fn=take_terminal,  # noqa: PLW1509 - tests only, single-threaded at fork
    )
    for _, slave in streams.values():
        os.close(slave)
    os.close(control_slave)
    captured = {name: bytearray() for name in streams}
    seen = threading.Event()
    readers = [
        threading.Thread(target=_drain, args=(streams[name][0], captured[name], seen), daemon=True)
        for name in streams
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    interrupted = interrupt_when is None
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if not interrupted and interrupt_when(bytes(captured["stderr"])):
                os.write(control, b"\x03")
                interrupted = True
            seen.wait(0.1)
            seen.clear()
        code = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if proc.poll() is None:
            proc.kill()
        for reader in readers:
            reader.join(timeout=10)
        for master, _ in streams.values():
            os.close(master)
        os.close(control)
    return Screen(code, bytes(captured["stdout"]), bytes(captured["stderr"]))


def run_in_pipe(argv: list[str], env: dict[str, str], timeout: float = 300) -> Result:
    """Run ``python -m bucket_sync_cli ARGV`` with stdout and stderr on pipes, as in CI."""
    proc = subprocess.run(
        [sys.executable, "-m", "bucket_sync_cli", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def stop_requested(execution_arn: str) -> bool:
    """Whether StopExecution reached the emulator for this execution.

    AWS ends an execution ABORTED at once; moto only once the task in flight returns, so a test
    that holds a task must let it go when (and only when) the stop has arrived. moto keeps that
    in the execution's program state, not in anything its API shows.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    for backend in stepfunctions_parser_backends[DEFAULT_ACCOUNT_ID].values():
        for execution in backend._get_executions():
            if execution.execution_arn == execution_arn:
                worker = execution.exec_worker
                return worker is not None and worker.env is not None and not worker.env.is_running()
    return False
