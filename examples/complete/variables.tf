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

variable "report_bucket_name" {
  description = "Existing bucket the runs write their reports to (under reports/); not one of the synced buckets."
  type        = string
}

variable "report_kms_key_arn" {
  description = "Customer managed KMS key of the report bucket's default encryption, if it has one; null: SSE-S3 or the AWS managed key."
  type        = string
  default     = null
}

variable "continuous_sync" {
  description = "Also follow the source continuously (S3 events through EventBridge to a queue and a consumer; the source bucket must send events to EventBridge). The nightly schedule stays as the reconcile run."
  type        = bool
  default     = false
}

variable "request_payer" {
  description = "\"requester\" when the source is a Requester Pays bucket of another account (this account then pays for its requests and transfer); null: the source's owner pays."
  type        = string
  default     = null
}

variable "destination_sse_kms_key_arn" {
  description = "KMS key every copy is encrypted with; null: each destination bucket's default encryption."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Managed policy set as the permissions boundary of every role the module creates (many organisations require one); null: none."
  type        = string
  default     = null
}

variable "lambda_role_arn" {
  description = "A role made elsewhere for the functions (trusting lambda.amazonaws.com, carrying the output lambda_policy_json); null: the module creates it."
  type        = string
  default     = null
}

variable "state_machine_role_arn" {
  description = "A role made elsewhere for the state machine (trusting states.amazonaws.com, carrying the output state_machine_policy_json); null: the module creates it."
  type        = string
  default     = null
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
