output "state_machine_arn" {
  description = "ARN of the sync state machine: start an execution with {\"source\": ..., \"destination\": ...}."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the sync state machine."
  value       = aws_sfn_state_machine.this.name
}

output "function_arns" {
  description = "ARNs of the handler functions, by step: validate, plan_ranges, sync_range, record_range_error, summarize."
  value       = { for step, function in module.function : step => function.arn }
}

output "state_machine_role_arn" {
  description = "ARN of the role the state machine runs as (created, or var.state_machine_role_arn)."
  value       = local.state_machine_role_arn
}

output "lambda_role_arn" {
  description = "ARN of the role the handler functions run as (created, or var.lambda_role_arn); grant it access in cross-account bucket policies."
  value       = local.lambda_role_arn
}

output "sdk_layer_arn" {
  description = "ARN of the layer version that holds the pinned boto3/botocore every handler function runs on."
  value       = aws_lambda_layer_version.sdk.arn
}

output "log_group_names" {
  description = "CloudWatch log groups: the state machine's and each function's, by step."
  value = merge(
    { state_machine = aws_cloudwatch_log_group.state_machine.name },
    { for step, function in module.function : step => function.log_group_name },
  )
}

output "sns_topic_arn" {
  description = "ARN of the topic that receives execution status changes (created or given in notifications); null without notifications."
  value       = local.notify ? local.sns_topic_arn : null
}

output "schedule_arns" {
  description = "ARNs of the EventBridge Scheduler schedules, by key of var.schedules."
  value       = { for name, schedule in aws_scheduler_schedule.this : name => schedule.arn }
}

output "alarm_arns" {
  description = "ARNs of the CloudWatch alarms, by metric: executions_failed, executions_timed_out, executions_aborted and <step>_errors, and with continuous_sync changes_oldest_message_age, changes_dead_letters, changes_failed_invocations, changes_deletes_paused and changes_missed; empty when alarms are off."
  value       = { for key, alarm in merge(aws_cloudwatch_metric_alarm.this, aws_cloudwatch_metric_alarm.continuous) : key => alarm.arn }
}

output "run_table_name" {
  description = "Name of the DynamoDB table where runs keep their ranges, cursors and failures while they go (items expire after a week)."
  value       = aws_dynamodb_table.runs.name
}

output "bucket_policies" {
  description = "For each configured bucket, a bucket policy (JSON) granting the Lambda role exactly what the handlers need there: the owner of a bucket in another account merges these statements into its policy."
  value       = { for bucket, document in data.aws_iam_policy_document.bucket_grant : bucket => document.json }
}

output "lambda_policy_json" {
  description = "The IAM policy (JSON) the handler functions' role needs: attached to the role the module creates, or for you to attach to the role given in lambda_role_arn."
  value       = data.aws_iam_policy_document.lambda.json
}

output "state_machine_policy_json" {
  description = "The IAM policy (JSON) the state machine's role needs: attached to the role the module creates, or for you to attach to the role given in state_machine_role_arn."
  value       = data.aws_iam_policy_document.state_machine.json
}

output "continuous_sync" {
  description = "Continuous sync's resources (null when continuous_sync is off): queue_arn and queue_url (point the source bucket's S3 Event Notifications here instead of EventBridge if you must; the queue policy admits the bucket), dlq_arn, dlq_url, rule_name (the EventBridge rule), consumer_function_arn."
  value = local.continuous ? {
    queue_arn             = aws_sqs_queue.continuous[0].arn
    queue_url             = aws_sqs_queue.continuous[0].id
    dlq_arn               = aws_sqs_queue.continuous_dlq[0].arn
    dlq_url               = aws_sqs_queue.continuous_dlq[0].id
    rule_name             = aws_cloudwatch_event_rule.continuous[0].name
    consumer_function_arn = module.consumer[0].arn
  } : null
}
