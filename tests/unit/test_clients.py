"""The S3 clients' botocore configuration: retries, timeouts and a pool sized to the threads."""

from datetime import timedelta

import pytest
from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

from bucket_sync import clients


@pytest.fixture(autouse=True)
def _fresh_cache():
    clients._cached_client.cache_clear()
    clients._session.cache_clear()
    yield
    clients._cached_client.cache_clear()
    clients._session.cache_clear()


def test_retries_use_standard_mode_with_five_requests_in_all():
    config = clients.s3_client("us-east-1", threads=16).meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}


def test_timeouts_are_shorter_than_botocores_minute():
    config = clients.s3_client("us-east-1", threads=16).meta.config
    assert (config.connect_timeout, config.read_timeout) == (5, 20)


def test_connection_pool_matches_the_threads_given():
    assert clients.s3_client("us-east-1", threads=64).meta.config.max_pool_connections == 68


def test_connection_pool_follows_copy_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("COPY_THREADS", "32")
    assert clients.s3_client("eu-west-1").meta.config.max_pool_connections == 36


def test_clients_are_shared_per_region_and_pool_size():
    first = clients.s3_client("us-east-1", threads=8)
    assert clients.s3_client("us-east-1", threads=8) is first
    assert clients.s3_client("eu-west-1", threads=8) is not first
    assert clients.s3_client("us-east-1", threads=16) is not first


def test_listing_timestamps_parse_as_botocores_own(s3):
    s3.put_object(Bucket="src", Key="a", Body=b"x")
    fast = clients.s3_client("us-east-1", threads=1).list_objects_v2(Bucket="src")["Contents"][0]
    assert fast["LastModified"] == s3.list_objects_v2(Bucket="src")["Contents"][0]["LastModified"]
    assert fast["LastModified"].utcoffset() == timedelta(0)


def test_header_timestamps_still_parse(s3):
    s3.put_object(Bucket="src", Key="a", Body=b"x")
    head = clients.s3_client("us-east-1", threads=1).head_object(Bucket="src", Key="a")
    assert head["LastModified"] == s3.head_object(Bucket="src", Key="a")["LastModified"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-29T19:51:38.000Z",
        "2026-11-29T19:51:38Z",
        "2026-11-29T21:51:38.123+02:00",
        "Sun, 29 Nov 2026 19:51:38 GMT",
        "2026-11-29T19:51:38",
        1795982298,
    ],
)
def test_every_timestamp_form_parses_as_botocore_parses_it(value):
    assert clients.parse_timestamp(value) == DEFAULT_TIMESTAMP_PARSER(value)
