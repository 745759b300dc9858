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

variable "destination_account_id" {
  description = "AWS account ID (12 digits) that owns the destination bucket; the sync refuses to touch a bucket of that name owned by anyone else."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.destination_account_id))
    error_message = "destination_account_id must be an AWS account ID of 12 digits."
  }
}

variable "max_deletes" {
  description = "Most orphans one run may delete in the other account's bucket (runs may lower it); null: no limit."
  type        = number
  default     = 1000
}
