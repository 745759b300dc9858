"""Parsing and checking an execution input (the execution contract, DESIGN §4)."""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from typing import Any

from .budget import MAX_KEY_BYTES
from .errors import AccessDenied, InvalidInput
from .expectations import REQUESTER
from .keylimit import longest_start
from .overrides import check_kms_key, check_storage_class
from .scope import check_patterns, check_scope, literal_lead
from .settings import Settings

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
# S3 reserves this suffix for directory buckets (S3 Express One Zone): name--zone-id--x-s3.
DIRECTORY_BUCKET_SUFFIX = "--x-s3"

# Optional fields: name -> (accepted types, description for errors).
_OPTIONAL: dict[str, tuple[tuple[type, ...], str]] = {
    "prefix": ((str,), "a string"),
    "startAfter": ((str,), "a string"),
    "deleteOrphans": ((bool,), "true or false"),
    "dryRun": ((bool,), "true or false"),
    "maxDeletes": ((int, type(None)), "a whole number >= 0 or null"),
    "maxDeletePercent": ((int, float, type(None)), "a number from 0 to 100 or null"),
    "allowEmptySource": ((bool,), "true or false"),
    "report": ((bool,), "true or false"),
    "sourceBucketOwner": ((str, type(None)), "an AWS account ID (12 digits) or null"),
    "destinationBucketOwner": ((str, type(None)), "an AWS account ID (12 digits) or null"),
    "requestPayer": ((str, type(None)), '"requester" or null'),
}


def check_bucket_name(field: str, value: Any) -> str:
    """Return `value` when it is a valid S3 bucket name, else raise InvalidInput."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"'{field}' must be a non-empty string (a bucket name), not {_shown(value)}")
    valid = (
        _BUCKET_NAME.match(value)
        and ".." not in value
        and ".-" not in value
        and "-." not in value
        and not _is_ip_address(value)
    )
    if not valid:
        raise InvalidInput(f"'{field}' is not a valid S3 bucket name: {value!r}")
    if value.endswith(DIRECTORY_BUCKET_SUFFIX):
        raise InvalidInput(
            f"'{field}' names an S3 directory bucket ({value}), which this sync cannot use: directory "
            "buckets list keys in no lexicographic order and reject StartAfter, and the sync works by "
            "merging two sorted listings from a cursor"
        )
    return value


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def check_account_id(field: str, value: str | None) -> str | None:
    """Return `value` when it is None or a 12-digit AWS account ID, else raise InvalidInput."""
    if value is not None and not _ACCOUNT_ID.fullmatch(value):
        raise InvalidInput(f"'{field}' must be an AWS account ID (12 digits) or null, not {value[:40]!r}")
    return value


def check_request_payer(value: str | None) -> str | None:
    """Return `value` when it is None or "requester" (S3's one value), else raise InvalidInput."""
    if value is not None and value != REQUESTER:
        raise InvalidInput(f"'requestPayer' must be \"{REQUESTER}\" or null, not {value[:40]!r}")
    return value


_FIELDS = ("source", "destination", "include", "exclude", "storageClass", "sseKmsKeyId", *_OPTIONAL)


def _shown(value: Any) -> str:
    """A bad value as the input spelled it (JSON), cut short."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_field(name: str) -> str:
    """``name``, and the field it probably meant (a typo or a CLI flag's spelling)."""
    spelled = re.sub(r"[-_](\w)", lambda match: match.group(1).upper(), name.lstrip("-"))
    folded = {field.lower(): field for field in _FIELDS}
    near = folded.get(spelled.lower()) or next(
        iter(difflib.get_close_matches(spelled, _FIELDS, 1, 0.6)), None
    )
    return f"{name} (did you mean {near}?)" if near else name


def wants_report(event: dict[str, Any], settings: Settings) -> bool:
    """Whether the run writes a report: as it says, by default whenever report_bucket is set."""
    wanted = event.get("report", settings.report_bucket is not None)
    if wanted and settings.report_bucket is None:
        raise InvalidInput("'report' is true but this deployment has no report_bucket to write it to")
    return wanted


def parse_input(event: Any, settings: Settings) -> dict[str, Any]:
    """Check types and names, apply defaults; return the options of the run."""
    check_fields(event)
    source = check_bucket_name("source", event["source"])
    destination = check_bucket_name("destination", event["destination"])
    for name, (types, described) in _OPTIONAL.items():
        value = event.get(name)
        if name in event and (
            not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
        ):
            raise InvalidInput(f"'{name}' must be {described}, not {_shown(value)}")
    for name in ("prefix", "startAfter"):
        if len(event.get(name, "").encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
            raise InvalidInput(f"'{name}' is longer than an S3 key can be ({MAX_KEY_BYTES} bytes in UTF-8)")
    max_deletes = event.get("maxDeletes", settings.default_max_deletes)
    if max_deletes is not None and max_deletes < 0:
        raise InvalidInput(f"'maxDeletes' must be a whole number >= 0 or null, not {max_deletes}")
    max_delete_percent = event.get("maxDeletePercent", settings.default_max_delete_percent)
    if max_delete_percent is not None and not 0 <= max_delete_percent <= 100:
        raise InvalidInput(
            f"'maxDeletePercent' must be a number from 0 to 100 or null, not {max_delete_percent}"
        )
    check_buckets(source, destination, settings)
    include = check_patterns("include", event.get("include", list(settings.default_include)))
    exclude = check_patterns("exclude", event.get("exclude", list(settings.default_exclude)))
    check_scope(include, exclude)
    prefix = event.get("prefix", "")
    return {
        "source": source,
        "destination": destination,
        "prefix": prefix,
        "startAfter": event.get("startAfter", ""),
        "deleteOrphans": event.get("deleteOrphans", settings.default_delete_orphans),
        "dryRun": event.get("dryRun", False),
        "maxDeletes": max_deletes,
        "maxDeletePercent": max_delete_percent,
        "allowEmptySource": event.get("allowEmptySource", False),
        "report": wants_report(event, settings),
        "include": include,
        "exclude": exclude,
        # A key is at most 1,024 bytes, so a longer list prefix matches nothing its first 1,024
        # bytes would not: those are listed, and the patterns settle the rest.
        "listPrefix": longest_start(prefix + literal_lead(include)),
        "storageClass": check_storage_class(event.get("storageClass", settings.default_storage_class)),
        "sseKmsKeyId": check_kms_key(
            event.get("sseKmsKeyId", settings.default_sse_kms_key_id), settings.destination_kms_keys
        ),
        "sourceBucketOwner": check_account_id(
            "sourceBucketOwner", event.get("sourceBucketOwner", settings.default_source_bucket_owner)
        ),
        "destinationBucketOwner": check_account_id(
            "destinationBucketOwner",
            event.get("destinationBucketOwner", settings.default_destination_bucket_owner),
        ),
        "requestPayer": check_request_payer(event.get("requestPayer", settings.default_request_payer)),
    }


def check_fields(event: Any) -> None:
    """Raise InvalidInput unless `event` is an object of known fields with the required ones."""
    if not isinstance(event, dict):
        raise InvalidInput("the execution input must be a JSON object")
    unknown = sorted(set(event) - set(_FIELDS))
    if unknown:
        named = ", ".join(_unknown_field(name) for name in unknown)
        raise InvalidInput(f"unknown input field(s): {named}; the fields are {', '.join(_FIELDS)}")
    for name in ("source", "destination"):
        if name not in event:
            raise InvalidInput(f"'{name}' is required")


def check_buckets(source: str, destination: str, settings: Settings) -> None:
    """Raise unless the two buckets differ and this deployment may use each in its role."""
    if source == destination:
        raise InvalidInput(
            f"source and destination are the same bucket ({source}): one run would overwrite itself"
        )
    if source not in settings.source_buckets:
        raise AccessDenied(f"bucket '{source}' is not in this deployment's source_bucket_names")
    if destination not in settings.destination_buckets:
        raise AccessDenied(f"bucket '{destination}' is not in this deployment's destination_bucket_names")
