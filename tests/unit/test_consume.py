"""The continuous-sync consumer on moto in-process: events read as hints, each key decided from
both sides' live state with the run's compare/copy/delete code, and the keys to try again
handed back as batch item failures."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bucket_sync.applykeys import Target, apply_keys, compared_destinations
from bucket_sync.changes import changes_in, hints_of
from bucket_sync.deletebudget import DeleteBudget
from bucket_sync.emf import MAX_VALUES, metric_lines
from bucket_sync.follow import Follow, load_follow
from bucket_sync.handoff import exact_key_scope, execution_name
from bucket_sync.heads import Kept
from bucket_sync.jobs import step_pool
from bucket_sync.livestate import Sides
from bucket_sync.overrides import Destination
from bucket_sync.scope import in_scope
from tests.unit.support import Context, put

EVENTS = Path(__file__).parent / "events"


def record(message_id: str, body: dict[str, Any] | str) -> dict[str, Any]:
    return {"messageId": message_id, "body": body if isinstance(body, str) else json.dumps(body)}


def eventbridge(key: str, detail_type: str = "Object Created", at: str = "2026-12-04T10:00:00Z") -> dict:
    return {
        "source": "aws.s3",
        "detail-type": detail_type,
        "time": at,
        "detail": {"bucket": {"name": "src"}, "object": {"key": key}},
    }


class Calls:
    """Counts S3 operations a client sends."""

    def __init__(self, client: Any) -> None:
        self.counts: dict[str, int] = {}
        client.meta.events.register("before-call.s3", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.counts[model.name] = self.counts.get(model.name, 0) + 1


def target(s3: Any, **overrides: Any) -> Target:
    handed: list[tuple[str, str]] = overrides.pop("handed", [])
    base: dict[str, Any] = {
        "source_s3": s3,
        "destination_s3": s3,
        "source": "src",
        "destination": "dst",
        "kept": Kept(),
        "overrides": Destination(),
        "delete_orphans": True,
        "inline_copy_max_bytes": 1024,
        "threads": 4,
        "hand_off": lambda key, etag: handed.append((key, etag)) or f"arn:{key}",
    }
    return Target(**{**base, **overrides})


def apply(s3: Any, keys: list[str], reserve: Any = None, **overrides: Any):
    with step_pool(4) as pool:
        return apply_keys(target(s3, **overrides), keys, reserve or (lambda entries: True), pool)


# --- reading events -----------------------------------------------------------------------------


def test_an_eventbridge_event_names_its_bucket_key_and_time_as_given() -> None:
    (change,) = changes_in((EVENTS / "s3_eventbridge_object_created.json").read_text())
    assert (change.bucket, change.key) == ("src", "photos/a b+c.jpg")
    assert change.time == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_an_s3_notification_key_is_url_decoded() -> None:
    (change,) = changes_in((EVENTS / "s3_notification_object_removed.json").read_text())
    assert (change.bucket, change.key) == ("src", "photos/a b+c.jpg")
    assert change.time == datetime(2026, 12, 4, 10, 0, 1, 250000, tzinfo=UTC)


def test_a_test_event_or_garbage_is_ignored() -> None:
    hints = hints_of(
        [
            record("1", {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "src"}),
            record("2", "not json"),
        ]
    )
    assert hints.messages == {} and hints.ignored == 2


def test_a_key_named_many_times_is_one_hint_with_its_earliest_time() -> None:
    hints = hints_of(
        [
            record("m1", eventbridge("k", at="2026-12-04T10:00:05Z")),
            record("m2", eventbridge("k", at="2026-12-04T10:00:01Z")),
            record("m2", eventbridge("k", at="2026-12-04T10:00:01Z")),
            record("m3", eventbridge("other")),
        ]
    )
    assert hints.messages == {("src", "k"): ["m1", "m2"], ("src", "other"): ["m3"]}
    assert hints.earliest[("src", "k")] == datetime(2026, 12, 4, 10, 0, 1, tzinfo=UTC)


def test_scope_follows_bucket_prefix_include_and_exclude() -> None:
    follow = Follow(source="src", prefix="p/", include=("*.jpg",), exclude=("tmp/*",))
    assert follow.covers("src", "p/a.jpg")
    assert not follow.covers("src", "p/a.png")
    assert not follow.covers("src", "p/tmp/a.jpg")
    assert not follow.covers("src", "q/a.jpg")
    assert not follow.covers("other", "p/a.jpg")


# --- applying keys ------------------------------------------------------------------------------


def test_a_new_source_key_is_copied_with_its_headers(s3: Any) -> None:
    put(s3, "src", "k", b"hello", ContentType="text/plain", Metadata={"a": "1"})
    applied = apply(s3, ["k"])
    assert applied.copied == ["k"] and not applied.retry
    copy = s3.head_object(Bucket="dst", Key="k")
    assert copy["ContentType"] == "text/plain" and copy["Metadata"] == {"a": "1"}
    assert copy["ETag"] == s3.head_object(Bucket="src", Key="k")["ETag"]


def test_an_equal_destination_costs_no_copy(s3: Any) -> None:
    put(s3, "src", "k", b"hello")
    apply(s3, ["k"])
    calls = Calls(s3)
    applied = apply(s3, ["k"])
    assert applied.unchanged == ["k"] and calls.counts.get("CopyObject", 0) == 0


def test_a_changed_source_is_copied_again(s3: Any) -> None:
    put(s3, "src", "k", b"one")
    apply(s3, ["k"])
    put(s3, "src", "k", b"two!")
    assert apply(s3, ["k"]).copied == ["k"]
    assert s3.get_object(Bucket="dst", Key="k")["Body"].read() == b"two!"


def test_a_key_gone_from_the_source_is_deleted_and_an_absent_one_is_nothing(s3: Any) -> None:
    put(s3, "dst", "gone", b"x")
    applied = apply(s3, ["gone", "never"])
    assert applied.deleted == ["gone"] and applied.unchanged == ["never"]
    assert "Contents" not in s3.list_objects_v2(Bucket="dst")


def test_orphans_are_kept_when_deletes_are_off(s3: Any) -> None:
    put(s3, "dst", "gone", b"x")
    applied = apply(s3, ["gone"], delete_orphans=False)
    assert "gone" in applied.kept and not applied.deleted
    assert s3.head_object(Bucket="dst", Key="gone")


def test_a_delete_is_pinned_to_the_destination_etag_it_read(s3: Any) -> None:
    put(s3, "dst", "k", b"old")

    def rewrite(**_: Any) -> None:
        s3.meta.events.unregister("before-call.s3.DeleteObjects", rewrite)
        put(s3, "dst", "k", b"written by someone else")

    s3.meta.events.register("before-call.s3.DeleteObjects", rewrite)
    applied = apply(s3, ["k"])
    assert "rewritten" in applied.kept["k"] and not applied.deleted
    assert s3.get_object(Bucket="dst", Key="k")["Body"].read() == b"written by someone else"


def test_deletes_beyond_the_budget_pause_and_go_back_to_the_queue(s3: Any, run_table: Any) -> None:
    keys = [f"k{i:02d}" for i in range(25)]
    for key in keys:
        put(s3, "dst", key)
    budget = DeleteBudget(run_table, "dst", budget=10, window_seconds=300, clock=lambda: 1000.0)
    applied = apply(s3, keys, reserve=budget.reserve)
    assert len(applied.deleted) == 10 and sorted(applied.paused) == sorted(applied.retry)
    assert len(applied.paused) == 15 and budget.refused == 15
    assert s3.list_objects_v2(Bucket="dst")["KeyCount"] == 15


def test_the_delete_budget_is_per_window() -> None:
    class Table:
        def __init__(self) -> None:
            self.counts: dict[str, int] = {}

        def update_item(self, Key: dict, ExpressionAttributeValues: dict, **_: Any) -> None:  # noqa: N803
            window = Key["item"]
            now = self.counts.get(window, 0)
            if now > ExpressionAttributeValues[":room"]:
                from botocore.exceptions import ClientError

                raise ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "UpdateItem")
            self.counts[window] = now + ExpressionAttributeValues[":count"]

    clock = [0.0]
    budget = DeleteBudget(Table(), "dst", budget=3, window_seconds=60, clock=lambda: clock[0])
    entries = [object()]
    assert [budget.reserve(entries) for _ in range(4)] == [True, True, True, False]  # type: ignore[arg-type]
    clock[0] = 61.0
    assert budget.reserve(entries)  # type: ignore[arg-type]
    assert not budget.reserve(entries * 4)  # type: ignore[arg-type]


def test_a_large_object_is_handed_to_a_run(s3: Any) -> None:
    put(s3, "src", "big", b"y" * 2048)
    handed: list[tuple[str, str]] = []
    applied = apply(s3, ["big"], handed=handed)
    assert applied.handed_off == ["big"]
    assert handed == [("big", s3.head_object(Bucket="src", Key="big")["ETag"])]
    assert "Contents" not in s3.list_objects_v2(Bucket="dst")


def test_a_source_that_moves_while_it_is_copied_goes_back_to_the_queue(s3: Any) -> None:
    put(s3, "src", "k", b"old")

    def overwrite(**_: Any) -> None:
        s3.meta.events.unregister("after-call.s3.CopyObject", overwrite)
        put(s3, "src", "k", b"newer")

    s3.meta.events.register("after-call.s3.CopyObject", overwrite)
    applied = apply(s3, ["k"])
    assert applied.retry == {"k": "source changed while it was applied"} and not applied.copied
    assert apply(s3, ["k"]).copied == ["k"]
    assert s3.get_object(Bucket="dst", Key="k")["Body"].read() == b"newer"


@pytest.mark.parametrize("existing", [None, b"old copy"])
def test_a_destination_written_after_it_was_read_is_never_overwritten(
    s3: Any, existing: bytes | None
) -> None:
    put(s3, "src", "k", b"from the source")
    if existing is not None:
        put(s3, "dst", "k", existing)

    def other_writer(**_: Any) -> None:
        s3.meta.events.unregister("before-call.s3.CopyObject", other_writer)
        put(s3, "dst", "k", b"the other writer's")

    s3.meta.events.register("before-call.s3.CopyObject", other_writer)
    applied = apply(s3, ["k"])
    assert "k" in applied.kept and not applied.copied and not applied.retry
    assert s3.get_object(Bucket="dst", Key="k")["Body"].read() == b"the other writer's"


def test_an_archived_source_is_named_not_retried(s3: Any) -> None:
    put(s3, "src", "cold", b"x", StorageClass="GLACIER")
    applied = apply(s3, ["cold"])
    assert "restore it" in applied.kept["cold"] and not applied.retry


def test_copies_carry_the_destination_etag_they_were_decided_on() -> None:
    sides = [Sides("new", {"ETag": '"a"'}, None), Sides("old", {"ETag": '"a"'}, {"ETag": '"b"'})]
    assert compared_destinations(sides) == {"new": None, "old": '"b"'}


# --- handing off --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["big.bin", "dir/a*b?", "x[", "é"])
def test_a_handed_off_run_covers_exactly_its_key(key: str) -> None:
    scope = exact_key_scope(key)
    assert in_scope(key, scope["prefix"], scope["include"], [])
    for other in (key + "x", key + "/child", key[:-1] + "Z"):
        if other != key and other.startswith(scope["prefix"]):
            assert not in_scope(other, scope["prefix"], scope["include"], [])


def test_one_source_version_has_one_execution_name() -> None:
    name = execution_name("src", "k" * 1024, '"e"')
    assert name == execution_name("src", "k" * 1024, '"e"') and len(name) <= 80
    assert name != execution_name("src", "k" * 1024, '"f"')


# --- the handler ----------------------------------------------------------------------------------


@pytest.fixture
def consumer_env(s3: Any, run_table: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "CONTINUOUS_SOURCE": "src",
        "CONTINUOUS_DESTINATION": "dst",
        "CONTINUOUS_PREFIX": "p/",
        "SOURCE_BUCKETS": '["src"]',
        "DESTINATION_BUCKETS": '["dst"]',
        "COPY_THREADS": "4",
        "AWS_LAMBDA_FUNCTION_NAME": "test-consume",
    }.items():
        monkeypatch.setenv(name, value)
    return s3


def test_load_follow_reads_the_module_environment() -> None:
    follow = load_follow(
        {
            "CONTINUOUS_SOURCE": "a",
            "CONTINUOUS_DESTINATION": "b",
            "CONTINUOUS_INCLUDE": '["*.jpg"]',
            "CONTINUOUS_DELETE_ORPHANS": "false",
            "CONTINUOUS_DELETE_BUDGET": "7",
        }
    )
    assert (follow.source, follow.destination, follow.include) == ("a", "b", ("*.jpg",))
    assert not follow.delete_orphans and follow.delete_budget == 7


def test_a_hot_key_in_a_batch_is_copied_once(consumer_env: Any, capsys: pytest.CaptureFixture) -> None:
    from bucket_sync.steps.consume import handler

    s3 = consumer_env
    put(s3, "src", "p/hot", b"final")
    records = [record(f"m{i}", eventbridge("p/hot")) for i in range(100)]
    records.append(record("out", eventbridge("q/elsewhere")))
    response = handler({"Records": records}, Context())
    assert response == {"batchItemFailures": []}
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    batch = next(line for line in lines if line.get("event") == "consume.batch")
    assert (batch["keys"], batch["outOfScope"], batch["copied"]) == (2, 1, 1)
    emf = next(line for line in lines if "_aws" in line)
    assert emf["Copied"] == [1] and len(emf["Lag"]) == 1 and emf["Consumer"] == "test-consume"
    assert s3.get_object(Bucket="dst", Key="p/hot")["Body"].read() == b"final"


def test_messages_of_keys_to_retry_are_batch_item_failures(consumer_env: Any, run_table: Any) -> None:
    from bucket_sync.steps.consume import handler

    s3 = consumer_env
    put(s3, "dst", "p/a")
    put(s3, "dst", "p/b")
    # The window's budget (the default 1,000 per 300 s) is spent already.
    window = int(time.time() // 300)
    run_table.put_item(Item={"run": "continuous#deletes#dst", "item": f"window#{window}", "count": 1000})
    response = handler(
        {"Records": [record("m1", eventbridge("p/a", "Object Deleted")), record("m2", eventbridge("p/b"))]},
        Context(),
    )
    assert sorted(f["itemIdentifier"] for f in response["batchItemFailures"]) == ["m1", "m2"]
    assert s3.list_objects_v2(Bucket="dst")["KeyCount"] == 2


def test_emf_lines_hold_at_most_100_values_a_metric() -> None:
    lines = [
        json.loads(line) for line in metric_lines("NS", {"Consumer": "c"}, {"Lag": list(range(250))}, {})
    ]
    assert [len(line["Lag"]) for line in lines] == [MAX_VALUES, MAX_VALUES, 50]
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Consumer"]]
