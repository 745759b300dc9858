"""The real module, applied into the emulator, syncing real (emulated) buckets end to end."""

from __future__ import annotations

import json

from harness.buckets import put_objects
from harness.executions import history_event_count
from harness.fill import fill_objects, stored_objects
from tests.deployment import CHUNK_SIZE, DST, MAX_STEPS_PER_RANGE, SRC


def bodies(count: int, prefix: str = "obj/", size: int = 64) -> dict[str, bytes]:
    return {f"{prefix}{i:05}": f"{i:0{size}}".encode() for i in range(count)}


def test_a_second_plan_after_apply_shows_no_changes(deployment):
    assert deployment.stack.plan_has_changes() is False


def test_initial_sync_with_the_2017_input_copies_everything(sync):
    objects = bodies(300)
    put_objects(sync.s3, SRC, objects, ContentType="text/plain", Metadata={"team": "a"})
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    # The contract's output (DESIGN §4) plus what the run met of S3's throttling (README, "Output").
    extra = {name: result.output.pop(name) for name in ("slowDowns", "copiesPerSecond", "reportIncomplete")}
    assert extra["slowDowns"] >= 0 and extra["copiesPerSecond"] > 0 and extra["reportIncomplete"] is False
    assert result.output == {
        "source": SRC,
        "destination": DST,
        "prefix": "",
        "dryRun": False,
        "copied": 300,
        "copiedBytes": 300 * 64,
        "deleted": 0,
        "unchanged": 0,
        "failed": 0,
        "failures": [],
        "failuresNotListed": 0,
        "reportLocation": None,
    }
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    head = sync.s3.head_object(Bucket=DST, Key="obj/00007")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"team": "a"}


def test_resync_copies_nothing(sync):
    put_objects(sync.s3, SRC, bodies(200))
    assert sync.run(source=SRC, destination=DST).status == "SUCCEEDED"
    again = sync.run(source=SRC, destination=DST)
    assert again.status == "SUCCEEDED"
    assert (again.output["copied"], again.output["unchanged"], again.output["deleted"]) == (0, 200, 0)


def test_changes_including_same_size_content_are_recopied(sync):
    put_objects(sync.s3, SRC, bodies(100))
    sync.run(source=SRC, destination=DST)
    put_objects(sync.s3, SRC, {"obj/00010": b"X" * 64, "obj/00020": b"longer than before"})
    result = sync.run(source=SRC, destination=DST)
    assert (result.output["copied"], result.output["unchanged"]) == (2, 98)
    assert sync.s3.get_object(Bucket=DST, Key="obj/00010")["Body"].read() == b"X" * 64
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_orphans_are_deleted(sync):
    put_objects(sync.s3, SRC, bodies(50))
    put_objects(sync.s3, DST, {"aaa-before-all": b"1", "obj/00003x": b"2", "zzz-after-all": b"3"})
    result = sync.run(source=SRC, destination=DST)
    assert result.output["deleted"] == 3
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_delete_orphans_false_keeps_them(sync):
    put_objects(sync.s3, SRC, bodies(50))
    put_objects(sync.s3, DST, {"zzz-orphan": b"keep me"})
    result = sync.run(source=SRC, destination=DST, deleteOrphans=False)
    assert result.output["deleted"] == 0 and result.output["copied"] == 50
    assert "zzz-orphan" in sync.snapshot(DST)


def test_prefix_limits_both_sides(sync):
    put_objects(sync.s3, SRC, {**bodies(30, "in/"), **bodies(30, "out/")})
    put_objects(sync.s3, DST, {"in/orphan": b"x", "out/kept": b"y"})
    result = sync.run(source=SRC, destination=DST, prefix="in/")
    assert result.output["prefix"] == "in/"
    assert (result.output["copied"], result.output["deleted"]) == (30, 1)
    assert set(sync.snapshot(DST)) == set(bodies(30, "in/")) | {"out/kept"}


def test_start_after_leaves_earlier_keys_alone(sync):
    put_objects(sync.s3, SRC, bodies(40))
    put_objects(sync.s3, DST, {"obj/00001-orphan": b"before the cursor"})
    result = sync.run(source=SRC, destination=DST, startAfter="obj/00019")
    assert (result.output["copied"], result.output["deleted"]) == (20, 0)
    assert set(sync.snapshot(DST)) == {f"obj/{i:05}" for i in range(20, 40)} | {"obj/00001-orphan"}


def test_dry_run_writes_nothing_and_reports_what_a_run_would_do(sync):
    put_objects(sync.s3, SRC, bodies(60))
    put_objects(sync.s3, DST, {"obj/00000": b"stale", "orphan": b"x"})
    before = sync.snapshot(DST)
    dry = sync.run(source=SRC, destination=DST, dryRun=True)
    assert dry.status == "SUCCEEDED" and dry.output["dryRun"] is True
    assert sync.snapshot(DST) == before
    real = sync.run(source=SRC, destination=DST)
    for field in ("copied", "copiedBytes", "deleted", "unchanged", "failed"):
        assert dry.output[field] == real.output[field], field


def test_many_steps_ranges_and_rounds_keep_histories_small(sync):
    count = 3000
    # Filled and compared in the emulator's backend (harness/fill.py: the same objects and facts
    # a PutObject and a listing give): 3,000 PutObjects and two 3,000-key listings through the
    # server are most of a 2-core machine's time here, and the run's own requests are unchanged.
    fill_objects(sync.emulator, SRC, bodies(count, size=8))
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    assert result.output["copied"] == count
    assert stored_objects(sync.emulator, DST) == stored_objects(sync.emulator, SRC)

    map_runs = sync.sfn.list_map_runs(executionArn=result.arn)["mapRuns"]
    children = sync.emulator.child_history_event_counts()
    parent_events = history_event_count(sync.sfn, result.arn)
    figures = {
        "objects": count,
        "chunk_size": CHUNK_SIZE,
        "rounds": len(map_runs),
        "child_executions": len(children),
        "parent_history_events": parent_events,
        "largest_child_history_events": max(children),
        "seconds": result.seconds,
    }
    print("history figures:", json.dumps(figures))
    assert count / CHUNK_SIZE >= 60, "the scenario must need many steps"
    assert len(map_runs) >= 2 and len(children) >= 2 * 4
    # A child runs at most MAX_STEPS_PER_RANGE steps of ~7 events each.
    assert max(children) <= 7 * MAX_STEPS_PER_RANGE + 10
    assert parent_events < 1000


def test_include_and_exclude_limit_what_is_copied_and_deleted(sync):
    put_objects(sync.s3, SRC, {"logs/a.txt": b"1", "logs/b.tmp": b"2", "img/c.txt": b"3"})
    put_objects(sync.s3, DST, {"logs/orphan.txt": b"x", "logs/scratch.tmp": b"y", "img/orphan": b"z"})
    result = sync.run(source=SRC, destination=DST, include=["logs/*"], exclude=["*.tmp"])
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["deleted"], result.output["unchanged"]) == (1, 1, 0)
    assert set(sync.snapshot(DST)) == {"logs/a.txt", "logs/scratch.tmp", "img/orphan"}
