output "state_machine_arn" {
  description = "The sync state machine: bucket-sync run --from-terraform . reads it."
  value       = module.bucket_sync.state_machine_arn
}

output "lambda_role_arn" {
  description = "The role the destination's bucket policy grants."
  value       = module.bucket_sync.lambda_role_arn
}

output "destination_bucket_policy" {
  description = "The statements (a policy JSON) the destination's owner merges into its bucket policy: input bucket_sync_policy_json of examples/cross-account-owner."
  value       = module.bucket_sync.bucket_policies[var.destination_bucket_name]
}

output "bucket_policies" {
  description = "The same, for every configured bucket (a source in another account would need its entry)."
  value       = module.bucket_sync.bucket_policies
}
