"""Destination overrides for backups: storage class and SSE-KMS key, and re-runs that copy nothing."""

import pytest

from bucket_sync.errors import AccessDenied, InvalidInput
from bucket_sync.run_input import parse_input
from tests.unit.support import MIB, put, put_multipart, run_config, settings
from tests.unit.test_range_step import sync_all

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_copies_are_written_in_the_storage_class_and_key_the_run_names(s3):
    put(s3, "src", "small", b"x" * 10, StorageClass="STANDARD_IA")
    put_multipart(s3, "src", "big", [5 * MIB, 1 * MIB])
    run = run_config(storageClass="GLACIER_IR", sseKmsKeyId=KEY)
    assert sync_all(s3, run=run)["counts"]["copied"] == 2
    for key in ("small", "big"):
        head = s3.head_object(Bucket="dst", Key=key)
        assert head["StorageClass"] == "GLACIER_IR"
        assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == KEY
    again = sync_all(s3, run=run)["counts"]
    assert (again["copied"], again["unchanged"]) == (0, 2)


def test_without_overrides_a_copy_keeps_its_sources_class(s3):
    put(s3, "src", "ia", b"x", StorageClass="STANDARD_IA")
    sync_all(s3, run=run_config())
    assert s3.head_object(Bucket="dst", Key="ia")["StorageClass"] == "STANDARD_IA"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("storageClass", "EXPRESS_ONEZONE", InvalidInput),
        ("storageClass", 3, InvalidInput),
        ("sseKmsKeyId", "alias/backup", InvalidInput),
        ("sseKmsKeyId", KEY.replace("1234abcd", "99999999"), AccessDenied),
    ],
)
def test_overrides_the_deployment_cannot_honour_are_refused(field, value, error):
    with pytest.raises(error):
        parse_input(
            {"source": "src", "destination": "dst", field: value}, settings(destination_kms_keys=(KEY,))
        )


def test_module_defaults_apply_and_a_run_may_clear_them():
    configured = settings(
        default_storage_class="DEEP_ARCHIVE", default_sse_kms_key_id=KEY, destination_kms_keys=(KEY,)
    )
    options = parse_input({"source": "src", "destination": "dst"}, configured)
    assert (options["storageClass"], options["sseKmsKeyId"]) == ("DEEP_ARCHIVE", KEY)
    cleared = parse_input(
        {"source": "src", "destination": "dst", "storageClass": None, "sseKmsKeyId": None}, configured
    )
    assert (cleared["storageClass"], cleared["sseKmsKeyId"]) == (None, None)
