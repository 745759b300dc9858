variable "region" {
  description = "Region of the module's resources and of both buckets (continuous sync is same-region only)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource the module creates."
  type        = string
  default     = "continuous-sync"
}

variable "source_bucket_name" {
  description = "Existing bucket whose changes the destination follows; this root does not manage it (see manage_source_notification)."
  type        = string
}

variable "destination_bucket_name" {
  description = "Existing bucket kept equal to the source: continuously, and by the daily reconcile run."
  type        = string
}

variable "prefix" {
  description = "Follow and reconcile only keys under this prefix, on both sides; \"\": the whole bucket."
  type        = string
  default     = ""
}

variable "exclude" {
  description = "Globs (relative to prefix) of keys left alone by the event path and the reconcile run alike."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "delete_orphans" {
  description = "Delete destination objects whose source object is gone (events and the reconcile run alike); false: keep them."
  type        = bool
  default     = true
  nullable    = false
}

variable "delete_budget" {
  description = "Most deletes the event path makes per 5 minutes; beyond, deletes pause and the deletes-paused alarm fires."
  type        = number
  default     = 1000
  nullable    = false

  validation {
    condition     = var.delete_budget >= 0 && floor(var.delete_budget) == var.delete_budget
    error_message = "delete_budget must be a whole number >= 0."
  }
}

variable "reconcile_schedule_expression" {
  description = "When the reconcile run (an ordinary full sync of the same pair) starts: cron(...) with six fields, or rate(...)."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

variable "timezone" {
  description = "IANA time zone the reconcile schedule is evaluated in."
  type        = string
  default     = "UTC"
}

variable "reconcile_max_deletes" {
  description = "Most orphans one reconcile run may delete (the event path should have deleted them already); null: no limit."
  type        = number
  default     = 1000
}

variable "sns_topic_arn" {
  description = "Existing topic (e.g. the on-call one) for failed runs and every alarm; its policy must let events.amazonaws.com and cloudwatch.amazonaws.com publish (and its KMS key, if any, let both use it). null: the module creates an unencrypted topic."
  type        = string
  default     = null
}

variable "notification_email" {
  description = "Address subscribed to the topic (it must confirm the subscription); null: none."
  type        = string
  default     = null
}

variable "manage_source_notification" {
  description = "DANGER: true makes this root own the source bucket's ONE notification configuration, set to EventBridge only; any other notification on the bucket is removed, and destroy removes them all. Read main.tf first."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags of every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}
