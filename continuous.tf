# Continuous sync (var.continuous_sync; README "Continuous sync"): S3 events of the watched source
# reach a queue through EventBridge, and a consumer function applies each changed key with the
# run's own compare, copy and delete code. Every resource here is count-guarded: off, none exists.

locals {
  continuous = var.continuous_sync != null
  cs         = var.continuous_sync
  # AWS's advice for a Lambda-consumed queue: at least six times the function's timeout plus the
  # batching window, so a batch still being worked on is not delivered to a second consumer.
  continuous_visibility_seconds = local.continuous ? 6 * local.cs.consumer_timeout + local.cs.maximum_batching_window_seconds : 0
  consumer_function_name        = "${var.name}-consume"
  # The custom metrics the consumer publishes in embedded metric format (steps/consume.py).
  continuous_metric_namespace = "BucketSync/Continuous"

  # What the consumer follows. The sync functions get it too: a finished run over exactly this
  # pair publishes its copies and deletes as what the event path missed (reconcile.py).
  continuous_follow_environment = local.continuous ? {
    CONTINUOUS_SOURCE                = local.cs.source
    CONTINUOUS_DESTINATION           = local.cs.destination
    CONTINUOUS_PREFIX                = local.cs.prefix
    CONTINUOUS_INCLUDE               = jsonencode(local.cs.include)
    CONTINUOUS_EXCLUDE               = jsonencode(local.cs.exclude)
    CONTINUOUS_DELETE_ORPHANS        = tostring(local.cs.delete_orphans)
    CONTINUOUS_INLINE_COPY_MAX_BYTES = tostring(local.cs.inline_copy_max_bytes)
    CONTINUOUS_DELETE_BUDGET         = tostring(local.cs.delete_budget)
    CONTINUOUS_DELETE_WINDOW_SECONDS = tostring(local.cs.delete_window_seconds)
    CONTINUOUS_METRIC_NAMESPACE      = local.continuous_metric_namespace
    CONTINUOUS_CONSUMER              = local.consumer_function_name
  } : {}

  continuous_environment = local.continuous ? merge(local.environment, {
    # The consumer's own timeout, not the sync functions': copies start only if they fit in it.
    LAMBDA_TIMEOUT = tostring(local.cs.consumer_timeout)
    # Only the consumer: the sync functions are part of the state machine's definition.
    STATE_MACHINE_ARN = local.state_machine_arn
  }) : {}
}

# Rules across variables (variable validation may reference only its own variable before Terraform 1.9).
resource "terraform_data" "continuous_checks" {
  count = local.continuous ? 1 : 0

  lifecycle {
    precondition {
      condition     = contains(var.source_bucket_names, local.cs.source)
      error_message = "continuous_sync.source (${local.cs.source}) must be in source_bucket_names."
    }

    precondition {
      condition     = contains(var.destination_bucket_names, local.cs.destination)
      error_message = "continuous_sync.destination (${local.cs.destination}) must be in destination_bucket_names."
    }

    precondition {
      # A destination the schedules also read as a source would carry the consumer's writes on
      # into another sync, and a schedule writing the watched source would feed events back.
      condition     = !anytrue([for s in values(var.schedules) : s.source == local.cs.destination && s.destination == local.cs.source])
      error_message = "A schedule syncs continuous_sync.destination back into continuous_sync.source: with continuous sync on, that is an event loop."
    }

    precondition {
      # Its metrics (Lag, DeletesPaused, MissedChanges) are EMF lines printed to stdout, which the
      # JSON log format files at INFO: a higher level would drop them, and their alarms, silently.
      condition     = contains(["TRACE", "DEBUG", "INFO"], var.lambda_application_log_level)
      error_message = "continuous_sync publishes its metrics as log lines at INFO: lambda_application_log_level ${var.lambda_application_log_level} would drop them and leave its alarms blind. Use INFO (the default), DEBUG or TRACE."
    }
  }
}

resource "aws_sqs_queue" "continuous_dlq" {
  count = local.continuous ? 1 : 0

  name                      = "${var.name}-changes-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = local.cs.kms_master_key_id == null ? true : null
  kms_master_key_id         = local.cs.kms_master_key_id
  tags                      = var.tags
}

resource "aws_sqs_queue" "continuous" {
  count = local.continuous ? 1 : 0

  name = "${var.name}-changes"
  # 256 KiB: an EventBridge S3 event is about 1 KiB, an S3 notification of a 1,024-byte key a
  # few; the maximum leaves nothing to truncate.
  max_message_size           = 262144
  message_retention_seconds  = local.cs.message_retention_seconds
  visibility_timeout_seconds = local.continuous_visibility_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = local.cs.kms_master_key_id == null ? true : null
  kms_master_key_id          = local.cs.kms_master_key_id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.continuous_dlq[0].arn
    maxReceiveCount     = local.cs.max_receive_count
  })
  tags = var.tags
}

data "aws_iam_policy_document" "continuous_queue" {
  count = local.continuous ? 1 : 0

  statement {
    sid     = "EventBridgeRuleSendsChanges"
    actions = ["sqs:SendMessage"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    resources = [aws_sqs_queue.continuous[0].arn]
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.continuous[0].arn]
    }
  }

  statement {
    # The alternative to EventBridge (README "Continuous sync"): the source bucket's own event
    # notifications sent straight to this queue. Harmless while the bucket sends none.
    sid     = "SourceBucketNotificationsSendChanges"
    actions = ["sqs:SendMessage"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    resources = [aws_sqs_queue.continuous[0].arn]
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["${local.s3_arn}${local.cs.source}"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "continuous" {
  count = local.continuous ? 1 : 0

  queue_url = aws_sqs_queue.continuous[0].id
  policy    = data.aws_iam_policy_document.continuous_queue[0].json
}

resource "aws_cloudwatch_event_rule" "continuous" {
  count = local.continuous ? 1 : 0

  name        = "${var.name}-changes"
  description = substr("Changes to ${local.cs.source}${local.cs.prefix == "" ? "" : " under ${local.cs.prefix}"}, for continuous sync into ${local.cs.destination}.", 0, 512)
  # Object Deleted covers DeleteObject(s) and lifecycle expirations; Object Restore Completed
  # makes an archived object copyable.
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created", "Object Deleted", "Object Restore Completed"]
    detail = merge(
      { bucket = { name = [local.cs.source] } },
      local.cs.prefix == "" ? {} : { object = { key = [{ prefix = local.cs.prefix }] } },
    )
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "continuous" {
  count = local.continuous ? 1 : 0

  rule = aws_cloudwatch_event_rule.continuous[0].name
  arn  = aws_sqs_queue.continuous[0].arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  depends_on = [aws_sqs_queue_policy.continuous]
}

module "consumer" {
  source = "./modules/lambda-function"
  count  = local.continuous ? 1 : 0

  name               = local.consumer_function_name
  description        = "Applies changed keys of ${local.cs.source} to ${local.cs.destination} from the changes queue."
  handler            = "bucket_sync.steps.consume.handler"
  role_arn           = aws_iam_role.consumer[0].arn
  package_path       = local.package_path
  layers             = [aws_lambda_layer_version.sdk.arn]
  runtime            = var.lambda_runtime
  architecture       = var.lambda_architecture
  memory_size        = local.cs.consumer_memory_size
  timeout            = local.cs.consumer_timeout
  environment        = local.continuous_environment
  log_retention_days = var.log_retention_days
  log_kms_key_arn    = var.log_kms_key_arn
  tags               = var.tags

  application_log_level = var.lambda_application_log_level
  system_log_level      = var.lambda_system_log_level
  tracing_mode          = var.tracing_enabled ? "Active" : "PassThrough"
}

resource "aws_lambda_event_source_mapping" "continuous" {
  count = local.continuous ? 1 : 0

  event_source_arn                   = aws_sqs_queue.continuous[0].arn
  function_name                      = module.consumer[0].arn
  batch_size                         = local.cs.batch_size
  maximum_batching_window_in_seconds = local.cs.maximum_batching_window_seconds
  # A key the consumer could not settle (source moved meanwhile, deletes paused, S3 errors)
  # goes back to the queue alone; the rest of the batch is done.
  function_response_types = ["ReportBatchItemFailures"]

  depends_on = [aws_iam_role_policy.consumer]
}

# The consumer's own role: read the source, write the destination, use the queue, the run table
# (delete budget) and start key-scoped runs of this state machine; nothing else.

resource "aws_iam_role" "consumer" {
  count = local.continuous ? 1 : 0

  name                 = "${var.name}-consume"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "consumer" {
  count = local.continuous ? 1 : 0

  statement {
    sid       = "ReadSourceObjects"
    actions   = local.source_object_actions
    resources = ["${local.s3_arn}${local.cs.source}/*"]
  }

  statement {
    # HEAD of a missing key answers 404 only with s3:ListBucket (403 without), and the
    # consumer deletes only on a 404.
    sid       = "ListSyncedBuckets"
    actions   = local.bucket_actions
    resources = ["${local.s3_arn}${local.cs.source}", "${local.s3_arn}${local.cs.destination}"]
  }

  statement {
    sid       = "ReadSourceWebsiteConfiguration"
    actions   = local.source_bucket_actions
    resources = ["${local.s3_arn}${local.cs.source}"]
  }

  statement {
    sid       = "WriteDestinationObjects"
    actions   = local.destination_object_actions
    resources = ["${local.s3_arn}${local.cs.destination}/*"]
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
    sid       = "ConsumeChanges"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [aws_sqs_queue.continuous[0].arn]
  }

  dynamic "statement" {
    for_each = local.cs.kms_master_key_id == null ? [] : [1]
    content {
      sid       = "DecryptChanges"
      actions   = ["kms:Decrypt"]
      resources = [local.cs.kms_master_key_id]
    }
  }

  statement {
    # The delete budget's window counter (deletebudget.py).
    sid       = "CountDeletes"
    actions   = ["dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.runs.arn]
  }

  statement {
    # Objects above inline_copy_max_bytes become a run scoped to their key.
    sid       = "HandLargeObjectsToRuns"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${module.consumer[0].log_group_arn}:*"]
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

resource "aws_iam_role_policy" "consumer" {
  count = local.continuous ? 1 : 0

  name   = "consume-changes"
  role   = aws_iam_role.consumer[0].id
  policy = data.aws_iam_policy_document.consumer[0].json
}

locals {
  continuous_alarms = local.continuous && local.alarms_enabled ? {
    changes_oldest_message_age = {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateAgeOfOldestMessage"
      dimensions  = { QueueName = aws_sqs_queue.continuous[0].name }
      statistic   = "Maximum"
      periods     = var.alarms.evaluation_periods
      threshold   = local.cs.oldest_message_age_alarm_seconds
      description = "A change to ${local.cs.source} has waited over ${local.cs.oldest_message_age_alarm_seconds} s to be applied: the consumer is behind or failing."
    }
    changes_dead_letters = {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.continuous_dlq[0].name }
      statistic   = "Maximum"
      periods     = var.alarms.evaluation_periods
      threshold   = 1
      description = "Changes to ${local.cs.source} were given up on (dead-letter queue); the scheduled reconcile run repairs them."
    }
    changes_failed_invocations = {
      namespace   = "AWS/Events"
      metric_name = "FailedInvocations"
      dimensions  = { RuleName = aws_cloudwatch_event_rule.continuous[0].name }
      statistic   = "Sum"
      periods     = var.alarms.evaluation_periods
      threshold   = 1
      description = "EventBridge could not deliver changes of ${local.cs.source} to the queue (its policy or key?)."
    }
    changes_deletes_paused = {
      namespace   = local.continuous_metric_namespace
      metric_name = "DeletesPaused"
      dimensions  = { Consumer = local.consumer_function_name }
      statistic   = "Sum"
      periods     = var.alarms.evaluation_periods
      threshold   = 1
      description = "Deletes in ${local.cs.destination} went beyond ${local.cs.delete_budget} per ${local.cs.delete_window_seconds} s and are paused: check the source before they resume."
    }
    # Published by the state machine's TallyRound when a reconcile run ends (reconcile.py).
    changes_missed = {
      namespace   = local.continuous_metric_namespace
      metric_name = "MissedChanges"
      dimensions  = { Consumer = local.consumer_function_name }
      # What one run repaired: a retried TallyRound may publish its run's figure twice, and
      # Maximum, unlike Sum, reads that once.
      statistic = "Maximum"
      # One datapoint per reconcile run: more periods would never all breach.
      periods     = 1
      threshold   = local.cs.missed_changes_alarm_threshold
      description = "A reconcile run copied or deleted at least ${local.cs.missed_changes_alarm_threshold} objects of ${local.cs.source} that continuous sync had not applied: events are lost or the consumer is far behind."
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "continuous" {
  for_each = local.continuous_alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = var.alarms.period_seconds
  evaluation_periods  = each.value.periods
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic_arn == null ? [] : [local.alarm_topic_arn]
  tags                = var.tags
}
