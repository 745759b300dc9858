variable "region" {
  description = "Region of the state machine (the buckets may be elsewhere: allow_cross_region is on)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource the module and this example create."
  type        = string
  default     = "bucket-sync-complete"
}

variable "source_bucket_name" {
  description = "Existing bucket to copy from."
  type        = string
}

variable "destination_bucket_name" {
  description = "Existing bucket synced nightly."
  type        = string
}

variable "dr_bucket_name" {
  description = "Existing disaster-recovery bucket that receives the critical/ prefix weekly, never deleting."
  type        = string
}

variable "source_kms_key_arns" {
  description = "KMS keys of SSE-KMS source objects."
  type        = list(string)
  default     = []
}

variable "destination_kms_key_arns" {
  description = "KMS keys the destination buckets encrypt with."
  type        = list(string)
  default     = []
}

variable "timezone" {
  description = "IANA time zone of the schedules."
  type        = string
  default     = "Europe/Berlin"
}

variable "notification_email" {
  description = "Address subscribed to the notifications topic; null: none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = { project = "bucket-sync", example = "complete" }
}
