variable "region" {
  description = "Region of the state machine and of both buckets."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource the module creates."
  type        = string
  default     = "cross-account-sync"
}

variable "source_bucket_name" {
  description = "Existing bucket in this account to copy from."
  type        = string
}

variable "destination_bucket_name" {
  description = "Existing bucket in the other account to make equal to the source."
  type        = string
}

variable "destination_account_role_arn" {
  description = "Role in the destination bucket's account that Terraform assumes to manage that bucket's policy and ownership controls."
  type        = string
}

variable "destination_existing_policy_json" {
  description = "The destination bucket's current bucket policy (JSON), if it has one: its statements are kept, the module's are added. null: the bucket has no policy yet."
  type        = string
  default     = null
}
