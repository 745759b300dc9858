output "state_machine_arn" {
  description = "Start a sync with: aws stepfunctions start-execution --state-machine-arn <this> --input '{\"source\": \"...\", \"destination\": \"...\"}'."
  value       = module.bucket_sync.state_machine_arn
}

output "function_arns" {
  description = "The handler functions, by step."
  value       = module.bucket_sync.function_arns
}
