"""Runs held to Step Functions' hard limits at the largest settings the module accepts: every
state under 256 KiB and a failure cause under 32,768 characters, however many objects fail and
however long their keys (the emulator enforces both as AWS does; see harness/)."""

from __future__ import annotations

import json
import threading
import time

import moto.s3.models

from harness.buckets import put_objects
from harness.executions import start_execution, wait_for_execution
from tests.deployment import DST, REPORTS, SRC
from tests.unit.support import put_multipart


def long_key(mark: str, i: int) -> str:
    """A key of 1,023-1,024 UTF-8 bytes whose characters JSON escapes to six bytes each."""
    head = f"{mark}/{i:05}/"
    return head + "é" * ((1024 - len(head)) // 2)


def test_thousands_of_failed_objects_with_the_longest_keys_in_a_thousand_ranges(wide):
    archived = {long_key("cold", i): b"a" for i in range(2400)}
    warm = {long_key("warm", i): b"w" for i in range(600)}
    put_objects(wide.s3, SRC, archived, StorageClass="GLACIER")
    put_objects(wide.s3, SRC, warm)

    result = wide.run(source=SRC, destination=DST)

    assert (result.status, result.error) == ("FAILED", "ObjectsFailed"), result.cause
    assert len(result.cause) <= 32_768
    report = json.loads(result.cause)
    assert (report["failed"], report["copied"], report["unchanged"]) == (2400, 600, 0)
    listed = report["failures"]
    assert listed and report["failuresNotListed"] == 2400 - len(listed)
    assert all(f["key"] in archived and "GLACIER" in f["reason"] for f in listed)
    assert set(wide.snapshot(DST)) == set(warm)


def test_many_multipart_objects_at_the_largest_copy_threads(wide, monkeypatch):
    """Eight objects of 64 parts and some small ones in one step of 64 threads: the emulator
    refuses a 1,025th thread in a Lambda process, as Lambda does, so nested pools would fail here.
    Parts are a few bytes (moto's part-size minimum is lowered for this test only) so the test
    stays light; the thread count depends on the number of parts, not their size."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    for i in range(8):
        put_multipart(wide.s3, SRC, f"big-{i}", [3] * 64)
    put_objects(wide.s3, SRC, {f"small-{i:02}": b"s" for i in range(40)})

    result = wide.run(source=SRC, destination=DST)

    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["failed"]) == (48, 0)
    assert wide.snapshot(DST) == wide.snapshot(SRC)  # same sizes and multipart ETags


def test_a_dry_run_reports_every_action_it_would_take(wide):
    put_objects(wide.s3, SRC, {f"new-{i:03}": b"n" for i in range(30)})
    put_objects(wide.s3, SRC, {"cold": b"c"}, StorageClass="GLACIER")
    put_objects(wide.s3, DST, {f"orphan-{i:02}": b"o" for i in range(12)})

    result = wide.run(source=SRC, destination=DST, dryRun=True)

    assert (result.status, result.error) == ("FAILED", "ObjectsFailed"), result.cause
    report = json.loads(result.cause)
    name = result.arn.rsplit(":", 1)[1]
    assert report["reportLocation"] == f"s3://{REPORTS}/runs/{name}/"
    lines = []
    for row in wide.s3.list_objects_v2(Bucket=REPORTS, Prefix=f"runs/{name}/actions/")["Contents"]:
        body = wide.s3.get_object(Bucket=REPORTS, Key=row["Key"])["Body"].read().decode()
        lines.extend(json.loads(line) for line in body.splitlines())
    actions = {line["key"]: line["action"] for line in lines}
    assert len(lines) == len(actions) == 43  # each object once, though many ranges ran
    assert {k for k, a in actions.items() if a == "would-copy"} == {f"new-{i:03}" for i in range(30)}
    assert {k for k, a in actions.items() if a == "would-delete"} == {f"orphan-{i:02}" for i in range(12)}
    assert actions["cold"] == "fail"
    summary = json.loads(wide.s3.get_object(Bucket=REPORTS, Key=f"runs/{name}/summary.json")["Body"].read())
    assert summary["format"] == 1
    assert (summary["copied"], summary["deleted"], summary["failed"]) == (30, 12, 1)
    assert set(wide.snapshot(DST)) == {f"orphan-{i:02}" for i in range(12)}  # nothing written


def test_a_multipart_copy_longer_than_a_step_is_resumed_by_the_next(slow, monkeypatch):
    """40 parts at 0.5 s each on 2 threads take about 10 s; a step of this instance has under
    7 s for copies, so the copy pauses, and a later step resumes it from ListParts and the part
    sizes the paused upload carries (through the state payload and the run table)."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    put_multipart(slow.s3, SRC, "huge", [3] * 40)
    seen = {"part copies": 0, "part listings": 0, "part heads": 0}

    def slow_part_copies(method: str, bucket: str | None, key: str | None, query: str) -> None:
        if bucket == SRC and key == "huge" and method == "HEAD" and "partNumber" in query:
            seen["part heads"] += 1
        if bucket == DST and key == "huge" and "uploadId" in query:
            if method == "PUT" and "partNumber" in query:
                seen["part copies"] += 1
                time.sleep(0.5)
            elif method == "GET":
                seen["part listings"] += 1

    with slow.emulator.faults(before_s3_request=slow_part_copies):
        result = slow.run(source=SRC, destination=DST)

    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["failed"]) == (1, 0)
    assert seen["part listings"] >= 1 and seen["part copies"] >= 40
    assert seen["part heads"] == 40, "the part sizes travel with the paused upload: read once"
    assert slow.snapshot(DST) == slow.snapshot(SRC)  # the source's multipart ETag
    assert slow.s3.list_multipart_uploads(Bucket=DST).get("Uploads", []) == []


def test_a_stopped_run_leaves_no_upload_open_once_the_next_run_is_done(slow, monkeypatch):
    """80 parts at 0.5 s each on 2 threads outlast two steps; the run is stopped while its second
    step resumes the paused copy, so the upload stays open. The next run aborts it (it was
    recorded when paused) and copies the object again."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    put_multipart(slow.s3, SRC, "huge", [3] * 80)
    resumed = threading.Event()

    def slow_part_copies(method: str, bucket: str | None, key: str | None, query: str) -> None:
        if bucket == DST and key == "huge" and "uploadId" in query:
            if method == "PUT" and "partNumber" in query:
                time.sleep(0.5)
            elif method == "GET":
                resumed.set()  # ListParts: a later step resumes the paused copy

    with slow.emulator.faults(before_s3_request=slow_part_copies):
        arn = start_execution(slow.sfn, slow.state_machine_arn, {"source": SRC, "destination": DST})
        assert resumed.wait(timeout=300), "the copy was never paused and resumed"
        slow.sfn.stop_execution(executionArn=arn, error="Test", cause="stopped mid-copy")
        assert wait_for_execution(slow.sfn, arn).status == "ABORTED"
        left_open = slow.s3.list_multipart_uploads(Bucket=DST).get("Uploads", [])
        assert [upload["Key"] for upload in left_open] == ["huge"]
        result = slow.run(source=SRC, destination=DST)

    assert result.status == "SUCCEEDED", result.cause
    assert slow.snapshot(DST) == slow.snapshot(SRC)
    assert slow.s3.list_multipart_uploads(Bucket=DST).get("Uploads", []) == []
