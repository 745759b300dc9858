import json
from pathlib import Path

import pytest

from bucket_sync.errors import AccessDenied, InvalidInput
from bucket_sync.run_input import parse_input
from tests.unit.support import settings

EVENTS = Path(__file__).parent / "events"


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def test_2017_input_gets_the_defaults():
    options = parse_input(load("two_buckets_2017.json"), settings())
    assert options == {
        "source": "src",
        "destination": "dst",
        "prefix": "",
        "startAfter": "",
        "deleteOrphans": True,
        "dryRun": False,
        "maxDeletes": None,
        "maxDeletePercent": None,
        "allowEmptySource": False,
        "include": [],
        "exclude": [],
        "listPrefix": "",
        "storageClass": None,
        "sseKmsKeyId": None,
        "report": False,
        "sourceBucketOwner": None,
        "destinationBucketOwner": None,
        "requestPayer": None,
    }


def test_every_option_is_taken_as_given():
    options = parse_input(load("all_options.json"), settings())
    assert options["prefix"] == "logs/" and options["startAfter"] == "logs/2024"
    assert options["deleteOrphans"] is False and options["dryRun"] is True
    assert options["maxDeletes"] == 10 and options["allowEmptySource"] is True


def test_module_defaults_apply_when_the_run_is_silent():
    options = parse_input(
        {"source": "src", "destination": "dst"}, settings(default_delete_orphans=False, default_max_deletes=5)
    )
    assert options["deleteOrphans"] is False and options["maxDeletes"] == 5


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("not an object", "JSON object"),
        ({"destination": "dst"}, "'source' is required"),
        ({"source": "src"}, "'destination' is required"),
        ({"source": 3, "destination": "dst"}, "'source' must be a non-empty string"),
        ({"source": "Bad_Name", "destination": "dst"}, "not a valid S3 bucket name"),
        ({"source": "192.168.1.1", "destination": "dst"}, "not a valid S3 bucket name"),
        ({"source": "a..b", "destination": "dst"}, "not a valid S3 bucket name"),
        ({"source": "src", "destination": "dst", "dryRun": "yes"}, "'dryRun' must be true or false"),
        ({"source": "src", "destination": "dst", "prefix": 7}, "'prefix' must be a string"),
        ({"source": "src", "destination": "dst", "maxDeletes": -1}, "'maxDeletes'"),
        ({"source": "src", "destination": "dst", "maxDeletes": True}, "'maxDeletes'"),
        (
            {"source": "src", "destination": "dst", "deleteOrphan": False},
            "unknown input field(s): deleteOrphan",
        ),
        ({"source": "src", "destination": "src"}, "same bucket"),
        ({"source": "src", "destination": "dst", "sourceBucketOwner": "12345678901"}, "'sourceBucketOwner'"),
        ({"source": "src", "destination": "dst", "sourceBucketOwner": 123456789012}, "'sourceBucketOwner'"),
        ({"source": "src", "destination": "dst", "sourceBucketOwner": "123456789012\n"}, "12 digits"),
        (
            {
                "source": "src",
                "destination": "dst",
                "destinationBucketOwner": "arn:aws:iam::123456789012:root",
            },
            "'destinationBucketOwner' must be an AWS account ID",
        ),
        ({"source": "src", "destination": "dst", "requestPayer": "Requester"}, "'requestPayer'"),
        ({"source": "src", "destination": "dst", "requestPayer": True}, "'requestPayer'"),
    ],
)
def test_bad_input_is_named(event, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_input(
            event, settings(source_buckets=("src", "a..b", "bad"), destination_buckets=("dst", "src"))
        )


def test_buckets_outside_the_configured_lists_are_denied():
    with pytest.raises(AccessDenied, match="source_bucket_names"):
        parse_input({"source": "other", "destination": "dst"}, settings())
    with pytest.raises(AccessDenied, match="destination_bucket_names"):
        parse_input({"source": "src", "destination": "other"}, settings())


@pytest.mark.parametrize("side", ["source", "destination"])
def test_a_directory_bucket_is_refused_with_the_reason(side):
    bucket = "mybucket--use1-az4--x-s3"
    event = {"source": "src", "destination": "dst", side: bucket}
    allowed = settings(source_buckets=("src", bucket), destination_buckets=("dst", bucket))
    with pytest.raises(InvalidInput) as refused:
        parse_input(event, allowed)
    message = str(refused.value)
    assert f"'{side}' names an S3 directory bucket ({bucket})" in message
    assert "no lexicographic order" in message and "StartAfter" in message


def test_a_general_purpose_bucket_with_a_similar_name_is_accepted():
    bucket = "photos--x-s3-archive"
    options = parse_input({"source": bucket, "destination": "dst"}, settings(source_buckets=(bucket,)))
    assert options["source"] == bucket


def test_owners_and_request_payer_come_from_the_run_or_the_module():
    module = settings(
        default_source_bucket_owner="111122223333",
        default_destination_bucket_owner="444455556666",
        default_request_payer="requester",
    )
    defaults = parse_input({"source": "src", "destination": "dst"}, module)
    assert (defaults["sourceBucketOwner"], defaults["destinationBucketOwner"]) == (
        "111122223333",
        "444455556666",
    )
    assert defaults["requestPayer"] == "requester"
    given = {"sourceBucketOwner": "777788889999", "destinationBucketOwner": None, "requestPayer": None}
    options = parse_input({"source": "src", "destination": "dst", **given}, module)
    assert (options["sourceBucketOwner"], options["destinationBucketOwner"], options["requestPayer"]) == (
        "777788889999",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("field", "meant"),
    [
        ("deleteOrphan", "deleteOrphans"),
        ("max-deletes", "maxDeletes"),
        ("--dry-run", "dryRun"),
        ("startafter", "startAfter"),
        ("sse_kms_key_id", "sseKmsKeyId"),
        ("prefx", "prefix"),
    ],
)
def test_an_unknown_field_names_the_field_it_probably_meant(field, meant):
    with pytest.raises(InvalidInput) as refused:
        parse_input({"source": "src", "destination": "dst", field: 1}, settings())
    assert f"unknown input field(s): {field} (did you mean {meant}?)" in str(refused.value)


def test_an_unknown_field_far_from_any_lists_the_fields():
    with pytest.raises(InvalidInput) as refused:
        parse_input({"source": "src", "destination": "dst", "colour": "red"}, settings())
    message = str(refused.value)
    assert "unknown input field(s): colour; the fields are source, destination, " in message
    assert "did you mean" not in message


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("dryRun", "yes", 'not "yes"'),
        ("maxDeletes", -3, "not -3"),
        ("maxDeletes", "10", 'not "10"'),
        ("maxDeletePercent", 150, "not 150"),
        ("prefix", ["a/"], 'not ["a/"]'),
        ("source", "", 'not ""'),
    ],
)
def test_a_bad_value_is_shown_as_given(field, value, shown):
    with pytest.raises(InvalidInput) as refused:
        parse_input({"source": "src", "destination": "dst", field: value}, settings())
    assert f"'{field}' must be " in str(refused.value) and str(refused.value).endswith(shown)
