variable "region" {
  description = "Region of the bucket."
  type        = string
  default     = "us-east-1"
}

variable "bucket_name" {
  description = "The bucket this account owns and the sync writes to."
  type        = string
}

variable "bucket_sync_policy_json" {
  description = "The statements the sync needs on this bucket: output destination_bucket_policy of the sync account's root (examples/cross-account), passed on as it is."
  type        = string

  validation {
    condition     = can(jsondecode(var.bucket_sync_policy_json).Statement)
    error_message = "bucket_sync_policy_json must be a policy document (JSON with a Statement list), as the output destination_bucket_policy prints it."
  }
}
