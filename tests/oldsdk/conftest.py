"""Tests that run under the oldest boto3/botocore we claim to support, in .venv-oldsdk.

tests/unit/test_old_sdk.py runs them there in a subprocess (with --confcutdir, so the other
layers' conftest files, which need the full test dependencies, are not loaded). Under a newer
SDK, as in the main suite's own venv, they are not collected: what they prove needs an SDK
whose S3 model lacks DeleteObjects' ETag condition.
"""

from __future__ import annotations

import boto3


def _sdk_has_etag_condition() -> bool:
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return "ETag" in client.meta.service_model.shape_for("ObjectIdentifier").members


collect_ignore = ["test_old_botocore.py"] if _sdk_has_etag_condition() else []
