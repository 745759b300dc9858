"""The committed SDK layer is what scripts/build_sdk_layer.py builds from the pins, and the pins
are the SDK the tests run on.

Rebuilding needs the pinned wheels: downloaded once into build/sdk-wheels/, offline after that.
"""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

from scripts.build_sdk_layer import (
    BOTO3_RESOURCES,
    BOTOCORE_SERVICES,
    LAYER,
    MANIFEST,
    PYPROJECT,
    build,
    pins,
)

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "handlers"


def _committed() -> zipfile.ZipFile:
    return zipfile.ZipFile(BytesIO(LAYER.read_bytes()))


def test_committed_layer_is_fresh_and_reproducible():
    fresh = build()
    assert LAYER.read_bytes() == fresh, "dist/sdk-layer.zip is stale: run python scripts/build_sdk_layer.py"
    assert build() == fresh


def test_the_layers_sdk_is_the_one_the_tests_run():
    dev = {}
    for requirement in tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["dev"]:
        name, _, pinned = requirement.partition("==")
        dev[name.lower()] = pinned
    layer = pins()
    for package in ("boto3", "botocore"):
        assert layer[package] == dev[package], f"sdk-layer and dev pin different {package}"
        assert version(package) == layer[package], f"the tests run another {package} than the layer"


def test_the_layer_keeps_every_service_the_handlers_call():
    # Every client or resource the handler code creates, e.g. `.client("s3"` or `.resource("dynamodb"`.
    source = "\n".join(p.read_text() for p in HANDLERS.rglob("*.py"))
    clients = set(re.findall(r"\.client\(\s*\"([a-z0-9-]+)\"", source))
    resources = set(re.findall(r"\.resource\(\s*\"([a-z0-9-]+)\"", source))
    assert clients, "the pattern finds the handlers' clients"
    assert clients | resources <= set(BOTOCORE_SERVICES)
    assert resources <= set(BOTO3_RESOURCES)

    names = _committed().namelist()
    data = {n.split("/")[3] for n in names if n.startswith("python/botocore/data/") and n.count("/") > 4}
    assert data == set(BOTOCORE_SERVICES), "pruned to exactly the kept services"
    for top in ("endpoints.json", "partitions.json", "sdk-default-configuration.json", "_retry.json"):
        assert f"python/botocore/data/{top}" in names


def test_the_layer_records_its_pins_and_has_lambdas_layout():
    layer = _committed()
    record = json.loads(layer.read(MANIFEST))
    assert record["packages"] == pins()
    built_from = {re.sub(r"[-_.]+", "_", n).lower() + f"-{v}-" for n, v in pins().items()}
    assert {"-".join(w.split("-")[:2]) + "-" for w in record["wheels"]} == built_from
    infos = layer.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    for info in infos:
        assert info.filename.startswith("python/"), info.filename
        assert "__pycache__" not in info.filename and not info.filename.endswith("/RECORD")
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr == 0o644 << 16
        assert info.compress_type == zipfile.ZIP_STORED


def test_the_docs_state_the_layers_size_and_versions():
    readme = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    assert f"`dist/sdk-layer.zip`, {len(LAYER.read_bytes()):,} bytes" in readme
    for package, pinned in pins().items():
        assert f"{package} {pinned}" in readme, package
