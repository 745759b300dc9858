"""CLI tests: the ``bucket-sync`` command against the module applied into the emulator.

The session ``deployment`` and the per-test ``sync`` fixtures are the end-to-end ones (one
apply a session, registered in tests/conftest.py).
"""

from __future__ import annotations

import json
import os
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


@pytest.fixture
def cli(aws_env, capsys, emulator):
    """Run ``bucket-sync`` in-process against the emulator: ``cli("run", "--source", ...)``."""
    from bucket_sync_cli.main import main

    def run(*argv: str, endpoint: bool = True) -> Result:
        extra = ["--endpoint-url", emulator.endpoint] if endpoint and argv[:1] == ("run",) else []
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
