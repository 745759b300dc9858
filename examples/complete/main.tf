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
  allow_cross_region     = true
  keep_website_redirects = false
  task_retry = {
    interval_seconds       = 5
    max_attempts           = 8
    crash_max_attempts     = 3
    transient_max_attempts = 10
    backoff_rate           = 2
    max_delay_seconds      = 120
  }

  # Which keys a run looks at (run defaults; a run's include/exclude replace them)
  include = []
  exclude = ["tmp/*", "*.partial"]

  # Delete guards: a run that would delete more orphans than either limit fails before deleting.
  delete_orphans     = true
  max_deletes        = 10000
  max_delete_percent = 5

  # The buckets' owners: every request carries ExpectedBucketOwner, so a bucket of the same name
  # in another account (deleted and re-created, or mistyped) is never read or written.
  source_bucket_owner      = local.account_id
  destination_bucket_owner = local.account_id
  request_payer            = var.request_payer

  # RISK switches, off: a runtime whose botocore cannot send the conditions copies and deletes
  # nothing and names every key as failed, instead of overwriting or deleting unconditionally.
  allow_unconditional_copies  = false
  allow_unconditional_deletes = false

  # What a copy becomes
  destination_storage_class   = "STANDARD_IA"
  destination_sse_kms_key_arn = var.destination_sse_kms_key_arn

  # SSE-KMS buckets
  source_kms_key_arns      = var.source_kms_key_arns
  destination_kms_key_arns = var.destination_kms_key_arns

  # Continuous sync (docs/CONTINUOUS.md): events keep the destination within seconds of the
  # source between the scheduled runs, which stay as the reconcile.
  continuous_sync = var.continuous_sync ? {
    source        = var.source_bucket_name
    destination   = var.destination_bucket_name
    exclude       = ["tmp/*", "*.partial"]
    delete_budget = 500
  } : null

  # Run reports: every action of every run, as JSON lines under reports/<execution name>/.
  report_bucket      = var.report_bucket_name
  report_prefix      = "reports/"
  report_kms_key_arn = var.report_kms_key_arn

  # Functions
  lambda_runtime      = "python3.12"
  lambda_architecture = "arm64"
  lambda_memory_size  = 1024
  lambda_timeout      = 900

  # Roles: the module creates them under role_path with the permissions boundary, unless roles
  # made elsewhere are given (see README, "Roles made elsewhere"); the scheduler role is always
  # the module's.
  role_path                     = "/bucket-sync/"
  role_permissions_boundary_arn = var.permissions_boundary_arn
  lambda_role_arn               = var.lambda_role_arn
  state_machine_role_arn        = var.state_machine_role_arn

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
# this key policy lets CloudWatch Logs encrypt this sync's log groups, and lets EventBridge
# (status changes) and CloudWatch (alarms) publish to the encrypted topic. Each service principal
# is held to this account's resources of this sync, so no other account's or sync's resource can
# have the service use the key (the confused deputy). The ARNs are built from names: referring to
# the module's topic or log groups would be a cycle, as they are encrypted with this key.
locals {
  arn_prefix = "arn:${local.partition}"
  log_group_arns = [
    "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${var.name}-*",
    "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:/aws/vendedlogs/states/${var.name}",
  ]
  topic_arn         = "${local.arn_prefix}:sns:${local.region}:${local.account_id}:${var.name}-notifications"
  alarm_arn_pattern = "${local.arn_prefix}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*"
}

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

  # CloudWatch Logs names the log group in the encryption context of every request it makes
  # with the key; that is the condition its documentation gives for scoping a key to log groups.
  statement {
    sid       = "EncryptThisSyncsLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = local.log_group_arns
    }
  }

  # CloudWatch sends aws:SourceAccount and aws:SourceArn (the alarm) with its KMS requests.
  statement {
    sid       = "PublishThisSyncsAlarms"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arn_pattern]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.topic_arn]
    }
  }

  # EventBridge's KMS requests for an SNS target carry no aws:SourceAccount or aws:SourceArn (its
  # user guide says these conditions are not supported in the key policy; with them, every
  # notification would be dropped). SNS names the topic in the encryption context, so the grant
  # is held to this sync's topic instead; the topic's own policy admits only the module's rule.
  statement {
    sid       = "PublishThisSyncsStatusChanges"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.topic_arn]
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
