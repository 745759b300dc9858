variable "region" {
  description = "Region of the state machine, the schedule and both buckets."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource the module creates."
  type        = string
  default     = "nightly-backup"
}

variable "source_bucket_name" {
  description = "Existing bucket to copy from."
  type        = string
}

variable "destination_bucket_name" {
  description = "Existing bucket to make equal to the source every night."
  type        = string
}

variable "schedule_expression" {
  description = "When the sync runs: cron(...), rate(...) or at(...)."
  type        = string
  default     = "cron(0 2 * * ? *)"
}

variable "timezone" {
  description = "IANA time zone the schedule expression is evaluated in."
  type        = string
  default     = "UTC"
}

variable "max_deletes" {
  description = "Most orphans one nightly run may delete; null: no limit."
  type        = number
  default     = 1000
}

variable "notification_email" {
  description = "Address subscribed to the notifications topic (it must confirm the subscription); null: none."
  type        = string
  default     = null
}
