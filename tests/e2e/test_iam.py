"""The emulator enforces IAM (harness/iam_enforcement.py): the handlers can do what the module's
Lambda role allows and nothing else, so a permission iam.tf lacks fails a run here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import iam_enforcement
from harness.buckets import put_objects
from tests.deployment import DST, OUTSIDE, SRC

LAMBDA_ROLE = "e2e-lambda"  # var.name of the test stack + "-lambda" (iam.tf)
POLICY = "sync-buckets"


def as_lambda_role(sync: Any, service: str) -> Any:
    """A client signing with the credentials the Lambda workers get: the role's, assumed."""
    role_arn = sync.emulator.client("iam").get_role(RoleName=LAMBDA_ROLE)["Role"]["Arn"]
    key_id, secret, token = iam_enforcement.role_credentials(role_arn, "us-east-1")
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=sync.emulator.endpoint,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def refused(call: Any, **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"] in ("AccessDenied", "403")
    return False


def test_the_lambda_role_reaches_only_the_configured_buckets(sync):
    assert iam_enforcement.enforcing()  # on by default
    put_objects(sync.s3, SRC, {"in": b"1"})
    put_objects(sync.s3, OUTSIDE, {"out": b"2"})
    s3 = as_lambda_role(sync, "s3")
    # What the handlers do, where the module is configured to: allowed.
    assert s3.list_objects_v2(Bucket=SRC)["KeyCount"] == 1
    s3.copy_object(Bucket=DST, Key="in", CopySource={"Bucket": SRC, "Key": "in"})
    # The same outside the configured buckets, or against their roles: refused.
    assert refused(s3.head_bucket, Bucket=OUTSIDE)
    assert refused(s3.list_objects_v2, Bucket=OUTSIDE)
    assert refused(s3.get_object, Bucket=OUTSIDE, Key="out")
    assert refused(s3.put_object, Bucket=OUTSIDE, Key="x", Body=b"x")
    assert refused(s3.copy_object, Bucket=DST, Key="out", CopySource={"Bucket": OUTSIDE, "Key": "out"})
    assert refused(s3.put_object, Bucket=SRC, Key="x", Body=b"x")  # a source is read-only
    assert refused(s3.delete_object, Bucket=SRC, Key="in")
    assert refused(s3.create_bucket, Bucket="e2e-new")
    assert set(sync.snapshot(OUTSIDE)) == {"out"} and set(sync.snapshot(SRC)) == {"in"}
    # Other services: only the run-state table and its own state machine's executions.
    assert refused(as_lambda_role(sync, "dynamodb").list_tables)
    assert refused(as_lambda_role(sync, "stepfunctions").list_state_machines)


@contextmanager
def without_action(sync: Any, action: str) -> Iterator[None]:
    """The deployed Lambda role's policy minus ``action``, restored afterwards."""
    iam = sync.emulator.client("iam")
    original = iam.get_role_policy(RoleName=LAMBDA_ROLE, PolicyName=POLICY)["PolicyDocument"]
    document = original if isinstance(original, dict) else json.loads(original)
    narrowed = json.loads(json.dumps(document))
    for statement in narrowed["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        statement["Action"] = [a for a in actions if a != action] or ["s3:GetBucketTagging"]
    iam.put_role_policy(RoleName=LAMBDA_ROLE, PolicyName=POLICY, PolicyDocument=json.dumps(narrowed))
    try:
        yield
    finally:
        iam.put_role_policy(RoleName=LAMBDA_ROLE, PolicyName=POLICY, PolicyDocument=json.dumps(document))


@pytest.mark.parametrize("action", ["s3:PutObject", "dynamodb:PutItem"])
def test_a_run_fails_without_an_action_the_handlers_need(sync, action):
    put_objects(sync.s3, SRC, {f"k{i}": b"x" for i in range(3)})
    with without_action(sync, action):
        result = sync.run(source=SRC, destination=DST)
        assert result.status == "FAILED", result.output
        assert "AccessDenied" in f"{result.error} {result.cause}"
        # The switch: with IAM not enforced, the same narrowed role would pass unnoticed.
        with sync.emulator.lax("iam"):
            assert not iam_enforcement.enforcing()
            assert sync.run(source=SRC, destination=DST).status == "SUCCEEDED"
        assert iam_enforcement.enforcing()
