"""Self-test of the emulator harness against a tiny Terraform root.

One emulator and one applied stack are shared by the whole module because an
apply into moto takes ~15-25 s; each test uses its own execution names and
buckets so they do not interfere.
"""

from __future__ import annotations

import json
import re
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import Emulator, TerraformStack
from harness.executions import Execution, run_execution
from harness.terraform import aws_provider_aliases

FIXTURE = Path(__file__).parent / "fixture"
HANDLER_SRC = FIXTURE / "lambda_src" / "fixture_handler.py"


@pytest.fixture(scope="module")
def handler_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("build") / "handler.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(HANDLER_SRC, arcname="fixture_handler.py")
    return path


@pytest.fixture(scope="module")
def stack(emulator: Emulator, handler_zip: Path) -> Iterator[TerraformStack]:
    started = time.monotonic()
    with TerraformStack(FIXTURE, {"zip_path": str(handler_zip)}, emulator) as applied:
        print(f"harness fixture applied in {time.monotonic() - started:.1f} s")
        yield applied


def run(emulator: Emulator, arn: str, payload: dict[str, Any]) -> Execution:
    return run_execution(emulator.client("stepfunctions"), arn, payload, timeout_seconds=60)


def test_apply_creates_resources(emulator: Emulator, stack: TerraformStack) -> None:
    outputs = stack.outputs()
    assert outputs["state_machine_arn"].endswith(":stateMachine:harness-fixture")
    config = emulator.client("lambda").get_function(FunctionName=outputs["function_name"])
    assert config["Configuration"]["Handler"] == "fixture_handler.handler"
    assert (stack.workdir / "emulator_override.tf").exists()


def test_second_plan_has_no_changes(stack: TerraformStack) -> None:
    assert stack.plan_has_changes() is False


def test_execution_runs_real_handler_against_emulator(emulator: Emulator, stack: TerraformStack) -> None:
    s3 = emulator.client("s3")
    bucket = f"harness-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hi")

    described = run(emulator, stack.outputs()["state_machine_arn"], {"action": "echo", "bucket": bucket})

    assert described.status == "SUCCEEDED", described
    output = described.output
    assert output["input"] == {"action": "echo", "bucket": bucket}
    assert output["greeting"] == "hello"
    assert output["endpoint"] == emulator.endpoint
    assert output["keys"] == ["hello.txt"]
    assert output["function_name"] == "harness-fixture"
    assert 0 < output["remaining_ms"] <= 5000


def test_custom_exception_is_caught_by_name(emulator: Emulator, stack: TerraformStack) -> None:
    described = run(emulator, stack.outputs()["state_machine_arn"], {"action": "boom"})

    assert described.status == "SUCCEEDED", described
    output = described.output
    assert output["caught"] is True
    assert output["error"] == "Boom"
    assert output["cause"]["errorType"] == "Boom"
    assert output["cause"]["errorMessage"] == "requested explosion"


def test_distributed_map_records_child_histories(emulator: Emulator, stack: TerraformStack) -> None:
    emulator.clear_child_history_event_counts()
    items = [{"n": 1}, {"n": 2}, {"n": 3}]

    described = run(emulator, stack.outputs()["state_machine_arn"], {"action": "map", "items": items})

    assert described.status == "SUCCEEDED", described
    output = described.output
    assert sorted(item["input"]["n"] for item in output) == [1, 2, 3]
    counts = emulator.child_history_event_counts()
    assert len(counts) == 3
    assert all(count > 0 for count in counts)


def test_workers_are_reused_and_timeouts_reported(
    emulator: Emulator, stack: TerraformStack, handler_zip: Path
) -> None:
    lam = emulator.client("lambda")
    name = stack.outputs()["function_name"]
    first = json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())
    second = json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())
    assert second["pid"] == first["pid"]
    assert second["invocations"] == first["invocations"] + 1

    role = lam.get_function(FunctionName=name)["Configuration"]["Role"]
    lam.create_function(
        FunctionName="harness-slow",
        Runtime="python3.12",
        Role=role,
        Handler="fixture_handler.handler",
        Code={"ZipFile": handler_zip.read_bytes()},
        Timeout=1,
    )
    response = lam.invoke(FunctionName="harness-slow", Payload=json.dumps({"sleep": 3}))
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Sandbox.Timedout"
    # The killed worker is replaced transparently.
    healthy = lam.invoke(FunctionName="harness-slow", Payload=b"{}")
    assert "FunctionError" not in healthy


def test_validate_state_machine_definition_patch(emulator: Emulator) -> None:
    sfn = emulator.client("stepfunctions")
    bad = sfn.validate_state_machine_definition(definition="{not json")
    assert bad["result"] == "FAIL"
    assert bad["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION"
    good = sfn.validate_state_machine_definition(
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
    )
    assert good["result"] == "OK"


def test_provider_file_choice_and_module_source_rewrite(tmp_path: Path, emulator: Emulator) -> None:
    root = tmp_path / "repo" / "tests" / "e2e"
    root.mkdir(parents=True)
    (root / "main.tf").write_text('module "m" {\n  source = "../.."\n}\n')
    workdir = TerraformStack(root, {"a": 1}, emulator, workdir=tmp_path / "wd").prepare()

    source = re.search(r'source = "([^"]+)"', (workdir / "main.tf").read_text())
    assert source is not None
    assert (workdir / source.group(1)).resolve() == (tmp_path / "repo").resolve()
    assert source.group(1).startswith("../")
    assert (workdir / "emulator_provider.tf").exists()
    assert not (workdir / "emulator_override.tf").exists()
    assert json.loads((workdir / "terraform.tfvars.json").read_text()) == {"a": 1}

    assert aws_provider_aliases(['provider "aws" {\n  alias = "west"\n}\n']) == (False, ["west"])
    assert aws_provider_aliases(['provider "aws" {}\n']) == (True, [])
