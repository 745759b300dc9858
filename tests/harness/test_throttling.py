"""The emulator's request-rate limits (harness/throttling.py): S3 SlowDown per bucket and DynamoDB
throttles per partition key, for callers other than the admin keys, each with its switch.

Rates here are tiny (capacity 3, one token back every 5 s), so a test's quick requests meet an
exhausted bucket however slowly the machine serves them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import Emulator
from harness.throttling import RATES_ENV_VAR, RequestRates, Throttle, TokenBucket
from tests.harness.strict_support import unique

# Three tokens, refilled at one per five seconds.
TINY = {"burst_seconds": 15.0}
TINY_RATE = 0.2
CAPACITY = 3
THROTTLE = "ProvisionedThroughputExceededException"


# --- the token bucket and the configuration, without the emulator ------------------------------


def test_token_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, capacity=4.0, now=0.0)
    assert [bucket.take(1, now=0.0) for _ in range(5)] == [True] * 4 + [False]
    assert bucket.take(1, now=0.5) and not bucket.take(1, now=0.5), "one token per half second"
    assert [bucket.take(1, now=10.0) for _ in range(5)] == [True] * 4 + [False], "never above capacity"


def test_an_item_larger_than_the_burst_passes_when_full_and_leaves_a_debt() -> None:
    bucket = TokenBucket(rate=1.0, capacity=2.0, now=0.0)
    assert bucket.take(5, now=0.0)
    assert not bucket.take(1, now=3.5), "3 s refill pays only 3 of the 3-token debt plus the next"
    assert bucket.take(1, now=4.0)


def test_s3_writes_and_reads_have_separate_buckets_per_bucket() -> None:
    clock = [0.0]
    throttle = Throttle(RequestRates(s3_writes_per_second=2, s3_reads_per_second=3), clock=lambda: clock[0])
    assert [throttle.admit_s3("a", "write") for _ in range(3)] == [True, True, False]
    assert [throttle.admit_s3("a", "read") for _ in range(4)] == [True] * 3 + [False]
    assert throttle.admit_s3("b", "write"), "another bucket is another partition"
    clock[0] = 0.5
    assert throttle.admit_s3("a", "write")
    assert throttle.figures()["s3"]["a"] == {
        "read": {"requests": 4, "slowdown": 1},
        "write": {"requests": 4, "slowdown": 1},
    }


def test_rates_default_to_aws_divided_by_20_and_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RATES_ENV_VAR, raising=False)
    assert RequestRates.from_env() == RequestRates(175, 275, 50, 1.0)
    monkeypatch.setenv(RATES_ENV_VAR, "s3_writes=40, s3_reads=100,ddb=50,burst=2")
    assert RequestRates.from_env() == RequestRates(40, 100, 50, 2.0)
    assert Emulator().rates == RequestRates(40, 100, 50, 2.0)
    with pytest.raises(ValueError, match="s3_write"):
        RequestRates.from_env("s3_write=40")
    with pytest.raises(ValueError, match="> 0"):
        RequestRates.from_env("ddb=0")


# --- through the emulator ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def caller(emulator: Emulator) -> dict[str, str]:
    """Keys of an IAM user allowed S3 and DynamoDB: a caller the limits apply to, like a handler."""
    iam = emulator.client("iam")
    name = unique("throttled")
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="s3-and-dynamodb",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def limited_client(emulator: Emulator, caller: dict[str, str], service: str) -> Any:
    """A client signing as ``caller`` that never retries, so every throttle surfaces."""
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=emulator.endpoint,
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "total_max_attempts": 1}),
        **caller,
    )


def outcome(call: Any) -> str:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


@pytest.fixture
def bucket(emulator: Emulator) -> Iterator[str]:
    name = unique("throttle")
    emulator.client("s3").create_bucket(Bucket=name)
    emulator.reset_throttle_figures()
    yield name


def test_s3_answers_slowdown_beyond_the_bucket_rate(
    emulator: Emulator, caller: dict[str, str], bucket: str
) -> None:
    s3 = limited_client(emulator, caller, "s3")
    admin = emulator.client("s3")
    with emulator.request_rates(s3_writes_per_second=TINY_RATE, s3_reads_per_second=TINY_RATE, **TINY):
        for n in range(10):
            admin.put_object(Bucket=bucket, Key=f"admin-{n}", Body=b"x")  # the tests' own: never limited
        started = time.monotonic()
        body = b"y" * 100_000
        writes = [outcome(lambda n=n: s3.put_object(Bucket=bucket, Key=f"k{n}", Body=body)) for n in range(8)]
        refilled = int((time.monotonic() - started) * TINY_RATE)
        # Reads have their own bucket: still full although writes are exhausted.
        reads = [outcome(lambda: s3.head_object(Bucket=bucket, Key="k0")) for _ in range(5)]
        listing = outcome(lambda: s3.list_objects_v2(Bucket=bucket))
        with pytest.raises(ClientError) as slow:
            s3.put_object(Bucket=bucket, Key="late", Body=b"z")
    assert writes[:CAPACITY] == ["ok"] * CAPACITY
    assert writes.count("ok") <= CAPACITY + refilled
    assert set(writes[CAPACITY + refilled :]) == {"SlowDown"}
    assert slow.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert reads[:CAPACITY] == ["ok"] * CAPACITY and reads[-1] == "503", "a HEAD's SlowDown has no body"
    assert listing == "SlowDown", "LIST is a read"
    stored = {row["Key"] for row in admin.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {f"k{n}" for n, result in enumerate(writes) if result == "SlowDown"}.isdisjoint(stored)
    # The refused bodies were drained: the same connection serves the next request correctly.
    assert s3.get_object(Bucket=bucket, Key="k0")["Body"].read() == body
    figures = emulator.throttle_figures()["s3"][bucket]
    assert figures["write"] == {"requests": 9, "slowdown": 9 - writes.count("ok")}
    assert figures["read"]["slowdown"] == reads.count("503") + 1


def test_s3_request_rate_switch(emulator: Emulator, caller: dict[str, str], bucket: str) -> None:
    s3 = limited_client(emulator, caller, "s3")
    with emulator.request_rates(s3_writes_per_second=TINY_RATE, **TINY), emulator.lax("s3_request_rate"):
        writes = [outcome(lambda n=n: s3.put_object(Bucket=bucket, Key=f"k{n}", Body=b"y")) for n in range(8)]
    assert writes == ["ok"] * 8
    assert emulator.throttle_figures()["s3"][bucket]["write"] == {"requests": 8, "slowdown": 0}


@pytest.fixture
def table(emulator: Emulator) -> str:
    name = unique("throttle")
    emulator.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    emulator.reset_throttle_figures()
    return name


def item(pk: str, sk: str, padding: int = 0) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "pad": {"S": "p" * padding}}


def put(dynamodb: Any, table: str, attributes: dict[str, Any]) -> str:
    return outcome(lambda: dynamodb.put_item(TableName=table, Item=attributes))


def test_dynamodb_throttles_writes_beyond_a_partition_key_rate(
    emulator: Emulator, caller: dict[str, str], table: str
) -> None:
    dynamodb = limited_client(emulator, caller, "dynamodb")
    admin = emulator.client("dynamodb")
    with emulator.request_rates(dynamodb_partition_writes_per_second=TINY_RATE, **TINY):
        for n in range(6):
            admin.put_item(TableName=table, Item=item("hot", f"admin-{n}"))  # never limited
        hot = [put(dynamodb, table, item("hot", str(n))) for n in range(6)]
        cold = outcome(lambda: dynamodb.put_item(TableName=table, Item=item("cold", "0")))
        update = outcome(
            lambda: dynamodb.update_item(
                TableName=table,
                Key={"pk": {"S": "hot"}, "sk": {"S": "0"}},
                UpdateExpression="SET n = :n",
                ExpressionAttributeValues={":n": {"N": "1"}},
            )
        )
        # 2.5 KiB is three write units: the whole burst of a fresh partition.
        large = outcome(lambda: dynamodb.put_item(TableName=table, Item=item("large", "0", 2560)))
        after_large = outcome(lambda: dynamodb.put_item(TableName=table, Item=item("large", "1")))
        batch = dynamodb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": item("warm", str(n))}} for n in range(5)]}
        )
        last = {table: [{"PutRequest": {"Item": item("warm", "9")}}]}
        exhausted = outcome(lambda: dynamodb.batch_write_item(RequestItems=last))
    assert hot[:CAPACITY] == ["ok"] * CAPACITY and hot[-1] == THROTTLE
    assert (cold, update) == ("ok", THROTTLE)
    assert (large, after_large) == ("ok", THROTTLE)
    unprocessed = [row["PutRequest"]["Item"]["sk"]["S"] for row in batch["UnprocessedItems"][table]]
    assert unprocessed == ["3", "4"], "the items that did not fit come back, in order"
    assert exhausted == THROTTLE, "a batch of which nothing fits is refused whole"
    stored = admin.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "warm"}}
    )["Items"]
    assert sorted(row["sk"]["S"] for row in stored) == ["0", "1", "2"]
    assert emulator.throttle_figures()["dynamodb"] == {
        "requests": 12,
        "throttled": hot.count(THROTTLE) + 3,
        "unprocessed_items": 2,
    }


def test_dynamodb_partition_rate_switch(emulator: Emulator, caller: dict[str, str], table: str) -> None:
    dynamodb = limited_client(emulator, caller, "dynamodb")
    with emulator.request_rates(dynamodb_partition_writes_per_second=TINY_RATE, **TINY):
        with emulator.lax("dynamodb_partition_rate"):
            hot = [put(dynamodb, table, item("hot", str(n))) for n in range(6)]
            batch = dynamodb.batch_write_item(
                RequestItems={table: [{"PutRequest": {"Item": item("warm", str(n))}} for n in range(5)]}
            )
    assert hot == ["ok"] * 6
    assert not batch["UnprocessedItems"]
    assert emulator.throttle_figures()["dynamodb"] == {"requests": 7, "throttled": 0, "unprocessed_items": 0}
