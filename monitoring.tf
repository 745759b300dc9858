# Notifications (execution status changes to SNS) and CloudWatch alarms.

locals {
  notify        = var.notifications.create_sns_topic || var.notifications.sns_topic_arn != null
  sns_topic_arn = var.notifications.create_sns_topic ? aws_sns_topic.this[0].arn : var.notifications.sns_topic_arn

  alarm_topic_arn = var.alarms.sns_topic_arn != null ? var.alarms.sns_topic_arn : local.sns_topic_arn
  # Unset, alarms are on exactly when they have a topic to notify: eight alarms nobody hears of
  # would only cost money ($0.10 per alarm-month each). Decided from the inputs alone, so that
  # for_each below is known at plan time even when the topic is created in the same apply.
  alarms_enabled     = coalesce(var.alarms.enabled, var.alarms.sns_topic_arn != null || local.notify)
  alarms_use_topic   = local.alarms_enabled && var.alarms.sns_topic_arn == null && var.notifications.create_sns_topic
  alarm_name_pattern = "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:alarm:${var.name}-*"

  # Executions of this state machine only, not its Distributed Map's child executions, whose
  # ARNs continue the name with "/<map run>".
  run_arn_prefix = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:execution:${local.state_machine_name}:"

  # One alarm per state machine failure metric and per function; the key names the alarm.
  alarms = local.alarms_enabled ? merge(
    {
      for key, metric in {
        executions_failed    = { name = "ExecutionsFailed", ended = "failed" }
        executions_timed_out = { name = "ExecutionsTimedOut", ended = "timed out" }
        executions_aborted   = { name = "ExecutionsAborted", ended = "were aborted" }
        } : key => {
        namespace   = "AWS/States"
        metric_name = metric.name
        dimensions  = tomap({ StateMachineArn = aws_sfn_state_machine.this.arn })
        description = "Runs of the ${local.state_machine_name} sync state machine ${metric.ended}."
      }
    },
    {
      for step, function in module.function : "${step}_errors" => {
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        dimensions  = tomap({ FunctionName = function.name })
        description = "The ${function.name} function raised errors; Step Functions retries the step or fails the run."
      }
    },
  ) : {}
}

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26:Encryption needs a customer managed key whose policy admits EventBridge and CloudWatch (notifications.kms_master_key_id); the AWS managed alias/aws/sns cannot be used by them. Messages carry execution ARNs and statuses, no object data.
  count = var.notifications.create_sns_topic ? 1 : 0

  name              = "${var.name}-notifications"
  kms_master_key_id = var.notifications.kms_master_key_id
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  count = var.notifications.create_sns_topic ? 1 : 0

  statement {
    sid     = "PublishExecutionStatusChanges"
    actions = ["sns:Publish"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    resources = [aws_sns_topic.this[0].arn]
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.execution_status[0].arn]
    }
  }

  dynamic "statement" {
    for_each = local.alarms_use_topic ? [1] : []
    content {
      sid     = "PublishOwnAlarms"
      actions = ["sns:Publish"]
      principals {
        type        = "Service"
        identifiers = ["cloudwatch.amazonaws.com"]
      }
      resources = [aws_sns_topic.this[0].arn]
      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [local.alarm_name_pattern]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = var.notifications.create_sns_topic ? 1 : 0

  arn    = aws_sns_topic.this[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

resource "aws_cloudwatch_event_rule" "execution_status" {
  count = local.notify ? 1 : 0

  name        = "${var.name}-execution-status"
  description = "Runs of the ${local.state_machine_name} sync state machine that end ${join(", ", var.notifications.statuses)}."
  event_pattern = jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail = {
      stateMachineArn = [aws_sfn_state_machine.this.arn]
      status          = var.notifications.statuses
      executionArn    = [{ prefix = local.run_arn_prefix }]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "execution_status" {
  count = local.notify ? 1 : 0

  rule = aws_cloudwatch_event_rule.execution_status[0].name
  arn  = local.sns_topic_arn

  depends_on = [aws_sns_topic_policy.this]
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic_arn == null ? [] : [local.alarm_topic_arn]
  tags                = var.tags
}
