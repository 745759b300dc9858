# Schedules, notifications, alarms and observability, checked under a mock provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                     = "nightly"
  source_bucket_names      = ["photos-src", "videos-src"]
  destination_bucket_names = ["photos-dst", "photos-dr"]
}

run "creates_nothing_optional_by_default" {
  command = apply

  assert {
    condition     = length(aws_scheduler_schedule.this) == 0 && length(aws_iam_role.scheduler) == 0 && length(aws_scheduler_schedule_group.this) == 0
    error_message = "Without schedules there is no schedule, group or scheduler role."
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_cloudwatch_event_rule.execution_status) == 0 && output.sns_topic_arn == null
    error_message = "Without notifications there is no topic and no rule."
  }

  assert {
    condition     = output.schedule_arns == {}
    error_message = "schedule_arns is empty without schedules."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0 && output.alarm_arns == {}
    error_message = "Without a topic to notify there are no alarms by default (they would cost and tell nobody)."
  }
}

run "schedules_start_the_state_machine_with_the_contract_input" {
  command = apply

  variables {
    schedules = {
      nightly = {
        source              = "photos-src"
        destination         = "photos-dst"
        schedule_expression = "cron(0 2 * * ? *)"
        timezone            = "Europe/Berlin"
      }
      weekly-dr = {
        source              = "videos-src"
        destination         = "photos-dr"
        prefix              = "raw/"
        delete_orphans      = false
        dry_run             = true
        max_deletes         = 100
        schedule_expression = "rate(7 days)"
        enabled             = false
      }
    }
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.this["nightly"].target[0].input) == { source = "photos-src", destination = "photos-dst", prefix = "", dryRun = false }
    error_message = "A schedule without options sends source, destination, prefix and dryRun only, so the module's defaults apply."
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.this["weekly-dr"].target[0].input) == { source = "videos-src", destination = "photos-dr", prefix = "raw/", dryRun = true, deleteOrphans = false, maxDeletes = 100 }
    error_message = "deleteOrphans and maxDeletes are sent when the schedule sets them."
  }

  assert {
    condition     = aws_scheduler_schedule.this["nightly"].target[0].arn == output.state_machine_arn && aws_scheduler_schedule.this["nightly"].target[0].role_arn == aws_iam_role.scheduler[0].arn
    error_message = "Schedules target this state machine with the scheduler role."
  }

  assert {
    condition     = aws_scheduler_schedule.this["nightly"].flexible_time_window[0].mode == "OFF" && aws_scheduler_schedule.this["nightly"].schedule_expression_timezone == "Europe/Berlin" && aws_scheduler_schedule.this["nightly"].state == "ENABLED"
    error_message = "Schedules fire on time, in their time zone, and are enabled by default."
  }

  assert {
    condition     = aws_scheduler_schedule.this["weekly-dr"].state == "DISABLED" && aws_scheduler_schedule.this["weekly-dr"].schedule_expression == "rate(7 days)" && aws_scheduler_schedule.this["weekly-dr"].schedule_expression_timezone == "UTC"
    error_message = "enabled = false disables a schedule; the time zone defaults to UTC."
  }

  assert {
    condition     = aws_scheduler_schedule.this["nightly"].group_name == "nightly" && aws_scheduler_schedule.this["nightly"].name == "nightly"
    error_message = "Schedules live in a group named after var.name."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.scheduler[0].statement) == 1 && data.aws_iam_policy_document.scheduler[0].statement[0].actions == toset(["states:StartExecution"]) && data.aws_iam_policy_document.scheduler[0].statement[0].resources == toset(["arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"])
    error_message = "The scheduler role may start executions of this state machine only."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.scheduler_assume[0].statement[0].principals).identifiers == toset(["scheduler.amazonaws.com"])
    error_message = "Only EventBridge Scheduler may assume the scheduler role."
  }

  assert {
    condition = (
      one([for c in data.aws_iam_policy_document.scheduler_assume[0].statement[0].condition : c if c.variable == "aws:SourceAccount"]).values == tolist(["123456789012"]) &&
      one([for c in data.aws_iam_policy_document.scheduler_assume[0].statement[0].condition : c if c.variable == "aws:SourceArn"]).values == tolist(["arn:aws:scheduler:eu-west-1:123456789012:schedule-group/nightly"])
    )
    error_message = "The trust is limited to this account and this module's schedule group (confused deputy)."
  }

  assert {
    condition     = length(output.schedule_arns) == 2 && contains(keys(output.schedule_arns), "weekly-dr")
    error_message = "schedule_arns names every schedule."
  }
}

run "refuses_a_schedule_whose_source_is_not_allowed" {
  command = plan

  variables {
    schedules = {
      nightly = { source = "other-src", destination = "photos-dst", schedule_expression = "rate(1 day)" }
    }
  }

  expect_failures = [terraform_data.schedule_checks]
}

run "refuses_a_schedule_whose_destination_is_not_allowed" {
  command = plan

  variables {
    schedules = {
      nightly = { source = "photos-src", destination = "videos-src", schedule_expression = "rate(1 day)" }
    }
  }

  expect_failures = [terraform_data.schedule_checks]
}

run "notifies_a_created_topic_of_failed_runs" {
  command = apply

  variables {
    notifications = { create_sns_topic = true }
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern).source == ["aws.states"] && jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern)["detail-type"] == ["Step Functions Execution Status Change"]
    error_message = "The rule matches Step Functions execution status changes."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern).detail.stateMachineArn == ["arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"]
    error_message = "The rule matches this state machine only."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern).detail.executionArn == [{ prefix = "arn:aws:states:eu-west-1:123456789012:execution:nightly:" }]
    error_message = "The rule matches runs, not the Distributed Map's child executions."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern).detail.status == ["FAILED", "TIMED_OUT", "ABORTED"]
    error_message = "By default, runs that fail, time out or are aborted are notified."
  }

  assert {
    condition     = aws_cloudwatch_event_target.execution_status[0].arn == aws_sns_topic.this[0].arn && output.sns_topic_arn == aws_sns_topic.this[0].arn && aws_sns_topic.this[0].name == "nightly-notifications"
    error_message = "The rule targets the created topic, which the output names."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.topic[0].statement : s if s.sid == "PublishExecutionStatusChanges"]).actions == toset(["sns:Publish"]) &&
      one(one([for s in data.aws_iam_policy_document.topic[0].statement : s if s.sid == "PublishExecutionStatusChanges"]).principals).identifiers == toset(["events.amazonaws.com"]) &&
      one(one([for s in data.aws_iam_policy_document.topic[0].statement : s if s.sid == "PublishExecutionStatusChanges"]).condition).values == tolist([aws_cloudwatch_event_rule.execution_status[0].arn])
    )
    error_message = "The topic policy lets EventBridge publish for this rule only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.topic[0].statement : s if s.sid == "PublishOwnAlarms"]).resources == toset([aws_sns_topic.this[0].arn])
    error_message = "With alarms on, the topic policy lets this module's alarms publish."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 8 && alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset([aws_sns_topic.this[0].arn])])
    error_message = "With a notifications topic the alarms are on by default and notify it when no alarm topic is given."
  }

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == null
    error_message = "The created topic is unencrypted unless a customer managed key is given."
  }
}

run "notifies_a_given_topic_of_chosen_statuses" {
  command = apply

  variables {
    notifications = {
      sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops"
      statuses      = ["SUCCEEDED", "FAILED"]
    }
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_sns_topic_policy.this) == 0
    error_message = "A given topic is used as it is: no topic or topic policy is created."
  }

  assert {
    condition     = aws_cloudwatch_event_target.execution_status[0].arn == "arn:aws:sns:eu-west-1:123456789012:ops" && output.sns_topic_arn == "arn:aws:sns:eu-west-1:123456789012:ops"
    error_message = "The rule targets the given topic."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.execution_status[0].event_pattern).detail.status == ["SUCCEEDED", "FAILED"]
    error_message = "The rule matches the chosen statuses."
  }
}

run "alarms_on_failed_runs_and_function_errors_when_switched_on_without_a_topic" {
  command = apply

  variables {
    alarms = { enabled = true }
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["executions_failed", "executions_timed_out", "executions_aborted", "validate_errors", "plan_ranges_errors", "sync_range_errors", "record_range_error_errors", "summarize_errors"])
    error_message = "Alarms cover the three execution failure metrics and every function's errors."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["executions_timed_out"].namespace == "AWS/States" && aws_cloudwatch_metric_alarm.this["executions_timed_out"].metric_name == "ExecutionsTimedOut" && aws_cloudwatch_metric_alarm.this["executions_timed_out"].dimensions == tomap({ StateMachineArn = output.state_machine_arn })
    error_message = "Execution alarms watch this state machine's metrics."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["sync_range_errors"].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.this["sync_range_errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.this["sync_range_errors"].dimensions == tomap({ FunctionName = "nightly-sync-range" })
    error_message = "Function alarms watch each function's Errors."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["executions_failed"].alarm_name == "nightly-executions-failed" && aws_cloudwatch_metric_alarm.this["executions_failed"].threshold == 1 && aws_cloudwatch_metric_alarm.this["executions_failed"].treat_missing_data == "notBreaching"
    error_message = "An alarm fires on the first failure and stays quiet without data."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this["executions_failed"].alarm_actions) == 0 && length(output.alarm_arns) == 8
    error_message = "Without a topic the alarms have no action; alarm_arns names them all."
  }
}

run "alarms_notify_their_own_topic" {
  command = apply

  variables {
    alarms = { sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:pager", period_seconds = 60, evaluation_periods = 3 }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 8 && length(aws_sns_topic.this) == 0
    error_message = "An alarm topic alone turns the alarms on by default."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:pager"]) && a.period == 60 && a.evaluation_periods == 3])
    error_message = "alarms.sns_topic_arn, period_seconds and evaluation_periods reach every alarm."
  }
}

run "notifies_a_given_topic_of_alarms_by_default" {
  command = apply

  variables {
    notifications = { sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops" }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 8 && alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:ops"])])
    error_message = "A given notifications topic turns the alarms on by default, and they notify it."
  }
}

run "creates_no_alarms_when_switched_off" {
  command = apply

  variables {
    alarms        = { enabled = false }
    notifications = { create_sns_topic = true }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0 && output.alarm_arns == {}
    error_message = "alarms.enabled = false creates no alarm."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.topic[0].statement : s if s.sid == "PublishOwnAlarms"]) == 0
    error_message = "Without alarms, CloudWatch gets no publish permission on the topic."
  }
}

run "writes_json_logs_without_tracing_by_default" {
  command = apply

  assert {
    condition     = alltrue([for f in module.function : f.logging_config.log_format == "JSON" && f.logging_config.application_log_level == "INFO" && f.logging_config.system_log_level == "INFO" && f.logging_config.log_group == f.log_group_name])
    error_message = "Every function writes JSON logs at the default levels."
  }

  assert {
    condition     = alltrue([for f in module.function : f.tracing_mode == "PassThrough"]) && !aws_sfn_state_machine.this.tracing_configuration[0].enabled
    error_message = "Tracing is off by default."
  }

  assert {
    condition     = alltrue([for s in concat(data.aws_iam_policy_document.lambda.statement, data.aws_iam_policy_document.state_machine.statement) : alltrue([for a in s.actions : !startswith(a, "xray:")])])
    error_message = "Without tracing no role may send traces."
  }

  assert {
    condition     = aws_cloudwatch_log_group.state_machine.kms_key_id == null
    error_message = "Log groups use CloudWatch Logs' default encryption unless a key is given."
  }
}

run "traces_and_encrypts_logs_when_asked" {
  command = apply

  variables {
    tracing_enabled              = true
    log_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/logs-key"
    lambda_application_log_level = "DEBUG"
    lambda_system_log_level      = "WARN"
  }

  assert {
    condition     = alltrue([for f in module.function : f.tracing_mode == "Active"]) && aws_sfn_state_machine.this.tracing_configuration[0].enabled
    error_message = "tracing_enabled turns on active tracing in the functions and the state machine."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "SendTraces"]).actions == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    error_message = "With tracing the Lambda role may send traces, nothing more."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.state_machine.statement : s if s.sid == "SendTraces"]).actions == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"])
    error_message = "With tracing the state machine role may send traces and read sampling rules."
  }

  assert {
    condition     = aws_cloudwatch_log_group.state_machine.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/logs-key" && alltrue([for f in module.function : f.log_group_kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/logs-key"])
    error_message = "log_kms_key_arn encrypts every log group."
  }

  assert {
    condition     = alltrue([for f in module.function : f.logging_config.application_log_level == "DEBUG" && f.logging_config.system_log_level == "WARN"])
    error_message = "The log levels reach every function."
  }
}

run "lets_the_functions_write_reports_encrypted_with_the_report_buckets_key" {
  command = plan

  variables {
    report_bucket      = "sync-reports"
    report_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.lambda.statement :
      s.sid == "EncryptRunReports" && s.actions == toset(["kms:GenerateDataKey"]) && s.resources == toset(["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    ])
    error_message = "With report_kms_key_arn the functions may generate data keys with that key (and no other) for reports."
  }
}

run "grants_no_report_key_without_one" {
  command = plan

  variables {
    report_bucket = "sync-reports"
  }

  assert {
    condition     = !anytrue([for s in data.aws_iam_policy_document.lambda.statement : s.sid == "EncryptRunReports"])
    error_message = "Without report_kms_key_arn there is no KMS grant for reports."
  }
}

run "continuous_sync_off_creates_none_of_it" {
  command = plan

  assert {
    condition     = length(aws_sqs_queue.continuous) == 0 && length(aws_sqs_queue.continuous_dlq) == 0 && length(aws_cloudwatch_event_rule.continuous) == 0 && length(module.consumer) == 0 && length(aws_lambda_event_source_mapping.continuous) == 0 && length(aws_iam_role.consumer) == 0 && length(aws_cloudwatch_metric_alarm.continuous) == 0
    error_message = "With continuous_sync null nothing of it exists."
  }
}

run "continuous_sync_follows_the_source_through_a_queue" {
  command = apply

  variables {
    continuous_sync = {
      source      = "photos-src"
      destination = "photos-dst"
      prefix      = "albums/"
      include     = ["*.jpg"]
    }
    alarms = { enabled = true }
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.continuous[0].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created", "Object Deleted", "Object Restore Completed"]
      detail        = { bucket = { name = ["photos-src"] }, object = { key = [{ prefix = "albums/" }] } }
    }
    error_message = "The rule matches the source bucket's created, deleted and restored objects under the prefix."
  }

  assert {
    condition     = aws_sqs_queue.continuous[0].visibility_timeout_seconds == 6 * 120 + 1 && aws_sqs_queue.continuous[0].max_message_size == 262144 && aws_sqs_queue.continuous[0].sqs_managed_sse_enabled
    error_message = "The queue is encrypted, takes 256 KiB messages and hides a batch 6 x the consumer's timeout plus the batching window."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.continuous[0].redrive_policy).maxReceiveCount == 5
    error_message = "Messages go to the dead-letter queue after max_receive_count receives."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.continuous[0].function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.continuous[0].batch_size == 100 && aws_lambda_event_source_mapping.continuous[0].maximum_batching_window_in_seconds == 1
    error_message = "The consumer reports batch item failures and takes batches of batch_size within the batching window."
  }

  assert {
    condition     = local.continuous_environment.LAMBDA_TIMEOUT == "120" && local.environment.LAMBDA_TIMEOUT == tostring(var.lambda_timeout)
    error_message = "The consumer judges its copies by its own timeout, not the sync functions'."
  }

  assert {
    condition     = module.consumer[0].name == "nightly-consume" && output.continuous_sync.rule_name == "nightly-changes" && output.continuous_sync.queue_arn == aws_sqs_queue.continuous[0].arn
    error_message = "The consumer, rule and queue are named after var.name and output."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.continuous)) == toset(["changes_oldest_message_age", "changes_dead_letters", "changes_failed_invocations", "changes_deletes_paused", "changes_missed"])
    error_message = "Alarms watch the oldest message's age, the dead-letter queue, failed deliveries, paused deletes and the reconcile run's misses."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.continuous["changes_missed"].metric_name == "MissedChanges" && aws_cloudwatch_metric_alarm.continuous["changes_missed"].statistic == "Maximum" && aws_cloudwatch_metric_alarm.continuous["changes_missed"].threshold == 100 && aws_cloudwatch_metric_alarm.continuous["changes_missed"].evaluation_periods == 1 && aws_cloudwatch_metric_alarm.continuous["changes_missed"].dimensions.Consumer == "nightly-consume"
    error_message = "The missed-changes alarm fires on one reconcile run's datapoint at the threshold (Maximum: a duplicate publication counts once), beside the consumer's metrics."
  }

  assert {
    condition     = local.environment.CONTINUOUS_PREFIX == "albums/" && local.environment.CONTINUOUS_INCLUDE == jsonencode(["*.jpg"]) && local.environment.CONTINUOUS_CONSUMER == "nightly-consume"
    error_message = "TallyRound knows the followed pair, so a reconcile run can publish what it repaired."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.continuous["changes_deletes_paused"].namespace == "BucketSync/Continuous" && aws_cloudwatch_metric_alarm.continuous["changes_deletes_paused"].dimensions.Consumer == "nightly-consume"
    error_message = "The delete-budget alarm watches the metric the consumer publishes."
  }
}

run "refuses_continuous_sync_from_an_unlisted_source" {
  command = plan
  variables {
    continuous_sync = { source = "elsewhere", destination = "photos-dst" }
  }
  expect_failures = [terraform_data.continuous_checks]
}

run "refuses_continuous_sync_with_a_log_level_that_drops_its_metrics" {
  command = plan
  variables {
    continuous_sync              = { source = "photos-src", destination = "photos-dst" }
    lambda_application_log_level = "WARN"
  }
  expect_failures = [terraform_data.continuous_checks]
}

run "refuses_continuous_sync_into_an_unlisted_destination" {
  command = plan
  variables {
    continuous_sync = { source = "photos-src", destination = "videos-src" }
  }
  expect_failures = [terraform_data.continuous_checks]
}

run "refuses_a_schedule_that_syncs_the_destination_back_into_the_watched_source" {
  command = plan
  variables {
    source_bucket_names      = ["photos-src", "photos-dst"]
    destination_bucket_names = ["photos-dst", "photos-src"]
    continuous_sync          = { source = "photos-src", destination = "photos-dst" }
    schedules = {
      back = { source = "photos-dst", destination = "photos-src", schedule_expression = "rate(1 day)" }
    }
  }
  expect_failures = [terraform_data.continuous_checks]
}

run "refuses_an_environment_lambda_would_refuse" {
  command = plan
  variables {
    # 80 bucket names of 63 characters: about 5.2 KB of JSON in every function's environment.
    source_bucket_names = [for i in range(80) : format("%s%02d", substr("a-source-bucket-whose-name-is-as-long-as-s3-allows-it-to-be-xx", 0, 61), i)]
  }
  expect_failures = [terraform_data.settings_checks]
}
