from bucket_sync.payloads import KeyRange
from bucket_sync.range_step import start_progress, sync_window
from harness.buckets import snapshot
from tests.unit.support import put, run_config, settings, whole_range


def sync_all(s3, run=None, key_range=None, chunk=1000, on_actions=None):
    """Run steps until the range is done, as the child execution's loop does."""
    run = run or run_config()
    key_range = key_range or whole_range()
    progress = start_progress(key_range)
    while not progress["done"]:
        progress, _ = sync_window(
            s3, s3, run, key_range, progress, settings(chunk_size=chunk), on_actions=on_actions
        )
    return progress


def test_initial_sync_copies_everything(s3):
    for i in range(25):
        put(s3, "src", f"k{i:02}", b"v" * i)
    progress = sync_all(s3, chunk=4)
    assert snapshot(s3, "dst") == snapshot(s3, "src")
    assert progress["counts"]["copied"] == 25
    assert progress["counts"]["copiedBytes"] == sum(range(25))
    assert progress["steps"] >= 7


def test_resync_is_a_no_op(s3):
    for i in range(10):
        put(s3, "src", f"k{i}")
    sync_all(s3)
    counts = sync_all(s3, chunk=3)["counts"]
    assert counts["copied"] == 0 and counts["unchanged"] == 10 and counts["deleted"] == 0


def test_same_size_change_and_orphans(s3):
    put(s3, "src", "same", b"aaaa")
    put(s3, "dst", "same", b"bbbb")
    put(s3, "dst", "orphan-1")
    put(s3, "dst", "zz-orphan-after-last-source-key")
    counts = sync_all(s3, chunk=1)["counts"]
    assert s3.get_object(Bucket="dst", Key="same")["Body"].read() == b"aaaa"
    assert set(snapshot(s3, "dst")) == {"same"}
    assert counts["copied"] == 1 and counts["deleted"] == 2


def test_a_pair_settled_by_headers_reads_the_source_once_before_its_copy(s3):
    put(s3, "src", "same", b"aaaa")
    put(s3, "dst", "same", b"bbbb")  # same size, written later: only the headers can tell
    heads = []
    s3.meta.events.register(
        "before-parameter-build.s3.HeadObject", lambda params, **_: heads.append(params["Bucket"])
    )
    assert sync_all(s3)["counts"]["copied"] == 1
    assert sorted(heads) == ["dst", "src"]


def test_destination_with_many_more_keys_than_source(s3):
    put(s3, "src", "m")
    for i in range(30):
        put(s3, "dst", f"a{i:02}")
    counts = sync_all(s3, chunk=4)["counts"]
    assert set(snapshot(s3, "dst")) == {"m"} and counts["deleted"] == 30


def test_delete_orphans_false_keeps_them(s3):
    put(s3, "src", "a")
    put(s3, "dst", "orphan")
    counts = sync_all(s3, run=run_config(deleteOrphans=False))["counts"]
    assert set(snapshot(s3, "dst")) == {"a", "orphan"} and counts["deleted"] == 0


def test_dry_run_counts_and_writes_nothing(s3):
    put(s3, "src", "new", b"123")
    put(s3, "dst", "orphan")
    counts = sync_all(s3, run=run_config(dryRun=True))["counts"]
    assert set(snapshot(s3, "dst")) == {"orphan"}
    assert counts["copied"] == 1 and counts["copiedBytes"] == 3 and counts["deleted"] == 1


def test_range_bounds_are_respected(s3):
    for name in ["a", "b", "c", "d"]:
        put(s3, "src", name)
    put(s3, "dst", "e")
    sync_all(s3, key_range=KeyRange(after="a", upTo="c"))
    assert set(snapshot(s3, "dst")) == {"b", "c", "e"}


def test_copy_keeps_headers_metadata_tags_and_storage_class(s3):
    put(
        s3,
        "src",
        "doc.html",
        b"<p>",
        ContentType="text/html",
        CacheControl="max-age=60",
        ContentDisposition="inline",
        ContentLanguage="en",
        Metadata={"owner": "team-a"},
        Tagging="env=prod",
        StorageClass="STANDARD_IA",
    )
    sync_all(s3)
    head = s3.head_object(Bucket="dst", Key="doc.html")
    assert head["ContentType"] == "text/html" and head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == "inline" and head["ContentLanguage"] == "en"
    assert head["Metadata"] == {"owner": "team-a"}
    assert head["StorageClass"] == "STANDARD_IA"
    tags = s3.get_object_tagging(Bucket="dst", Key="doc.html")["TagSet"]
    assert tags == [{"Key": "env", "Value": "prod"}]


def test_archived_objects_are_named_as_failures(s3):
    put(s3, "src", "cold", StorageClass="GLACIER")
    put(s3, "src", "warm")
    progress = sync_all(s3)
    assert set(snapshot(s3, "dst")) == {"warm"}
    assert progress["counts"]["failed"] == 1
    assert progress["failures"][0]["key"] == "cold" and "GLACIER" in progress["failures"][0]["reason"]


def test_prefix_limits_both_sides(s3):
    put(s3, "src", "in/a")
    put(s3, "src", "out/a")
    put(s3, "dst", "in/orphan")
    put(s3, "dst", "out/keep")
    sync_all(s3, run=run_config(prefix="in/"))
    assert set(snapshot(s3, "dst")) == {"in/a", "out/keep"}


def test_a_step_out_of_time_stops_at_an_exact_cursor_and_the_next_goes_on(s3):
    for i in range(30):
        put(s3, "src", f"k{i:02}", b"v")
    put(s3, "dst", "k05-orphan")
    put(s3, "dst", "k25-orphan")
    run, key_range = run_config(), whole_range()
    progress, steps = start_progress(key_range), []
    while not progress["done"]:
        budget = iter([1.0] * 4)  # one copy always starts; then time for four more per step
        progress, _ = sync_window(
            s3,
            s3,
            run,
            key_range,
            progress,
            settings(copy_threads=1),
            seconds_left=lambda budget=budget: next(budget, -1.0),
        )
        steps.append(progress["cursor"])
    assert snapshot(s3, "dst") == snapshot(s3, "src")
    counts = progress["counts"]
    assert (counts["copied"], counts["deleted"], counts["unchanged"], counts["failed"]) == (30, 2, 0, 0)
    assert steps == ["k04", "k09", "k14", "k19", "k24", "k24"]
