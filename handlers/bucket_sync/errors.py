"""Failures the state machine tells apart.

Each class name is an ASL error name: the Lambda runtime reports a raised exception's class
name as `errorType`, and `statemachine.asl.json` catches these names to end the run with them.
"""


class SyncError(Exception):
    """Base of every error that ends a run with a named failure."""


class InvalidInput(SyncError):
    """The execution input is malformed: missing or mistyped fields, bad bucket names."""


class BucketNotFound(SyncError):
    """A bucket named in the input does not exist."""


class AccessDenied(SyncError):
    """The bucket is outside this deployment's configured lists, or S3 refused access."""


class BucketRegionsNotEqual(SyncError):
    """Source and destination are in different regions and cross-region sync is off."""


class DeleteGuardTripped(SyncError):
    """Deleting orphans now would be unsafe: empty source or more deletes than allowed."""


class RunInProgress(SyncError):
    """Another run of this state machine is syncing into the same destination and prefixes."""


class ObjectsFailed(SyncError):
    """Some objects could not be synced; the run's failures list names them."""


class TransientError(SyncError):
    """A throttle, 5xx or timeout outlived botocore's attempts; the state machine retries the
    step with backoff (every step is idempotent), and a range still failing is planned again."""
