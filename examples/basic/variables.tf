variable "region" {
  description = "Region of the state machine and, unless cross-region sync is allowed, of both buckets."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource the module creates."
  type        = string
  default     = "bucket-sync"
}

variable "source_bucket_name" {
  description = "Existing bucket to copy from."
  type        = string
}

variable "destination_bucket_name" {
  description = "Existing bucket to make equal to the source."
  type        = string
}

variable "max_deletes" {
  description = "Most orphans one run may delete unless the run says otherwise; null: no limit."
  type        = number
  default     = 1000
}

variable "report_bucket_name" {
  description = "Existing bucket for run reports (under bucket-sync-reports/); null: no reports."
  type        = string
  default     = null
}
