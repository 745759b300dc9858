"""What every request to a run's buckets must carry: the expected owner and the requester's
consent to pay.

S3 checks `ExpectedBucketOwner` (and `ExpectedSourceBucketOwner` for a copy's source) on every
request that takes it and answers 403 when another account owns the bucket, so a bucket deleted
and re-created elsewhere under the same name is neither read nor written. A Requester Pays bucket
answers 403 to a non-owner whose request lacks `x-amz-request-payer: requester`. Both are added
here, in one botocore hook per client, so no call site has to remember them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

REQUESTER = "requester"
_PAYER_HEADER = "x-amz-request-payer"
_HOOK_ID = "bucket-sync-expectations"
_CONTEXT_KEY = "bucket_sync_request_payer"


@dataclass(frozen=True)
class BucketRules:
    """Expected owner account per bucket, and the buckets whose reads the requester pays for.
    Hashable, so a client can be cached per set of rules."""

    owners: tuple[tuple[str, str], ...] = ()
    requester_pays: frozenset[str] = frozenset()

    def owner(self, bucket: str | None) -> str | None:
        """The account that must own `bucket`, or None when the run expects none."""
        return dict(self.owners).get(bucket or "")

    def __bool__(self) -> bool:
        return bool(self.owners or self.requester_pays)


NO_RULES = BucketRules()


def rules_for(run: Mapping[str, Any]) -> BucketRules:
    """The rules of a run (a RunConfig or parsed input): owners of source and destination when
    given, and the source as Requester Pays when the run says `requestPayer: "requester"`."""
    owners = (
        (run["source"], run.get("sourceBucketOwner")),
        (run["destination"], run.get("destinationBucketOwner")),
    )
    return BucketRules(
        owners=tuple((bucket, owner) for bucket, owner in owners if owner),
        requester_pays=frozenset([run["source"]] if run.get("requestPayer") == REQUESTER else []),
    )


def install(client: Any, rules: BucketRules) -> None:
    """Make every request of `client` to a bucket in `rules` carry what the rules ask for.

    A parameter is set only where the operation's input has it (S3 rejects unknown ones); the
    requester's consent goes as a header on the few operations without a RequestPayer member
    (HeadBucket, GetBucketWebsite, GetBucketLocation), as S3 asks it on every request to a
    Requester Pays bucket. Installing again replaces the rules.
    """
    if not rules:
        return
    events = client.meta.events

    def on_parameters(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        members = model.input_shape.members if model.input_shape is not None else {}
        bucket = params.get("Bucket")
        source = copy_source_bucket(params.get("CopySource"))
        owner = rules.owner(bucket)
        if owner and "ExpectedBucketOwner" in members:
            params.setdefault("ExpectedBucketOwner", owner)
        source_owner = rules.owner(source)
        if source_owner and "ExpectedSourceBucketOwner" in members:
            params.setdefault("ExpectedSourceBucketOwner", source_owner)
        if bucket in rules.requester_pays or source in rules.requester_pays:
            if "RequestPayer" in members:
                params.setdefault("RequestPayer", REQUESTER)
            else:
                context[_CONTEXT_KEY] = True

    def on_call(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if context.get(_CONTEXT_KEY):
            params.setdefault("headers", {})[_PAYER_HEADER] = REQUESTER

    for event, handler, suffix in (
        ("before-parameter-build.s3", on_parameters, "parameters"),
        ("before-call.s3", on_call, "call"),
    ):
        # botocore keeps the first handler of a unique_id: drop an earlier install's.
        events.unregister(event, unique_id=f"{_HOOK_ID}-{suffix}")
        events.register(event, handler, unique_id=f"{_HOOK_ID}-{suffix}")


def copy_source_bucket(copy_source: Any) -> str | None:
    """The bucket of a CopySource parameter, given as a dict or as botocore's "bucket/key"
    string (URL-encoded, as botocore's own hook leaves it)."""
    if isinstance(copy_source, dict):
        return copy_source.get("Bucket")
    if isinstance(copy_source, str) and copy_source:
        return unquote(copy_source.lstrip("/").split("/", 1)[0].split("?", 1)[0])
    return None
