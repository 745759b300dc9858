"""``--from-terraform``: the ARN from ``terraform output -json``, and clear errors without it."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from bucket_sync_cli.terraform import TerraformOutputError, parse_outputs

from harness.buckets import put_objects
from tests.cli.conftest import subprocess_env
from tests.deployment import DST, SRC

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:nightly"


def test_parse_outputs_takes_state_machine_arn():
    text = json.dumps({"state_machine_arn": {"sensitive": False, "type": "string", "value": ARN}})
    assert parse_outputs(text) == ARN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{}", "no string output 'state_machine_arn' (outputs: none)", id="no-outputs"),
        pytest.param(json.dumps({"other": {"value": "x"}}), "(outputs: other)", id="other-outputs"),
        pytest.param(json.dumps({"state_machine_arn": {"value": 3}}), "no string output", id="not-a-string"),
        pytest.param("not json", "did not print JSON", id="not-json"),
        pytest.param("[]", "did not print a JSON object", id="not-an-object"),
    ],
)
def test_parse_outputs_refuses_what_has_no_arn(text, message):
    with pytest.raises(TerraformOutputError, match=re.escape(message)):
        parse_outputs(text, "infra/")


def fake_terraform(directory: Path, stdout: str, code: int = 0) -> Path:
    """A `terraform` on PATH that records its arguments and prints `stdout`."""
    script = directory / "terraform"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{directory / "args"}"\n'
        f"cat <<'JSON'\n{stdout}\nJSON\n"
        f"[ {code} -eq 0 ] || echo 'Error: No state file was found!' >&2\n"
        f"exit {code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def fake_path(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def test_from_terraform_without_the_output_exits_2(fake_path, tmp_path, cli):
    fake_terraform(fake_path, json.dumps({"bucket": {"value": "b"}}))
    result = cli("run", "--from-terraform", str(tmp_path), "--source", SRC, "--destination", DST)
    assert result.code == 2
    assert result.stdout == ""
    assert "has no string output 'state_machine_arn' (outputs: bucket)" in result.stderr
    assert (fake_path / "args").read_text().split() == [f"-chdir={tmp_path}", "output", "-json", "-no-color"]


def test_from_terraform_when_terraform_fails_exits_2(fake_path, tmp_path, cli):
    fake_terraform(fake_path, "", code=1)
    result = cli("run", "--from-terraform", str(tmp_path), "--source", SRC, "--destination", DST)
    assert result.code == 2
    assert "terraform output in" in result.stderr and "No state file" in result.stderr


def test_from_terraform_needs_a_directory(cli, tmp_path):
    result = cli("run", "--from-terraform", str(tmp_path / "nope"), "--source", SRC, "--destination", DST)
    assert result.code == 2 and "is not a directory" in result.stderr


def test_from_terraform_reads_the_applied_stack(sync):
    """The real thing: terraform reads the e2e stack's state, the CLI runs on what it names."""
    put_objects(sync.s3, SRC, {"a": b"1", "b": b"22"})
    stack = sync.stack
    env = subprocess_env(sync.emulator.endpoint, base=stack._env())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bucket_sync_cli",
            "run",
            "--from-terraform",
            str(stack.workdir),
            "--source",
            SRC,
            "--destination",
            DST,
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert (document["status"], document["copied"], document["copiedBytes"]) == ("SUCCEEDED", 2, 3)
    described = sync.sfn.describe_execution(executionArn=document["executionArn"])
    assert described["stateMachineArn"] == sync.state_machine_arn
