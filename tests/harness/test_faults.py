"""Self-tests of the emulator's fault injection (harness/faults.py)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import Emulator
from harness.faults import ACCESS_DENIED, INTERNAL_ERROR, Crash

PROBE_SOURCE = """
import os

import boto3


def handler(event, context):
    boto3.client("s3").put_object(Bucket=event["bucket"], Key=event["key"], Body=b"written")
    return {"pid": os.getpid()}
"""


def raw_s3(emulator: Emulator) -> Any:
    """An S3 client that never retries, so every injected fault surfaces."""
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=emulator.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "total_max_attempts": 1}),
    )


@pytest.fixture
def bucket(emulator: Emulator) -> str:
    name = f"faults-{uuid.uuid4().hex[:8]}"
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="good", Body=b"good")
    s3.put_object(Bucket=name, Key="bad", Body=b"bad")
    return name


def error_codes(s3: Any, bucket: str, count: int) -> list[str | None]:
    codes: list[str | None] = []
    for _ in range(count):
        try:
            s3.get_object(Bucket=bucket, Key="good")["Body"].read()
            codes.append(None)
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
    return codes


def test_rate_is_roughly_honoured_counted_and_seeded(emulator: Emulator, bucket: str) -> None:
    s3 = raw_s3(emulator)
    with emulator.faults(s3_error_rate=0.2, seed=11) as faults:
        codes = error_codes(s3, bucket, 400)
    failed = [code for code in codes if code]
    figures = faults.figures()
    assert 0.12 * 400 <= len(failed) <= 0.28 * 400
    assert set(failed) == {"SlowDown", "InternalError"}
    assert figures["s3_requests"] == 400
    assert figures["s3_faulted_total"] == len(failed)
    assert figures["s3_faulted"] == {
        "500 InternalError": failed.count("InternalError"),
        "503 SlowDown": failed.count("SlowDown"),
    }
    with emulator.faults(s3_error_rate=0.2, seed=11):
        again = error_codes(s3, bucket, 400)
    assert again == codes, "the same seed and requests give the same faults"


def test_key_rule_fails_every_request_on_that_key_only(emulator: Emulator, bucket: str) -> None:
    s3 = raw_s3(emulator)
    with emulator.faults(fail_keys={"bad": ACCESS_DENIED, "worse": INTERNAL_ERROR}) as faults:
        assert s3.get_object(Bucket=bucket, Key="good")["Body"].read() == b"good"
        with pytest.raises(ClientError) as denied:
            s3.get_object(Bucket=bucket, Key="bad")
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        with pytest.raises(ClientError) as head:
            s3.head_object(Bucket=bucket, Key="bad")
        assert head.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        with pytest.raises(ClientError) as copy:
            s3.copy_object(Bucket=bucket, Key="copy-of-bad", CopySource={"Bucket": bucket, "Key": "bad"})
        assert copy.value.response["Error"]["Code"] == "AccessDenied"
        with pytest.raises(ClientError) as put:
            s3.put_object(Bucket=bucket, Key="worse", Body=b"never stored" * 1000)
        assert put.value.response["Error"]["Code"] == "InternalError"
        # The refused body was drained: the connection serves the next request correctly.
        assert s3.get_object(Bucket=bucket, Key="good")["Body"].read() == b"good"
        listed = [row["Key"] for row in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert faults.figures()["s3_faulted"] == {"403 AccessDenied": 3, "500 InternalError": 1}
    assert listed == ["bad", "good"], "faulted requests are never processed"


def test_off_means_off_and_only_s3_is_affected(emulator: Emulator, bucket: str) -> None:
    s3 = raw_s3(emulator)
    faults = emulator.faults(s3_error_rate=1.0, fail_keys={"good": ACCESS_DENIED})
    assert error_codes(s3, bucket, 5) == [None] * 5, "not active before the block"
    with faults:
        assert error_codes(s3, bucket, 3) == ["AccessDenied"] * 3
        with faults.paused():
            assert error_codes(s3, bucket, 3) == [None] * 3
        with pytest.raises(ClientError):
            s3.list_buckets()
        emulator.client("sts").get_caller_identity()
        emulator.client("iam").list_roles()
        emulator.client("stepfunctions").list_state_machines()
        emulator.client("lambda").list_functions()
    assert error_codes(s3, bucket, 5) == [None] * 5, "not active after the block"
    assert faults.figures()["s3_requests"] == 4


@pytest.fixture(scope="module")
def probe_function(emulator: Emulator) -> str:
    """A 1-second Lambda function that writes the S3 object its event names."""
    name = f"faults-probe-{uuid.uuid4().hex[:6]}"
    role = emulator.client("iam").create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    # The emulator enforces IAM: the probe writes objects as this role.
    emulator.client("iam").put_role_policy(
        RoleName=name,
        PolicyName="write-objects",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::*/*"}],
            }
        ),
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("probe.py", PROBE_SOURCE)
    emulator.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="probe.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=1,
    )
    return name


def invoke(emulator: Emulator, function: str, bucket: str, key: str) -> tuple[str | None, dict]:
    response = emulator.client("lambda").invoke(
        FunctionName=function, Payload=json.dumps({"bucket": bucket, "key": key})
    )
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def exists(emulator: Emulator, bucket: str, key: str) -> bool:
    return key in {row["Key"] for row in emulator.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}


@pytest.mark.parametrize(
    ("mode", "error_type", "written"),
    [
        ("before", "Runtime.ExitError", False),
        ("after", "Runtime.ExitError", True),
        ("hang", "Sandbox.Timedout", True),
    ],
)
def test_crash_injection(
    emulator: Emulator, bucket: str, probe_function: str, mode: str, error_type: str, written: bool
) -> None:
    crash = Crash(function="faults-probe", mode=mode, nth=2, times=1)
    with emulator.faults(crashes=[crash], fail_keys={"never": ACCESS_DENIED}) as faults:
        results = [invoke(emulator, probe_function, bucket, f"{mode}-{n}") for n in range(1, 4)]
    assert results[0][0] is None and results[2][0] is None, f"only the 2nd invocation is hit: {results}"
    assert results[1][0] == "Unhandled"
    assert results[1][1]["errorType"] == error_type
    assert exists(emulator, bucket, f"{mode}-2") is written
    assert faults.figures()["lambda_crashes"] == {mode: 1}
    # The crashed sandbox was replaced; the function works on.
    assert invoke(emulator, probe_function, bucket, f"{mode}-later")[0] is None


def throttle_outcomes(dynamodb: Any, table: str, count: int) -> list[str | None]:
    codes: list[str | None] = []
    for n in range(count):
        try:
            dynamodb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}})
            codes.append(None)
        except ClientError as error:
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            codes.append(error.response["Error"]["Code"])
    return codes


def test_dynamodb_throttle_rate_is_honoured_counted_and_seeded(emulator: Emulator) -> None:
    table = f"faults-{uuid.uuid4().hex[:8]}"
    emulator.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=emulator.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    with emulator.faults(dynamodb_throttle_rate=0.25, seed=5) as faults:
        codes = throttle_outcomes(dynamodb, table, 200)
        emulator.client("s3").list_buckets()  # S3 is not DynamoDB: untouched, uncounted
    throttled = [code for code in codes if code]
    assert 0.15 * 200 <= len(throttled) <= 0.35 * 200
    assert set(throttled) == {"ProvisionedThroughputExceededException"}
    figures = faults.figures()
    assert (figures["dynamodb_requests"], figures["dynamodb_throttled"]) == (200, len(throttled))
    assert figures["s3_requests"] == 1
    stored = emulator.client("dynamodb").scan(TableName=table)["Items"]
    assert len(stored) == codes.count(None), "a throttled write is never processed"
    with emulator.faults(dynamodb_throttle_rate=0.25, seed=5):
        again = throttle_outcomes(dynamodb, table, 200)
    assert again == codes, "the same seed and requests, the same throttles"
