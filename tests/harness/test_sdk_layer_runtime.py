"""Lambda workers import a function's layers ahead of the runtime's packages, as Lambda does."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path

from harness import Emulator
from scripts.build_sdk_layer import LAYER, pins

# Reports where the SDK it imports comes from, and that the layer's pruned botocore still loads
# every model the handlers need.
PROBE = textwrap.dedent(
    """
    import sys

    def handler(event, context):
        import boto3, botocore, botocore.session, urllib3
        session = botocore.session.get_session()
        models = {name: session.get_service_model(name).api_version
                  for name in ("s3", "dynamodb", "stepfunctions", "sts")}
        boto3.session.Session().resource("dynamodb").Table("t")
        return {
            "botocore": [botocore.__version__, botocore.__file__],
            "boto3": boto3.__file__,
            "urllib3": urllib3.__file__,
            "models": models,
            "sys_path": sys.path[:4],
        }
    """
)

# Only asks botocore its version: a fake botocore need not be a working one.
VERSION_PROBE = "import botocore\ndef handler(event, context):\n    return {'botocore': botocore.__version__}"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# A layer whose botocore is not the venv's, whatever versions the venv has.
FAKE_BOTOCORE = _zip({"python/botocore/__init__.py": '__version__ = "0.0.0-fake-layer"\n'})


def _probe(emulator: Emulator, layers: list[str], source: str = PROBE) -> dict:
    lam = emulator.client("lambda")
    role = emulator.client("iam").create_role(
        RoleName=f"sdk-probe-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    name = f"sdk-probe-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="probe.handler",
        Code={"ZipFile": _zip({"probe.py": source})},
        Timeout=60,
        Layers=layers,
    )
    response = lam.invoke(FunctionName=name, Payload=b"{}")
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def _publish(emulator: Emulator, zip_bytes: bytes) -> str:
    published = emulator.client("lambda").publish_layer_version(
        LayerName=f"sdk-{uuid.uuid4().hex[:8]}", Content={"ZipFile": zip_bytes}
    )
    return published["LayerVersionArn"]


def _in_venv(path: str) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(sys.prefix))


def test_handler_imports_the_sdk_of_its_layer_not_the_runtimes(emulator: Emulator) -> None:
    with_layer = _probe(emulator, [_publish(emulator, LAYER.read_bytes())])
    without = _probe(emulator, [])

    version, botocore_file = with_layer["botocore"]
    assert version == pins()["botocore"]
    for path in (botocore_file, with_layer["boto3"], with_layer["urllib3"]):
        assert "/python/" in path and not _in_venv(path), path
    assert with_layer["sys_path"][2].endswith("/python"), "the function's code, then the layer's paths"
    assert with_layer["models"] == {
        "s3": "2006-03-01",
        "dynamodb": "2012-08-10",
        "stepfunctions": "2016-11-23",
        "sts": "2011-06-15",
    }
    # Without a layer the same probe runs on the runtime's SDK (here: the venv's).
    assert _in_venv(without["botocore"][1]) and _in_venv(without["boto3"])


def test_a_later_layer_replaces_an_earlier_ones_files(emulator: Emulator) -> None:
    real, fake = _publish(emulator, LAYER.read_bytes()), _publish(emulator, FAKE_BOTOCORE)

    assert _probe(emulator, [real, fake], VERSION_PROBE)["botocore"] == "0.0.0-fake-layer"
    assert _probe(emulator, [fake, real], VERSION_PROBE)["botocore"] == pins()["botocore"]


def test_a_layer_wins_over_an_sdk_the_driving_script_imported_first(tmp_path: Path) -> None:
    # A spawned worker re-imports the script that drives the emulator; if that imported botocore,
    # the worker must still give the handler the layer's.
    with zipfile.ZipFile(io.BytesIO(FAKE_BOTOCORE)) as archive:
        archive.extractall(tmp_path / "opt")
    script = textwrap.dedent(
        f"""
        import sys
        import botocore
        from harness.lambda_sandbox import isolate_sys_path
        isolate_sys_path({str(tmp_path)!r}, {str(tmp_path / "opt")!r})
        import botocore
        print(botocore.__version__)
        """
    )
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=False, timeout=60
    )

    assert done.stdout.strip() == "0.0.0-fake-layer", done.stderr
