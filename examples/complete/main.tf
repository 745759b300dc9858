# Every input of the module set, with a customer managed KMS key for the logs and the topic.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name, var.dr_bucket_name]

  # Engine
  chunk_size             = 2000
  max_concurrency        = 20
  max_steps_per_range    = 500
  copy_threads           = 32
  delete_orphans         = true
  max_deletes            = 10000
  allow_cross_region     = true
  keep_website_redirects = false
  task_retry             = { interval_seconds = 5, max_attempts = 8, crash_max_attempts = 3, backoff_rate = 2 }

  # SSE-KMS buckets
  source_kms_key_arns      = var.source_kms_key_arns
  destination_kms_key_arns = var.destination_kms_key_arns

  # Functions
  lambda_runtime     = "python3.12"
  lambda_memory_size = 1024
  lambda_timeout     = 900

  # Observability
  log_retention_days           = 90
  state_machine_log_level      = "ALL"
  lambda_application_log_level = "DEBUG"
  lambda_system_log_level      = "WARN"
  log_kms_key_arn              = aws_kms_key.observability.arn
  tracing_enabled              = true

  schedules = {
    nightly = {
      source              = var.source_bucket_name
      destination         = var.destination_bucket_name
      schedule_expression = "cron(0 2 * * ? *)"
      timezone            = var.timezone
      max_deletes         = 1000
    }
    weekly-dr = {
      source              = var.source_bucket_name
      destination         = var.dr_bucket_name
      prefix              = "critical/"
      delete_orphans      = false
      schedule_expression = "cron(0 4 ? * SUN *)"
      timezone            = var.timezone
    }
    hourly-preview = {
      source              = var.source_bucket_name
      destination         = var.destination_bucket_name
      dry_run             = true
      schedule_expression = "rate(1 hour)"
      enabled             = false
    }
  }

  notifications = {
    create_sns_topic  = true
    kms_master_key_id = aws_kms_key.observability.arn
    statuses          = ["FAILED", "TIMED_OUT", "ABORTED"]
  }

  alarms = {
    enabled            = true
    period_seconds     = 300
    evaluation_periods = 1
  }

  tags = var.tags
}

# One key for the log groups and the notifications topic. The module grants nothing on keys:
# this key policy lets CloudWatch Logs encrypt this account's log groups, and lets EventBridge
# (status changes) and CloudWatch (alarms) publish to the encrypted topic.
data "aws_iam_policy_document" "observability_key" {
  #checkov:skip=CKV_AWS_109:A key policy's resource is always the key itself ("*"); the account administers its key.
  #checkov:skip=CKV_AWS_111:A key policy's resource is always the key itself ("*"); the account administers its key.
  #checkov:skip=CKV_AWS_356:A key policy's resource is always the key itself ("*").
  statement {
    sid       = "AdministerKeyFromThisAccount"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "EncryptThisAccountsLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "PublishToEncryptedTopic"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "observability" {
  description         = "Encrypts the ${var.name} sync's log groups and notifications topic."
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.observability_key.json
  tags                = var.tags
}

resource "aws_kms_alias" "observability" {
  name          = "alias/${var.name}-observability"
  target_key_id = aws_kms_key.observability.key_id
}

resource "aws_sns_topic_subscription" "email" {
  count = var.notification_email == null ? 0 : 1

  topic_arn = module.bucket_sync.sns_topic_arn
  protocol  = "email"
  endpoint  = var.notification_email
}
