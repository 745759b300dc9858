import boto3
import pytest

from bucket_sync import emptyguard, expectations
from bucket_sync.errors import AccessDenied, BucketNotFound, BucketRegionsNotEqual, DeleteGuardTripped
from bucket_sync.steps.validate import validate
from tests.unit.support import REGION, put, settings


def clients(rules):
    """The run's S3 clients by region, following its rules as the handler's do."""

    def s3_for(region=None):
        client = boto3.client("s3", region_name=region or REGION)
        expectations.install(client, rules)
        return client

    return s3_for


def test_valid_input_starts_with_the_whole_key_space(s3):
    put(s3, "src", "b")
    state = validate({"source": "src", "destination": "dst", "startAfter": "a"}, clients, settings())
    assert state["resumeRound"] is None and state["run"]["startAfter"] == "a"
    assert state["run"]["sourceRegion"] == REGION and state["run"]["countingOnly"] is False


def test_missing_bucket_is_named(s3):
    with pytest.raises(BucketNotFound, match="ghost"):
        validate({"source": "src", "destination": "ghost"}, clients, settings(destination_buckets=("ghost",)))


def test_regions_must_match_unless_allowed(s3):
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="far", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    put(s3, "src", "a")
    event = {"source": "src", "destination": "far"}
    with pytest.raises(BucketRegionsNotEqual, match="eu-west-1"):
        validate(event, clients, settings(destination_buckets=("far",)))
    state = validate(event, clients, settings(destination_buckets=("far",), allow_cross_region=True))
    assert state["run"]["destinationRegion"] == "eu-west-1"


def test_empty_source_trips_the_delete_guard(s3):
    put(s3, "dst", "precious")
    with pytest.raises(DeleteGuardTripped, match="allowEmptySource.*--allow-empty-source"):
        validate({"source": "src", "destination": "dst"}, clients, settings())


def test_empty_on_both_sides_is_a_run_with_nothing_to_do(s3):
    put(s3, "dst", "elsewhere/kept")
    state = validate({"source": "src", "destination": "dst", "prefix": "empty/"}, clients, settings())
    assert state["run"]["prefix"] == "empty/"


def test_empty_source_is_fine_when_allowed_or_not_deleting(s3):
    validate({"source": "src", "destination": "dst", "allowEmptySource": True}, clients, settings())
    validate({"source": "src", "destination": "dst", "deleteOrphans": False}, clients, settings())


def test_a_source_with_no_key_in_scope_trips_the_delete_guard(s3):
    put(s3, "src", "notes.txt")  # a wrong source: not empty, but nothing the patterns match
    put(s3, "src", "photo.jpg.tmp")
    put(s3, "dst", "photo.jpg")
    scoped = {"source": "src", "destination": "dst", "include": ["*.jpg", "*.tmp"], "exclude": ["*.tmp"]}
    with pytest.raises(DeleteGuardTripped, match=r"no objects under prefix '', include \['\*.jpg'"):
        validate(scoped, clients, settings())
    put(s3, "src", "other.jpg")
    validate(scoped, clients, settings())


def test_the_guard_ignores_destination_keys_out_of_scope(s3):
    put(s3, "src", "notes.txt")
    put(s3, "dst", "readme.txt")  # not in scope: never deleted, so nothing to guard
    validate({"source": "src", "destination": "dst", "include": ["*.jpg"]}, clients, settings())
    put(s3, "dst", "kept/photo.jpg")
    with pytest.raises(DeleteGuardTripped):
        validate({"source": "src", "destination": "dst", "include": ["*.jpg"]}, clients, settings())
    validate({"source": "src", "destination": "dst", "exclude": ["kept/*"]}, clients, settings())


def test_the_guard_reads_a_bounded_number_of_pages_then_trips(s3, monkeypatch):
    monkeypatch.setattr(emptyguard, "GUARD_PAGES", 2)
    for i in range(2000):
        put(s3, "src", f"log/{i:04}.txt")
    put(s3, "src", "photo.jpg")  # in scope, but after the 2,000 keys the guard may read
    put(s3, "dst", "old.jpg")
    lists = []

    def counting(rules):
        def s3_for(region=None):
            client = clients(rules)(region)
            client.meta.events.register("before-call.s3.ListObjectsV2", lambda **_: lists.append(1))
            return client

        return s3_for

    scoped = {"source": "src", "destination": "dst", "include": ["*.jpg"]}
    with pytest.raises(DeleteGuardTripped, match="first 2,000 objects of source 'src'.* none in scope"):
        validate(scoped, counting, settings())
    assert len(lists) == 1 + 2 + 1, "the readability check, two pages of the source, one of the destination"
    monkeypatch.setattr(emptyguard, "GUARD_PAGES", 3)
    validate(scoped, clients, settings())


def test_max_deletes_makes_the_run_count_first(s3):
    put(s3, "src", "a")
    state = validate({"source": "src", "destination": "dst", "maxDeletes": 3}, clients, settings())
    assert state["run"]["countingOnly"] is True


def test_redirects_are_read_only_where_a_website_can_serve_them(s3):
    put(s3, "src", "a")
    run_input = {"source": "src", "destination": "dst"}
    assert validate(run_input, clients, settings())["run"]["readRedirects"] is False
    s3.put_bucket_website(Bucket="src", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    assert validate(run_input, clients, settings())["run"]["readRedirects"] is True
    never = settings(keep_website_redirects="false")
    assert validate(run_input, clients, never)["run"]["readRedirects"] is False
    s3.delete_bucket_website(Bucket="src")
    always = settings(keep_website_redirects="true")
    assert validate(run_input, clients, always)["run"]["readRedirects"] is True


def test_auto_reads_redirects_for_a_destination_that_serves_a_website(s3):
    # A private staging bucket synced into the bucket that serves the site: the redirects take
    # effect in the destination.
    put(s3, "src", "a")
    s3.put_bucket_website(Bucket="dst", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    run_input = {"source": "src", "destination": "dst"}
    assert validate(run_input, clients, settings())["run"]["readRedirects"] is True
    assert (
        validate(run_input, clients, settings(keep_website_redirects="false"))["run"]["readRedirects"]
        is False
    )


OWNER = "123456789012"  # the emulated account, which owns every bucket here
STRANGER = "111122223333"


@pytest.mark.parametrize(
    ("side", "bucket"), [("sourceBucketOwner", "src"), ("destinationBucketOwner", "dst")]
)
def test_a_bucket_of_another_account_fails_the_run_by_name(s3, side, bucket):
    put(s3, "src", "a")
    with pytest.raises(AccessDenied, match=f"bucket '{bucket}'.*expected owner is account {STRANGER}"):
        validate({"source": "src", "destination": "dst", side: STRANGER}, clients, settings())


def test_the_right_owners_pass_and_travel_with_the_run(s3):
    put(s3, "src", "a")
    event = {
        "source": "src",
        "destination": "dst",
        "sourceBucketOwner": OWNER,
        "destinationBucketOwner": OWNER,
    }
    run = validate(event, clients, settings())["run"]
    assert (run["sourceBucketOwner"], run["destinationBucketOwner"], run["requestPayer"]) == (
        OWNER,
        OWNER,
        None,
    )
