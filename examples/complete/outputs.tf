output "state_machine_arn" {
  description = "ARN of the sync state machine."
  value       = module.bucket_sync.state_machine_arn
}

output "state_machine_name" {
  description = "Name of the sync state machine."
  value       = module.bucket_sync.state_machine_name
}

output "function_arns" {
  description = "The handler functions, by step."
  value       = module.bucket_sync.function_arns
}

output "state_machine_role_arn" {
  description = "Role the state machine runs as."
  value       = module.bucket_sync.state_machine_role_arn
}

output "lambda_role_arn" {
  description = "Role the functions run as; SSE-KMS key policies must allow it."
  value       = module.bucket_sync.lambda_role_arn
}

output "log_group_names" {
  description = "Log groups of the state machine and the functions, encrypted with the example's key."
  value       = module.bucket_sync.log_group_names
}

output "sns_topic_arn" {
  description = "Encrypted topic of failed runs and alarms."
  value       = module.bucket_sync.sns_topic_arn
}

output "schedule_arns" {
  description = "The nightly, weekly-dr and (disabled) hourly-preview schedules."
  value       = module.bucket_sync.schedule_arns
}

output "alarm_arns" {
  description = "CloudWatch alarms on the state machine and the functions."
  value       = module.bucket_sync.alarm_arns
}

output "kms_key_arn" {
  description = "Key of the log groups and the topic."
  value       = aws_kms_key.observability.arn
}

output "lambda_policy_json" {
  description = "The policy a role given as lambda_role_arn must carry."
  value       = module.bucket_sync.lambda_policy_json
}

output "state_machine_policy_json" {
  description = "The policy a role given as state_machine_role_arn must carry."
  value       = module.bucket_sync.state_machine_policy_json
}

output "run_table_name" {
  description = "DynamoDB table of the runs in flight."
  value       = module.bucket_sync.run_table_name
}

output "sdk_layer_arn" {
  description = "Layer with the pinned boto3/botocore the functions run on."
  value       = module.bucket_sync.sdk_layer_arn
}

output "bucket_policies" {
  description = "Per bucket, the statements a bucket in another account would have to grant the functions' role."
  value       = module.bucket_sync.bucket_policies
}
