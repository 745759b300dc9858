"""Facts about the buckets a run touches: existence, access and region."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from .errors import AccessDenied, BucketNotFound
from .keylimit import SHORTENED_SLACK, storable_bound
from .transient import error_code

_DENIED = ("403", "AccessDenied", "Forbidden")


def denied(bucket: str, owner: str | None = None, hint: str = "") -> AccessDenied:
    """The AccessDenied of a 403 from `bucket`, naming the expected owner when the run gave one:
    S3 answers a bucket of another account (ExpectedBucketOwner) and a missing permission alike."""
    reason = f"access to bucket '{bucket}' is denied"
    if owner:
        reason += f" (its expected owner is account {owner}: a bucket another account owns is refused too)"
    return AccessDenied(reason + hint)


def bucket_region(s3: Any, bucket: str, owner: str | None = None) -> str:
    """The region of `bucket`, from HeadBucket; named errors when it is missing or closed to us.

    `s3` carries the run's expected owner of `bucket` (expectations.py), so a bucket of another
    account fails here, before the run writes anything.
    """
    try:
        response = s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        code = error_code(error)
        if code in ("404", "NoSuchBucket", "NotFound"):
            raise BucketNotFound(f"bucket '{bucket}' does not exist") from error
        if code in _DENIED:
            raise denied(bucket, owner) from error
        raise
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    region = response.get("BucketRegion") or headers.get("x-amz-bucket-region")
    return region or "us-east-1"


def has_website(s3: Any, bucket: str) -> bool:
    """True when `bucket` has a website configuration (where object redirects take effect).

    A bucket whose configuration cannot be read counts as having one: reading every copied
    object's headers costs a request, losing a redirect costs a broken link.
    """
    try:
        s3.get_bucket_website(Bucket=bucket)
    except ClientError as error:
        return error_code(error) != "NoSuchWebsiteConfiguration"
    return True


def check_readable(s3: Any, bucket: str, prefix: str, owner: str | None, pays: bool) -> None:
    """Raise AccessDenied, with what to try, when the run may not list `bucket` (one request).

    HeadBucket passes where listing is refused: a Requester Pays bucket asks for the
    requester's consent on object and listing requests, and a role may lack s3:ListBucket.
    """
    try:
        s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    except ClientError as error:
        if error_code(error) not in _DENIED:
            raise
        hint = (
            ""
            if pays
            else '; if it is a Requester Pays bucket, run with requestPayer: "requester" '
            "(bucket-sync run --request-payer requester; the run then pays for its requests)"
        )
        raise denied(bucket, owner, hint) from error


def has_key(s3: Any, bucket: str, prefix: str, after: str) -> bool:
    """True when at least one key under `prefix` sorts after `after`."""
    # Room for the keys a shortened StartAfter lets through that do not sort after `after`.
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": 1 + SHORTENED_SLACK}
    if after:
        params["StartAfter"] = storable_bound(after)
    return any(row["Key"] > after for row in s3.list_objects_v2(**params).get("Contents", []))


def finds_key(
    s3: Any, bucket: str, prefix: str, after: str, wanted: Callable[[str], bool], pages: int
) -> bool | None:
    """Whether a key under `prefix` after `after` is `wanted`, reading at most `pages` pages:
    True or False once known, None when those pages held none and more keys follow."""
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
    if after:
        params["StartAfter"] = storable_bound(after)
    for _ in range(pages):
        page = s3.list_objects_v2(**params)
        if any(row["Key"] > after and wanted(row["Key"]) for row in page.get("Contents", [])):
            return True
        if not page.get("IsTruncated"):
            return False
        params = {**params, "ContinuationToken": page["NextContinuationToken"]}
        params.pop("StartAfter", None)
    return None
