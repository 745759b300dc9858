output "state_machine_arn" {
  description = "The sync state machine: bucket-sync run --from-terraform . starts it."
  value       = module.bucket_sync.state_machine_arn
}

output "function_arns" {
  description = "The handler functions, by step."
  value       = module.bucket_sync.function_arns
}
