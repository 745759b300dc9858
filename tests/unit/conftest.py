"""Handler tests on moto in-process: real boto3 calls against an emulated S3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from harness import iam_enforcement, s3_fidelity, s3_ownership
from tests.unit.support import REGION, RUN_TABLE, create_run_table

s3_fidelity.apply()
s3_ownership.apply()


@pytest.fixture(autouse=True)
def _no_iam_enforcement() -> Iterator[None]:
    """Handler tests call moto in-process as nobody in particular; the emulator of an end-to-end
    session in the same process turns moto's IAM authorization on process-wide."""
    was = iam_enforcement.enforcing()
    iam_enforcement.enforce(False)
    yield
    if was:
        # mock_aws resets every backend when a test ends, the emulator's admin user with them.
        iam_enforcement.install_admin()
        iam_enforcement.enforce(True)


@pytest.fixture(autouse=True)
def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="src")
        client.create_bucket(Bucket="dst")
        yield client


@pytest.fixture
def run_table(s3: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The run table, inside the same emulated account as `s3`; handlers find it by RUN_TABLE."""
    from bucket_sync.runstore import run_table as cached_table

    monkeypatch.setenv("RUN_TABLE", RUN_TABLE)
    cached_table.cache_clear()
    yield create_run_table()
    cached_table.cache_clear()
