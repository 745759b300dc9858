"""Every deployed handler function carries the module's SDK layer, byte for byte the committed zip."""

from __future__ import annotations

import base64
import hashlib

from scripts.build_sdk_layer import LAYER


def test_every_function_has_the_committed_sdk_layer(deployment):
    lam = deployment.emulator.client("lambda")
    committed = base64.b64encode(hashlib.sha256(LAYER.read_bytes()).digest()).decode()
    function_arns = deployment.stack.outputs()["function_arns"]
    assert set(function_arns) == {"validate", "plan_ranges", "sync_range", "record_range_error", "summarize"}

    layer_arns = set()
    for arn in function_arns.values():
        layers = lam.get_function(FunctionName=arn)["Configuration"]["Layers"]
        assert len(layers) == 1, layers
        layer_arns.add(layers[0]["Arn"])
    (layer_arn,) = layer_arns  # one layer version shared by the five functions
    _, _, name, number = layer_arn.rsplit(":", 3)

    version = lam.get_layer_version(LayerName=name, VersionNumber=int(number))
    assert name.endswith("-sdk")
    assert version["Content"]["CodeSha256"] == committed
    assert version["CompatibleRuntimes"] == ["python3.12"]
    assert version["CompatibleArchitectures"] == ["arm64"]
