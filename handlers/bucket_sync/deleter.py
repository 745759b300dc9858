"""Deleting destination orphans: DeleteObjects, 1,000 keys a request, and DeleteObject one at a
time for keys an XML body cannot carry.

Every entry ends in exactly one place of the outcome: deleted, failed (named with the reason),
to retry later (S3 throttled or erred; not the object's fault), or not sent because the delete
guard's reservation was refused. A refused request is an answer, never an exception out of here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import botocore
from botocore.exceptions import ClientError

from .conditions import sdk_accepts
from .jobs import Job, run_jobs
from .listing import Entry
from .logs import log
from .payloads import Failure
from .transient import CONFLICT_CODES, error_code, is_transient

# DeleteObjects accepts at most this many keys per request.
BATCH_SIZE = 1000

# XML 1.0 cannot write these characters at all, not even as character references, so S3 answers a
# DeleteObjects body holding one with 400 MalformedXML for the whole request. TAB, LF and CR are
# allowed (botocore writes CR and LF as references, which survive XML's line-end normalisation).
# U+FFFE, U+FFFF and lone surrogates are not XML either, but S3 cannot hold such keys at all.
_NOT_IN_XML = frozenset(chr(code) for code in range(0x20)) - {"\t", "\n", "\r"}

REWRITTEN = "not deleted: rewritten since it was listed (ETag no longer matches); the next run decides"

# Reserves the deletes of one request (its entries) in the run's guard; False: the limit is reached.
Reserve = Callable[[list[Entry]], bool]


@dataclass
class DeleteOutcome:
    """What became of the entries of one delete_objects call; each entry is in exactly one place."""

    deleted: int = 0
    failures: list[Failure] = field(default_factory=list)
    # Not deleted because S3 throttled, erred or timed out: not the object's fault, so no failure
    # is named; the caller retries them later (retry_reason: the last such answer).
    retry: list[Entry] = field(default_factory=list)
    retry_reason: str = ""
    # The guard's reservation hook said no: these entries' requests were never sent and no
    # failure is named for them (the run ends DeleteGuardTripped).
    guard_tripped: bool = False
    not_deleted: list[Entry] = field(default_factory=list)

    def add(self, other: DeleteOutcome) -> None:
        """Fold another outcome (one request's) into this one."""
        self.deleted += other.deleted
        self.failures.extend(other.failures)
        self.retry.extend(other.retry)
        self.retry_reason = other.retry_reason or self.retry_reason
        self.guard_tripped = self.guard_tripped or other.guard_tripped
        self.not_deleted.extend(other.not_deleted)

    def kept_keys(self) -> set[str]:
        """Keys that are not (known to be) deleted: failed, to retry, or never sent."""
        return {f["key"] for f in self.failures if f["key"] is not None} | {
            entry.key for entry in self.retry + self.not_deleted
        }


def xml_can_carry(key: str) -> bool:
    """Whether a DeleteObjects (XML 1.0) body can carry this key; if not, DeleteObject must."""
    return _NOT_IN_XML.isdisjoint(key)


def supports_etag_condition(s3: Any) -> bool:
    """Whether this SDK can send DeleteObjects' per-object ETag condition (S3 model of
    21 November 2024 on). Older SDKs, as a Lambda runtime may bundle, reject the parameter."""
    return sdk_accepts(s3, "ObjectIdentifier", "ETag")


def supports_if_match(s3: Any) -> bool:
    """Whether this SDK can send DeleteObject's If-Match header (the single delete's condition);
    an SDK without it rejects the parameter before sending anything."""
    return sdk_accepts(s3, "DeleteObject", "IfMatch")


def unconditional_refusal() -> str:
    """Why an orphan is kept when the SDK cannot make its delete conditional, and how to fix it."""
    return (
        f"not deleted: this runtime's botocore {botocore.__version__} cannot make a delete conditional "
        "on the listed ETag, so an object rewritten since it was listed could be lost; use a runtime "
        "(or a bundled boto3) of November 2024 or later, or accept the risk with "
        "allow_unconditional_deletes = true"
    )


def _refused(code: str, message: str) -> str:
    return f"delete refused: {code}: {message}".rstrip(": ")


def _deferred(code: str, message: str) -> str:
    return f"delete deferred: {code}: {message}".rstrip(": ")


def _verdict(entry: Entry, code: str, message: str) -> DeleteOutcome:
    """One object's outcome from S3's error code for its delete (in a 200 DeleteObjects answer
    or as DeleteObject's own answer)."""
    if code in ("NoSuchKey", "404"):
        return DeleteOutcome(deleted=1)  # someone else deleted it first: the orphan is gone either way
    if code in ("PreconditionFailed", "412"):
        return DeleteOutcome(failures=[Failure(key=entry.key, reason=REWRITTEN)])
    if code in CONFLICT_CODES or is_transient(ClientError({"Error": {"Code": code}}, "DeleteObject")):
        return DeleteOutcome(retry=[entry], retry_reason=_deferred(code, message))
    return DeleteOutcome(failures=[Failure(key=entry.key, reason=_refused(code, message))])


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def _delete_one(s3: Any, bucket: str, entry: Entry, conditional: bool) -> DeleteOutcome:
    """DeleteObject for one key (it travels in the URL), on the listed ETag when `conditional`.
    Runs on the pool and always returns an outcome, unless the error is a bug of ours."""
    params: dict[str, Any] = {"Bucket": bucket, "Key": entry.key}
    if conditional:
        params["IfMatch"] = entry.etag
    try:
        s3.delete_object(**params)
    except ClientError as error:
        if is_transient(error):
            return DeleteOutcome(retry=[entry], retry_reason=_deferred(error_code(error), _message(error)))
        return _verdict(entry, error_code(error), _message(error))
    except Exception as error:
        if is_transient(error):  # a connection or read timeout that outlived botocore's attempts
            return DeleteOutcome(retry=[entry], retry_reason=_deferred(type(error).__name__, str(error)))
        raise
    return DeleteOutcome(deleted=1)


@dataclass
class _Guard:
    """The delete guard's reservation hook, asked right before each request. Jobs run their own
    code on the thread that drives them (jobs.run_jobs), so the hook is called from one thread
    only, one call at a time, and `tripped` needs no lock."""

    hook: Reserve | None
    tripped: bool = False

    def allows(self, entries: list[Entry]) -> bool:
        """Reserve the deletes of `entries`; False (for this and every later request) once refused."""
        if self.tripped:
            return False
        if self.hook is None or self.hook(entries):
            return True
        self.tripped = True
        return False


def _held(guard: _Guard, entries: list[Entry]) -> DeleteOutcome | None:
    """None when the guard reserved these entries' request; otherwise their outcome. A reservation
    that throttled or timed out (it may even have been made: the guard is then stricter, never
    laxer) returns the entries to retry later."""
    try:
        if guard.allows(entries):
            return None
    except Exception as error:
        if not is_transient(error):
            raise
        return DeleteOutcome(retry=list(entries), retry_reason=_deferred("reservation", str(error)))
    return DeleteOutcome(guard_tripped=True, not_deleted=list(entries))


def _singles(s3: Any, bucket: str, entries: list[Entry], conditional: bool) -> list[Any]:
    """One DeleteObject call per entry, each returning its outcome."""
    return [partial(_delete_one, s3, bucket, entry, conditional) for entry in entries]


def _single_job(s3: Any, bucket: str, entry: Entry, conditional: bool, guard: _Guard) -> Job[DeleteOutcome]:
    """Delete a key XML cannot carry: one DeleteObject, reserved right before it is sent."""
    if (held := _held(guard, [entry])) is not None:
        return held
    (outcome,) = yield [partial(_delete_one, s3, bucket, entry, conditional)]
    return outcome


def _batch_job(
    s3: Any, bucket: str, batch: list[Entry], conditional: bool, single: bool | None, guard: _Guard
) -> Job[DeleteOutcome]:
    """Delete one batch with DeleteObjects, reserved right before it is sent; each delete is
    conditional on the listed ETag unless `conditional` is False. `single` says how a batch S3
    calls malformed is deleted one key at a time instead (None: it cannot be)."""
    if (held := _held(guard, batch)) is not None:
        return held
    objects = [{"Key": e.key, "ETag": e.etag} if conditional else {"Key": e.key} for e in batch]
    request = partial(s3.delete_objects, Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    try:
        (response,) = yield [request]
    except ClientError as error:
        code, message = error_code(error), _message(error)
        if is_transient(error) or code in CONFLICT_CODES:
            log("delete.deferred", bucket=bucket, objects=len(batch), code=code)
            return DeleteOutcome(retry=list(batch), retry_reason=_deferred(code, message))
        if code != "MalformedXML":
            return DeleteOutcome(failures=[Failure(key=e.key, reason=_refused(code, message)) for e in batch])
        # Keys are filtered with xml_can_carry before they get here, so this should not happen;
        # if S3 finds something else it cannot parse, the keys can still go in URLs. The batch's
        # reservation already covers these requests.
        log("delete.malformed_xml_one_at_a_time", bucket=bucket, objects=len(batch))
        if single is None:
            return DeleteOutcome(failures=[Failure(key=e.key, reason=unconditional_refusal()) for e in batch])
        outcome = DeleteOutcome()
        for one in (yield _singles(s3, bucket, batch, single)):
            outcome.add(one)
        return outcome
    except Exception as error:
        if not is_transient(error):
            raise
        log("delete.deferred", bucket=bucket, objects=len(batch), code=type(error).__name__)
        return DeleteOutcome(retry=list(batch), retry_reason=_deferred(type(error).__name__, str(error)))
    return _batch_answer(batch, response)


def _batch_answer(batch: list[Entry], response: dict[str, Any]) -> DeleteOutcome:
    """The outcome of a DeleteObjects request S3 answered 200: every key is deleted except those
    its Errors name (Quiet mode lists only errors)."""
    by_key = {entry.key: entry for entry in batch}
    outcome = DeleteOutcome(deleted=len(batch))
    for error in response.get("Errors", []):
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        entry = by_key.get(str(error.get("Key", "")))
        if entry is None:
            # S3 named a key we did not send as we sent it: which entry it means is unknown, so
            # one of them is not known deleted; name S3's key rather than guess.
            outcome.deleted -= 1
            outcome.failures.append(Failure(key=str(error.get("Key", "")), reason=_refused(code, message)))
            continue
        verdict = _verdict(entry, code, message)
        if not verdict.deleted:
            outcome.deleted -= 1
            outcome.add(verdict)
    return outcome


def _conditions(s3: Any, allow_unconditional: bool) -> tuple[bool | None, bool | None]:
    """How batches and single deletes are sent: True conditional on the listed ETag, False
    without the condition (allowed by the deployment), None refused (this SDK lacks it)."""
    fallback = False if allow_unconditional else None
    batch = True if supports_etag_condition(s3) else fallback
    single = True if supports_if_match(s3) else fallback
    return batch, single


def delete_objects(
    s3: Any,
    bucket: str,
    entries: list[Entry],
    threads: int,
    dry_run: bool,
    pool: Executor,
    allow_unconditional: bool = False,
    execution: str = "",
    reserve: Reserve | None = None,
) -> DeleteOutcome:
    """Delete every entry (or, in a dry run, count it); see DeleteOutcome for where each ends.

    Keys XML can carry go in DeleteObjects batches, the others one at a time with DeleteObject
    (If-Match on the listed ETag). Each request is one job on `pool`, the step's one executor
    (jobs.step_pool), `threads` of them under way at once.
    `reserve(n)` is called right before each request is sent, with the number of keys it deletes,
    from the calling thread only; once it returns False that request and every later one are not
    sent (`guard_tripped`, `not_deleted`), so nothing is ever reserved for a request not sent.
    When the SDK cannot make a delete conditional, such entries are named as failed with the
    reason and not sent, unless `allow_unconditional` says to delete without the condition.
    """
    if dry_run:
        return DeleteOutcome(deleted=len(entries))
    if not entries:
        return DeleteOutcome()
    batch_mode, single_mode = _conditions(s3, allow_unconditional)
    fields = {"execution": execution, "bucket": bucket, "botocore": botocore.__version__}
    outcome = DeleteOutcome()
    plain = [entry for entry in entries if xml_can_carry(entry.key)]
    singles = [entry for entry in entries if not xml_can_carry(entry.key)]
    for group, mode in ((plain, batch_mode), (singles, single_mode)):
        if group and mode is None:
            log("delete.refused_without_etag_condition", objects=len(group), **fields)
            outcome.failures.extend(Failure(key=e.key, reason=unconditional_refusal()) for e in group)
        elif group and mode is False:
            log("delete.unconditional", objects=len(group), **fields)
    guard = _Guard(reserve)
    jobs: list[tuple[str, Callable[[], Job[DeleteOutcome]]]] = []
    if batch_mode is not None:
        for start in range(0, len(plain), BATCH_SIZE):
            batch = plain[start : start + BATCH_SIZE]
            jobs.append(
                (batch[0].key, partial(_batch_job, s3, bucket, batch, batch_mode, single_mode, guard))
            )
    if single_mode is not None:
        jobs.extend((e.key, partial(_single_job, s3, bucket, e, single_mode, guard)) for e in singles)
    # In key order, so that when the guard trips the keys not sent are (mostly) the last ones.
    jobs.sort(key=lambda job: job[0])
    if jobs:
        outcome.add(_run(pool, (make() for _, make in jobs), threads))
    if guard.tripped:
        log("delete.guard_tripped", not_deleted=len(outcome.not_deleted), **fields)
    return outcome


def _run(pool: Executor, jobs: Iterable[Job[DeleteOutcome]], threads: int) -> DeleteOutcome:
    outcome = DeleteOutcome()
    for done in run_jobs(pool, jobs, threads):
        if done.error is not None:
            raise done.error
        outcome.add(done.value)
    return outcome
