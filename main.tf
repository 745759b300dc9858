data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  state_machine_name = var.name
  # Built from names, not from the resource: the state machine's own policy needs its ARN
  # (a Distributed Map starts child executions of it), and referencing it would be a cycle.
  state_machine_arn = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:stateMachine:${local.state_machine_name}"
  execution_arns    = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:execution:${local.state_machine_name}/*"
  # A Map Run's child executions are named <state machine>/<map run id>:<child id>.
  map_run_execution_arns = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:execution:${local.state_machine_name}/*:*"

  definition = templatefile("${path.module}/statemachine.asl.json", {
    validate_function_arn           = module.function["validate"].arn
    plan_ranges_function_arn        = module.function["plan_ranges"].arn
    sync_range_function_arn         = module.function["sync_range"].arn
    record_range_error_function_arn = module.function["record_range_error"].arn
    summarize_function_arn          = module.function["summarize"].arn
    max_concurrency                 = var.max_concurrency
    max_steps_per_range             = var.max_steps_per_range
    # The Task gives up a little after the function would have timed out itself.
    task_timeout_seconds         = var.lambda_timeout + 30
    retry_interval_seconds       = var.task_retry.interval_seconds
    retry_max_attempts           = var.task_retry.max_attempts
    crash_retry_max_attempts     = var.task_retry.crash_max_attempts
    transient_retry_max_attempts = var.task_retry.transient_max_attempts
    retry_max_delay_seconds      = var.task_retry.max_delay_seconds
    retry_backoff_rate           = var.task_retry.backoff_rate
  })
}

resource "aws_cloudwatch_log_group" "state_machine" {
  #checkov:skip=CKV_AWS_158:KMS is the consumer's choice (log_kms_key_arn); execution logs carry no object data (include_execution_data = false).
  #checkov:skip=CKV_AWS_338:Retention is the consumer's choice (log_retention_days).
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  #checkov:skip=CKV_AWS_284:X-Ray tracing is the consumer's choice (tracing_enabled); it adds cost per transition.
  #checkov:skip=CKV_AWS_285:Logging is configured; the level is the consumer's choice (state_machine_log_level).
  name       = local.state_machine_name
  role_arn   = local.state_machine_role_arn
  type       = "STANDARD"
  definition = local.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = false
    level                  = var.state_machine_log_level
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.state_machine]
}

# What a run keeps outside the Step Functions payload (see handlers/bucket_sync/runstore.py):
# per range and round its bounds, cursor, counts and a sample of failures. Items expire a week
# after their last write; the table costs nothing while no run is going.
resource "aws_dynamodb_table" "runs" {
  #checkov:skip=CKV_AWS_28:Point-in-time recovery protects nothing here: items describe runs in flight and expire within a week; a lost item only fails its run, which can be run again.
  #checkov:skip=CKV_AWS_119:Items hold bucket names, keys and counts, encrypted at rest with the AWS owned key; a customer-managed key would add cost per request for no gain the synced buckets do not already have.
  name         = "${var.name}-runs"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "run"
  range_key    = "item"

  attribute {
    name = "run"
    type = "S"
  }

  attribute {
    name = "item"
    type = "S"
  }

  ttl {
    attribute_name = "expires"
    enabled        = true
  }

  tags = var.tags
}
