output "state_machine_arn" {
  description = "The sync state machine; it can still be started by hand."
  value       = module.bucket_sync.state_machine_arn
}

output "schedule_arns" {
  description = "The nightly schedule."
  value       = module.bucket_sync.schedule_arns
}

output "sns_topic_arn" {
  description = "Topic of failed, timed-out and aborted runs and of the alarms; subscribe more endpoints to it."
  value       = module.bucket_sync.sns_topic_arn
}

output "alarm_arns" {
  description = "CloudWatch alarms on failed runs and function errors."
  value       = module.bucket_sync.alarm_arns
}
