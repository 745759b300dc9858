locals {
  s3_arn             = "arn:${data.aws_partition.current.partition}:s3:::"
  source_buckets     = [for b in var.source_bucket_names : "${local.s3_arn}${b}"]
  destination_bucket = [for b in var.destination_bucket_names : "${local.s3_arn}${b}"]
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
  name               = "${var.name}-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "ListAndLocateBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = distinct(concat(local.source_buckets, local.destination_bucket))
  }

  statement {
    sid       = "ReadSourceObjects"
    actions   = ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"]
    resources = [for b in local.source_buckets : "${b}/*"]
  }

  statement {
    sid       = "WriteDestinationObjects"
    actions   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = [for b in local.destination_bucket : "${b}/*"]
  }

  dynamic "statement" {
    for_each = length(var.source_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptSourceObjects"
      actions   = ["kms:Decrypt"]
      resources = var.source_kms_key_arns
    }
  }

  dynamic "statement" {
    # Writing needs a data key; completing a multipart copy and reading checksums needs Decrypt.
    for_each = length(var.destination_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "EncryptDestinationObjects"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = var.destination_kms_key_arns
    }
  }

  statement {
    # PlanRanges writes a round's ranges, each child reads and updates its own, TallyRound
    # reads them back (runstore.py); nothing else uses the table.
    sid       = "KeepRunState"
    actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [aws_dynamodb_table.runs.arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for f in module.function : "${f.log_group_arn}:*"]
  }

  statement {
    # Change detection reads a destination object's headers (HEAD, which S3 authorizes as
    # s3:GetObject) when the listings cannot tell whether it equals its source.
    sid       = "ReadDestinationHeaders"
    actions   = ["s3:GetObject"]
    resources = [for b in local.destination_bucket : "${b}/*"]
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
  name   = "sync-buckets"
  role   = aws_iam_role.lambda.id
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
  name               = "${var.name}-states"
  assume_role_policy = data.aws_iam_policy_document.state_machine_assume.json
  tags               = var.tags
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
  name   = "run-sync"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
