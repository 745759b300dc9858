"""Uploads a stopped run paused are aborted by the next run into the same destination; those of
the run itself and of runs still going are left to them."""

from bucket_sync.leftovers import abort_leftover_uploads
from bucket_sync.runstore import PausedUploads

OLD, RUNNING, CURRENT = "arn:old", "arn:running", "arn:current"


class Executions:
    """Step Functions' DescribeExecution for three runs."""

    def describe_execution(self, executionArn):  # noqa: N803 - boto3's parameter name
        return {"status": {OLD: "ABORTED", RUNNING: "RUNNING", CURRENT: "RUNNING"}[executionArn]}


def open_upload(s3, key):
    return s3.create_multipart_upload(Bucket="dst", Key=key)["UploadId"]


def test_only_uploads_of_runs_that_ended_are_aborted(s3, run_table):
    registry = PausedUploads(run_table, "dst")
    uploads = {name: open_upload(s3, name) for name in ("old", "running", "current")}
    for name, execution in (("old", OLD), ("running", RUNNING), ("current", CURRENT)):
        registry.remember(execution, [{"key": name, "etag": '"e-2"', "uploadId": uploads[name]}])

    assert abort_leftover_uploads(s3, Executions(), registry, "dst", CURRENT) == 1

    still_open = {u["Key"] for u in s3.list_multipart_uploads(Bucket="dst").get("Uploads", [])}
    assert still_open == {"running", "current"}
    assert {u["key"] for u in registry.recorded()} == {"running", "current"}
    # Run again: nothing left to abort, and an upload already gone is no error.
    assert abort_leftover_uploads(s3, Executions(), registry, "dst", CURRENT) == 0
