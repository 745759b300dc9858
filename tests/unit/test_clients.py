"""The S3 clients' botocore configuration: retries, timeouts and a pool sized to the threads."""

import pytest

from bucket_sync import clients


@pytest.fixture(autouse=True)
def _fresh_cache():
    clients._cached_client.cache_clear()
    yield
    clients._cached_client.cache_clear()


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
