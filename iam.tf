locals {
  s3_arn             = "arn:${data.aws_partition.current.partition}:s3:::"
  source_buckets     = [for b in var.source_bucket_names : "${local.s3_arn}${b}"]
  destination_bucket = [for b in var.destination_bucket_names : "${local.s3_arn}${b}"]
  # Keys copies may be encrypted with: the destination buckets' default keys and the override.
  destination_kms_keys = distinct(compact(concat(var.destination_kms_key_arns, [var.destination_sse_kms_key_arn])))

  # What the handlers do with the buckets, once: the role policy below and the statements a
  # bucket in another account must grant (output bucket_policies) are both built from these.
  # ListObjectsV2 and HeadBucket (Validate's existence and region check) need s3:ListBucket.
  bucket_actions = ["s3:ListBucket"]
  # keep_website_redirects = "auto" reads whether a source serves a website (GetBucketWebsite).
  source_bucket_actions = ["s3:GetBucketWebsite"]
  # Copies read the source (CopyObject, UploadPartCopy, HEAD) and its tags (multipart copies).
  source_object_actions = ["s3:GetObject", "s3:GetObjectTagging"]
  # Copies write objects and their tags, orphans are deleted, a failed multipart copy is
  # aborted, a paused one is resumed from the parts ListParts reports; s3:GetObject covers HEAD
  # of a destination object (change detection) and is what S3 also requires for a delete
  # conditional on the ETag (DeleteObjects with ETag).
  destination_object_actions = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject"]
  # The keys objects are read and written with, for every role that copies (the handlers' and
  # continuous sync's consumer). Writing needs a data key; completing a multipart copy and
  # reading checksums needs Decrypt.
  kms_statements = concat(
    length(var.source_kms_key_arns) > 0 ? [{ sid = "DecryptSourceObjects", actions = ["kms:Decrypt"], resources = var.source_kms_key_arns }] : [],
    length(local.destination_kms_keys) > 0 ? [{ sid = "EncryptDestinationObjects", actions = ["kms:GenerateDataKey", "kms:Decrypt"], resources = local.destination_kms_keys }] : [],
  )
}

# Each role is created here unless the consumer brings its own (var.lambda_role_arn,
# var.state_machine_role_arn); everything else refers to the roles through these locals.
locals {
  create_lambda_role        = var.lambda_role_arn == null
  create_state_machine_role = var.state_machine_role_arn == null
  lambda_role_arn           = local.create_lambda_role ? aws_iam_role.lambda[0].arn : var.lambda_role_arn
  state_machine_role_arn    = local.create_state_machine_role ? aws_iam_role.state_machine[0].arn : var.state_machine_role_arn
}

moved {
  from = aws_iam_role.lambda
  to   = aws_iam_role.lambda[0]
}

moved {
  from = aws_iam_role_policy.lambda
  to   = aws_iam_role_policy.lambda[0]
}

moved {
  from = aws_iam_role.state_machine
  to   = aws_iam_role.state_machine[0]
}

moved {
  from = aws_iam_role_policy.state_machine
  to   = aws_iam_role_policy.state_machine[0]
}

# Handler functions: read the sources, write and delete in the destinations, write their logs.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  count = local.create_lambda_role ? 1 : 0

  name                 = "${var.name}-lambda"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "ListBuckets"
    actions   = local.bucket_actions
    resources = distinct(concat(local.source_buckets, local.destination_bucket))
  }

  statement {
    sid       = "ReadSourceObjects"
    actions   = local.source_object_actions
    resources = [for b in local.source_buckets : "${b}/*"]
  }

  statement {
    sid       = "WriteDestinationObjects"
    actions   = local.destination_object_actions
    resources = [for b in local.destination_bucket : "${b}/*"]
  }

  dynamic "statement" {
    for_each = local.kms_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }

  statement {
    sid       = "ReadSourceWebsiteConfiguration"
    actions   = local.source_bucket_actions
    resources = local.source_buckets
  }

  statement {
    # Validate refuses a run while an earlier one of this state machine is running on the same
    # destination with an overlapping prefix (overlap.py): it lists the running executions and
    # reads their input.
    sid       = "SeeOwnRunningExecutions"
    actions   = ["states:ListExecutions"]
    resources = [local.state_machine_arn]
  }

  statement {
    # Validate describes its own run and the running ones it lists: top-level executions, whose
    # ARNs are ...:execution:<state machine>:<run>, not the Map Runs' .../<state machine>/...
    sid       = "ReadOwnExecutions"
    actions   = ["states:DescribeExecution"]
    resources = ["${replace(local.state_machine_arn, ":stateMachine:", ":execution:")}:*"]
  }

  dynamic "statement" {
    # Run reports (report.py): action lines after each window, the summary at the end.
    for_each = var.report_bucket == null ? [] : [1]
    content {
      sid       = "WriteRunReports"
      actions   = ["s3:PutObject"]
      resources = ["${local.s3_arn}${var.report_bucket}/${var.report_prefix}*"]
    }
  }

  dynamic "statement" {
    # A report bucket whose default encryption is SSE-KMS with a customer managed key: each
    # PutObject asks KMS for a data key under the caller's own permissions.
    for_each = var.report_bucket != null && var.report_kms_key_arn != null ? [1] : []
    content {
      sid       = "EncryptRunReports"
      actions   = ["kms:GenerateDataKey"]
      resources = [var.report_kms_key_arn]
    }
  }

  statement {
    # PlanRanges writes a round's ranges, each child reads and updates its own, TallyRound
    # reads them back (runstore.py); nothing else uses the table.
    sid = "KeepRunState"
    # BatchGetItem: TallyRound reads exactly its round's ranges; PutItem and UpdateItem also
    # authorize the delete guard's TransactWriteItems (DynamoDB checks each item's action).
    # Query and DeleteItem: the multipart uploads paused by runs into a destination (runstore.PausedUploads).
    actions   = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.runs.arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for f in module.function : "${f.log_group_arn}:*"]
  }

  dynamic "statement" {
    #checkov:skip=CKV_AWS_111:X-Ray trace submission APIs support no resource-level permissions.
    #checkov:skip=CKV_AWS_356:X-Ray trace submission APIs support no resource-level permissions.
    for_each = var.tracing_enabled ? [1] : []
    content {
      sid       = "SendTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  count = local.create_lambda_role ? 1 : 0

  name   = "sync-buckets"
  role   = aws_iam_role.lambda[0].id
  policy = data.aws_iam_policy_document.lambda.json
}

# State machine: invoke its own functions, run its own child executions, deliver its logs.

data "aws_iam_policy_document" "state_machine_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  count = local.create_state_machine_role ? 1 : 0

  name                 = "${var.name}-states"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.state_machine_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "InvokeOwnFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = flatten([for f in module.function : [f.arn, "${f.arn}:*"]])
  }

  statement {
    sid       = "RunOwnChildExecutions"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }

  statement {
    sid       = "FollowOwnChildExecutions"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = [local.execution_arns]
  }

  statement {
    # Redriving a run redrives its Map Run, which redrives the failed child executions.
    sid       = "RedriveOwnChildExecutions"
    actions   = ["states:RedriveExecution"]
    resources = [local.map_run_execution_arns]
  }

  statement {
    #checkov:skip=CKV_AWS_111:CloudWatch Logs delivery APIs for Step Functions support no resource-level permissions.
    #checkov:skip=CKV_AWS_356:CloudWatch Logs delivery APIs for Step Functions support no resource-level permissions.
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.tracing_enabled ? [1] : []
    content {
      sid       = "SendTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "state_machine" {
  count = local.create_state_machine_role ? 1 : 0

  name   = "run-sync"
  role   = aws_iam_role.state_machine[0].id
  policy = data.aws_iam_policy_document.state_machine.json
}

# The statements the owner of each configured bucket must grant the Lambda role when the bucket
# is in another account (output bucket_policies): the same actions as the role policy above.
locals {
  bucket_grants = {
    for bucket in distinct(concat(var.source_bucket_names, var.destination_bucket_names)) : bucket => concat(
      [{ sid = "BucketSyncList", actions = local.bucket_actions, resource = "${local.s3_arn}${bucket}" }],
      contains(var.source_bucket_names, bucket) ? [
        { sid = "BucketSyncReadWebsite", actions = local.source_bucket_actions, resource = "${local.s3_arn}${bucket}" },
        { sid = "BucketSyncRead", actions = local.source_object_actions, resource = "${local.s3_arn}${bucket}/*" },
      ] : [],
      contains(var.destination_bucket_names, bucket) ? [
        { sid = "BucketSyncWrite", actions = local.destination_object_actions, resource = "${local.s3_arn}${bucket}/*" },
      ] : [],
    )
  }
}

data "aws_iam_policy_document" "bucket_grant" {
  for_each = local.bucket_grants

  dynamic "statement" {
    for_each = each.value
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = [statement.value.resource]
      principals {
        type        = "AWS"
        identifiers = [local.lambda_role_arn]
      }
    }
  }
}
