output "state_machine_arn" {
  description = "The sync state machine: bucket-sync run --from-terraform . starts the full run with it."
  value       = module.bucket_sync.state_machine_arn
}

output "continuous_sync" {
  description = "The event path: queue_arn and queue_url, dlq_arn and dlq_url, rule_name (the EventBridge rule), consumer_function_arn."
  value       = module.bucket_sync.continuous_sync
}

output "schedule_arns" {
  description = "The daily reconcile schedule."
  value       = module.bucket_sync.schedule_arns
}

output "sns_topic_arn" {
  description = "Topic of failed runs and of every alarm (created, or sns_topic_arn)."
  value       = module.bucket_sync.sns_topic_arn
}

output "alarm_arns" {
  description = "CloudWatch alarms, by name: failed runs, function errors and the event path's (oldest change, dead letters, failed deliveries, deletes paused)."
  value       = module.bucket_sync.alarm_arns
}
