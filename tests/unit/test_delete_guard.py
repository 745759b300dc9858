"""The delete guard's reservation hook: asked right before each request with the entries it
deletes; once it says no, nothing more is sent and nothing more is reserved."""

import pytest

from bucket_sync import deleter
from bucket_sync.listing import list_range
from harness.buckets import snapshot
from tests.unit.support import delete_all, put
from tests.unit.xml_strict import answer_malformed_bodies, record


class Budget:
    """A reservation hook that grants deletes while `left` lasts, recording every ask."""

    def __init__(self, left: int) -> None:
        self.left, self.asked, self.granted = left, [], 0

    def __call__(self, entries) -> bool:
        count = len(entries)
        self.asked.append(count)
        if count > self.left:
            return False
        self.left -= count
        self.granted += count
        return True


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(deleter, "BATCH_SIZE", 2)


def orphans(s3, keys):
    for key in keys:
        put(s3, "dst", key)
    return list_range(s3, "dst", "", "", None, 100).entries


def test_a_refused_reservation_stops_the_request_and_every_later_one(s3, small_batches):
    entries = orphans(s3, ["k1", "k2", "k3", "k4", "k5"])
    sent = record(s3, "DeleteObjects")
    budget = Budget(left=3)
    outcome = delete_all(s3, "dst", entries, threads=1, dry_run=False, reserve=budget)
    assert budget.asked == [2, 2], "the request after the refusal is not even asked for"
    assert len(sent) == 1 and set(snapshot(s3, "dst")) == {"k3", "k4", "k5"}
    assert (outcome.deleted, outcome.failures, outcome.guard_tripped) == (2, [], True)
    assert [e.key for e in outcome.not_deleted] == ["k3", "k4", "k5"]


def test_parallel_requests_reserve_exactly_what_they_send(s3, small_batches):
    entries = orphans(s3, [f"k{i}" for i in range(10)])
    budget = Budget(left=6)
    outcome = delete_all(s3, "dst", entries, threads=4, dry_run=False, reserve=budget)
    assert budget.asked == [2, 2, 2, 2] and budget.granted == outcome.deleted == 6
    assert len(snapshot(s3, "dst")) == len(outcome.not_deleted) == 4 and outcome.guard_tripped


def test_each_single_delete_reserves_one(s3):
    answer_malformed_bodies(s3)
    entries = orphans(s3, ["a\x01", "b\x02", "plain"])
    budget = Budget(left=2)
    outcome = delete_all(s3, "dst", entries, threads=1, dry_run=False, reserve=budget)
    assert budget.asked == [1, 1, 1] and outcome.deleted == 2
    assert [e.key for e in outcome.not_deleted] == ["plain"] and snapshot(s3, "dst").keys() == {"plain"}


def test_nothing_is_reserved_for_what_is_never_sent(s3, monkeypatch):
    entries = orphans(s3, ["k1"])
    budget = Budget(left=10)
    delete_all(s3, "dst", entries, threads=1, dry_run=True, reserve=budget)
    monkeypatch.setattr(deleter, "supports_etag_condition", lambda s3: False)
    outcome = delete_all(s3, "dst", entries, threads=1, dry_run=False, reserve=budget)
    assert budget.asked == [] and len(outcome.failures) == 1 and not outcome.guard_tripped


def test_a_reservation_that_times_out_returns_the_request_to_retry(s3):
    entries = orphans(s3, ["k1"])

    def throttled(entries):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")

    outcome = delete_all(s3, "dst", entries, threads=1, dry_run=False, reserve=throttled)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (0, [], entries)
    assert set(snapshot(s3, "dst")) == {"k1"}
