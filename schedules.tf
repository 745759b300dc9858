# Scheduled syncs: EventBridge Scheduler starts executions of this state machine with a fixed input.

locals {
  # The execution input of each schedule, as the execution contract defines it. Unset options are
  # left out so that the module's defaults (delete_orphans, max_deletes) apply to the run.
  schedule_inputs = {
    for name, s in var.schedules : name => merge(
      { source = s.source, destination = s.destination, prefix = s.prefix, dryRun = s.dry_run },
      s.delete_orphans == null ? {} : { deleteOrphans = s.delete_orphans },
      s.max_deletes == null ? {} : { maxDeletes = s.max_deletes },
    )
  }

  create_schedules = length(var.schedules) > 0
  # Built from names: Scheduler sets aws:SourceArn to the schedule group's ARN.
  schedule_group_arn = "arn:${data.aws_partition.current.partition}:scheduler:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:schedule-group/${var.name}"
}

# Rules across variables (variable validation may reference only its own variable before Terraform 1.9).
resource "terraform_data" "schedule_checks" {
  count = local.create_schedules ? 1 : 0

  lifecycle {
    precondition {
      condition     = alltrue([for s in values(var.schedules) : contains(var.source_bucket_names, s.source)])
      error_message = "Every schedule's source must be in source_bucket_names; not there: ${join(", ", sort([for name, s in var.schedules : "${name} (${s.source})" if !contains(var.source_bucket_names, s.source)]))}."
    }

    precondition {
      condition     = alltrue([for s in values(var.schedules) : contains(var.destination_bucket_names, s.destination)])
      error_message = "Every schedule's destination must be in destination_bucket_names; not there: ${join(", ", sort([for name, s in var.schedules : "${name} (${s.destination})" if !contains(var.destination_bucket_names, s.destination)]))}."
    }
  }
}

resource "aws_scheduler_schedule_group" "this" {
  count = local.create_schedules ? 1 : 0

  name = var.name
  tags = var.tags
}

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:A schedule holds bucket names and run options, no secrets; AWS-owned encryption suffices.
  for_each = var.schedules

  name                         = each.key
  group_name                   = aws_scheduler_schedule_group.this[0].name
  description                  = substr("Syncs ${each.value.source} into ${each.value.destination}${each.value.dry_run ? " (dry run)" : ""}${each.value.prefix == "" ? "" : " under ${each.value.prefix}"}.", 0, 512)
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = each.value.timezone
  state                        = each.value.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    # A state machine ARN as the target is Scheduler's templated StartExecution target.
    arn      = aws_sfn_state_machine.this.arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode(local.schedule_inputs[each.key])
  }

  depends_on = [terraform_data.schedule_checks, aws_iam_role_policy.scheduler]
}

data "aws_iam_policy_document" "scheduler_assume" {
  count = local.create_schedules ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_group_arn]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = local.create_schedules ? 1 : 0

  name                 = "${var.name}-scheduler"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume[0].json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  count = local.create_schedules ? 1 : 0

  statement {
    sid       = "StartSyncRuns"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.create_schedules ? 1 : 0

  name   = "start-sync"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}
