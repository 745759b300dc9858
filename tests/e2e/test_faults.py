"""The deployed module under injected faults: flaky S3, crashed steps, objects that keep failing.

Buckets are filled with the faults off, the run happens with them on, and the result is
checked with them off again (harness/faults.py).
"""

from __future__ import annotations

import json

import pytest

from bucket_sync.copier import COPY_PASSES
from bucket_sync.range_step import MAX_STALLS
from harness.buckets import put_objects
from harness.faults import ACCESS_DENIED, INTERNAL_ERROR, SLOW_DOWN, Crash
from harness.fill import fill_objects
from tests.deployment import DST, SRC

SYNC_RANGE = "sync-range"


def bodies(count: int, size: int = 64) -> dict[str, bytes]:
    return {f"obj/{i:05}": f"{i:0{size}}".encode() for i in range(count)}


def test_flaky_s3_still_converges_with_exact_counts(sync):
    count = 600
    source = bodies(count)
    fill_objects(sync.emulator, SRC, source)
    stale: dict[str, bytes] = {}
    for i, (key, body) in enumerate(source.items()):
        if i % 4 == 0:
            stale[key] = body  # identical copy
        elif i % 8 == 1:
            stale[key] = body.replace(b"0", b"x")  # same size, different content
        elif i % 8 == 5:
            stale[key] = b"short"  # different size
        # i % 4 in (2, 3): missing
    orphans = {f"obj/{i:05}-orphan": b"gone from the source" for i in range(0, count, 10)}
    orphans["zzz-after-all"] = b"orphan after every source key"
    fill_objects(sync.emulator, DST, {**stale, **orphans})
    expected = {"copied": count - count // 4, "unchanged": count // 4, "deleted": len(orphans), "failed": 0}

    with sync.emulator.faults(s3_error_rate=0.1, s3_errors=(SLOW_DOWN, INTERNAL_ERROR), seed=2024) as faults:
        result = sync.run(source=SRC, destination=DST)

    assert result.status == "SUCCEEDED", (result.error, result.cause)
    equal = sync.snapshot(DST) == sync.snapshot(SRC)
    counts = {name: result.output[name] for name in ("copied", "unchanged", "deleted", "failed")}
    figures = {
        **faults.figures(),
        "objects": count,
        "counts": counts,
        "seconds": result.seconds,
        "destination_equals_source": equal,
    }
    print("fault-injection figures:", json.dumps(figures))
    assert figures["s3_faulted"].get("503 SlowDown", 0) > 10
    assert figures["s3_faulted"].get("500 InternalError", 0) > 10
    assert equal
    assert counts == expected
    assert result.output["failures"] == []


@pytest.mark.parametrize("mode", ["before", "after"])
def test_a_range_step_killed_midway_is_retried_and_everything_is_accounted_for(sync, mode):
    count = 200
    put_objects(sync.s3, SRC, bodies(count))

    with sync.emulator.faults(crashes=[Crash(function=SYNC_RANGE, mode=mode, nth=2)]) as faults:
        result = sync.run(source=SRC, destination=DST)

    assert faults.figures()["lambda_crashes"] == {mode: 1}
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    output = result.output
    assert output["copied"] + output["unchanged"] == count
    assert (output["deleted"], output["failed"], output["failures"]) == (0, 0, [])
    # Killed before its handler ran, the step is simply run again; killed after, its retry
    # resumes from the windows it had stored in the run table: either way every copy is
    # counted once, as a copy.
    assert (output["copied"], output["unchanged"]) == (count, 0)


def failed_report(result) -> dict:
    assert result.status == "FAILED", result
    assert result.error == "ObjectsFailed", (result.error, result.cause)
    return json.loads(result.cause)


@pytest.mark.parametrize(
    ("error", "reason_mentions"),
    # S3's last answer, named: a copy's ("InternalError"), or a HEAD's, which has no body
    # ("500: Internal Server Error") when the run reads the source's headers first.
    [(INTERNAL_ERROR, "Internal"), (ACCESS_DENIED, "AccessDenied")],
    ids=["persistent-500", "access-denied"],
)
def test_one_object_that_keeps_failing_is_reported_and_the_rest_synced(sync, error, reason_mentions):
    count = 100
    bad = "obj/00042"
    put_objects(sync.s3, SRC, bodies(count))

    with sync.emulator.faults(fail_keys={bad: error}) as faults:
        result = sync.run(source=SRC, destination=DST)

    report = failed_report(result)
    print(
        "one-failing-object figures:",
        json.dumps(
            {
                **faults.figures(),
                "error": error.kind,
                "seconds": result.seconds,
                "failures": report["failures"],
            }
        ),
    )
    assert (report["copied"], report["failed"], report["unchanged"]) == (count - 1, 1, 0)
    assert len(report["failures"]) == 1
    assert report["failures"][0]["key"] == bad
    assert reason_mentions in report["failures"][0]["reason"]
    expected = {key: facts for key, facts in sync.snapshot(SRC).items() if key != bad}
    assert sync.snapshot(DST) == expected
    # The run ended (a state, not a time): the bad key was tried a bounded number of times, at
    # most every window that met it (the first and MAX_STALLS stalled ones) x COPY_PASSES x
    # botocore's 5 attempts x its two requests (HEAD, copy).
    tries = sum(faults.figures()["s3_faulted"].values())
    assert tries <= (1 + MAX_STALLS) * COPY_PASSES * 5 * 2, f"{tries} requests failed on {bad}"
