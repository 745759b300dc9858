"""The deployed module at AWS's pace: S3 throttles a fresh bucket, DynamoDB a hot partition, S3 and
DynamoDB fail now and then, and the source changes under a guarded run (issue 16).

The emulator throttles like AWS (harness/throttling.py): per bucket and kind for S3, per partition
key for DynamoDB, at rates scaled down to what it serves. Every run here must end exact, in one
execution; the figures each test prints are quoted in the closing notes and the README.

Buckets are filled straight in the emulator's backend (harness/fill.py): 20,000 PutObjects through
its HTTP server took minutes, and fills never counted against the limits anyway. The 20,000-key
buckets are compared there too (listing them took 45 s); the facts compared are the same.
"""

from __future__ import annotations

import json
import threading

from harness.buckets import put_objects
from harness.faults import INTERNAL_ERROR, SLOW_DOWN
from harness.fill import fill_objects, stored_objects
from tests.deployment import DST, SRC

# Writes per second S3 takes on the destination in the throttled first sync: well below the
# engine's pace on the emulator (about 150-190 requests/s), as a fresh bucket's partition is on AWS.
WRITE_LIMIT = 80


def bodies(count: int, prefix: str = "obj/") -> dict[str, bytes]:
    return {f"{prefix}{i:06}": f"{i:08}".encode() for i in range(count)}


def figures_of(result, emulator, **more) -> dict:
    throttled = emulator.throttle_figures()
    output = result.output or {}
    counts = {name: output.get(name) for name in ("copied", "unchanged", "deleted", "failed", "slowDowns")}
    return {
        "status": result.status,
        "seconds": round(result.seconds, 1),
        "counts": counts,
        "copiesPerSecond": output.get("copiesPerSecond"),
        "throttle": throttled,
        **more,
    }


def test_a_first_sync_that_s3_throttles_ends_exact_in_one_execution(scale):
    count = 20_000
    fill_objects(scale.emulator, SRC, bodies(count))
    scale.emulator.reset_throttle_figures()
    with scale.emulator.request_rates(s3_writes_per_second=WRITE_LIMIT):
        result = scale.run(source=SRC, destination=DST)
    figures = figures_of(result, scale.emulator, objects=count, write_limit=WRITE_LIMIT)
    print("throttled first sync:", json.dumps(figures))
    assert result.status == "SUCCEEDED", (result.error, (result.cause or "")[:2000])
    writes = figures["throttle"]["s3"][DST]["write"]
    assert writes["slowdown"] > 0, "the limit must bite for this test to mean anything"
    assert result.output["failed"] == 0 and result.output["failures"] == []
    assert result.output["copied"] + result.output["unchanged"] == count
    assert stored_objects(scale.emulator, DST) == stored_objects(scale.emulator, SRC)


def test_a_run_at_the_widest_concurrency_stays_within_dynamodb_partition_limits(wide):
    count = 3_000
    fill_objects(wide.emulator, SRC, bodies(count))
    fill_objects(wide.emulator, DST, bodies(300, prefix="orphan/"))
    wide.emulator.reset_throttle_figures()
    with wide.emulator.request_rates(dynamodb_partition_writes_per_second=20):
        result = wide.run(source=SRC, destination=DST)
    figures = figures_of(result, wide.emulator, objects=count)
    print("max_concurrency 1000 run:", json.dumps(figures))
    assert result.status == "SUCCEEDED", (result.error, (result.cause or "")[:2000])
    assert (result.output["copied"], result.output["deleted"], result.output["failed"]) == (count, 300, 0)
    assert wide.snapshot(DST) == wide.snapshot(SRC)


def test_dynamodb_throttles_and_s3_errors_converge(sync):
    count = 1_500
    fill_objects(sync.emulator, SRC, bodies(count))
    fill_objects(sync.emulator, DST, bodies(100, prefix="orphan/"))
    with sync.emulator.faults(
        s3_error_rate=0.05, s3_errors=(SLOW_DOWN, INTERNAL_ERROR), dynamodb_throttle_rate=0.15, seed=16
    ) as faults:
        result = sync.run(source=SRC, destination=DST)
    figures = {**faults.figures(), "status": result.status, "seconds": round(result.seconds, 1)}
    print("faults converge:", json.dumps(figures))
    # The faults must bite for the test to mean anything. How many: a hash of each request, whose
    # body holds execution names and times, so it varies by run (about 16 of 110 expected).
    assert figures["dynamodb_throttled"] > 0 and figures["s3_faulted_total"] > 0
    assert result.status == "SUCCEEDED", (result.error, (result.cause or "")[:2000])
    assert result.output["failed"] == 0 and result.output["deleted"] == 100
    assert result.output["copied"] + result.output["unchanged"] == count
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_a_source_emptied_under_a_guarded_run_never_costs_more_than_max_deletes(sync):
    kept = bodies(400, prefix="k/")
    fill_objects(sync.emulator, SRC, kept)
    orphans = bodies(10, prefix="a/")  # sorted first: their delete is among the first requests
    fill_objects(sync.emulator, DST, {**kept, **orphans})
    vanishing = sorted(kept)[200:]
    admin = sync.emulator.client("s3")
    fired = threading.Event()

    def lose_keys_before_the_first_delete(
        method: str, bucket: str | None, key: str | None, query: str
    ) -> None:
        if method == "POST" and bucket == DST and "delete" in query and not fired.is_set():
            fired.set()
            objects = [{"Key": name} for name in vanishing]
            admin.delete_objects(Bucket=SRC, Delete={"Objects": objects, "Quiet": True})

    before = sync.snapshot(DST)
    with sync.emulator.faults(before_s3_request=lose_keys_before_the_first_delete):
        result = sync.run(source=SRC, destination=DST, maxDeletes=20)
    lost = set(before) - set(sync.snapshot(DST))
    print("guard under a vanishing source:", json.dumps({"status": result.status, "lost": len(lost)}))
    assert fired.is_set()
    assert len(lost) <= 20
    assert (result.status, result.error) == ("FAILED", "DeleteGuardTripped"), (result.error, result.cause)


def test_an_orphan_whose_key_xml_cannot_carry_is_deleted(sync):
    put_objects(sync.s3, SRC, {"plain": b"1"})
    put_objects(sync.s3, DST, {"plain": b"1", "ctl\x01key": b"orphan", "other-orphan": b"2"})
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert (result.output["deleted"], result.output["failed"]) == (2, 0)
    assert set(sync.snapshot(DST)) == {"plain"}
