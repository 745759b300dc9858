output "state_machine_arn" {
  description = "The sync state machine: bucket-sync run --from-terraform . starts it."
  value       = module.bucket_sync.state_machine_arn
}

output "lambda_role_arn" {
  description = "The role the destination bucket policy grants."
  value       = module.bucket_sync.lambda_role_arn
}

output "destination_bucket_policy" {
  description = "The policy set on the destination bucket in the other account."
  value       = aws_s3_bucket_policy.destination.policy
}
