output "bucket_policy" {
  description = "The bucket's whole policy: the owner's statements and the sync's."
  value       = aws_s3_bucket_policy.this.policy
}
