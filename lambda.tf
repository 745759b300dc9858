locals {
  package_path   = "${path.module}/dist/handlers.zip"
  sdk_layer_path = "${path.module}/dist/sdk-layer.zip"

  # One function per Task state; all share the package and the settings below.
  functions = {
    validate    = { handler = "bucket_sync.steps.validate.handler", description = "Checks a run's input and buckets before anything is written." }
    plan_ranges = { handler = "bucket_sync.steps.plan_ranges.handler", description = "Splits the key space into ranges for one round." }
    sync_range  = { handler = "bucket_sync.steps.sync_range.handler", description = "Syncs the next window of keys in one range." }
    summarize   = { handler = "bucket_sync.steps.summarize.handler", description = "Adds up a round and decides what the run does next." }
    # The child's Catch: stores the error that stopped a range, for TallyRound to report.
    record_range_error = { handler = "bucket_sync.steps.record_range_error.handler", description = "Stores the error that stopped a range in the run table." }
  }

  environment = merge(local.continuous_follow_environment, {
    SOURCE_BUCKETS             = jsonencode(var.source_bucket_names)
    DESTINATION_BUCKETS        = jsonencode(var.destination_bucket_names)
    DEFAULT_DELETE_ORPHANS     = tostring(var.delete_orphans)
    DEFAULT_MAX_DELETES        = var.max_deletes == null ? "" : tostring(var.max_deletes)
    DEFAULT_MAX_DELETE_PERCENT = var.max_delete_percent == null ? "" : tostring(var.max_delete_percent)
    ALLOW_CROSS_REGION         = tostring(var.allow_cross_region)
    CHUNK_SIZE                 = tostring(var.chunk_size)
    COPY_THREADS               = tostring(var.copy_threads)
    MAX_RANGES                 = tostring(var.max_concurrency)
    MAX_STEPS_PER_RANGE        = tostring(var.max_steps_per_range)
    KEEP_WEBSITE_REDIRECTS     = tostring(var.keep_website_redirects)
    RUN_TABLE                  = aws_dynamodb_table.runs.name
    DEFAULT_INCLUDE            = jsonencode(var.include)
    DEFAULT_EXCLUDE            = jsonencode(var.exclude)
    DEFAULT_STORAGE_CLASS      = var.destination_storage_class == null ? "" : var.destination_storage_class
    DEFAULT_SSE_KMS_KEY_ID     = var.destination_sse_kms_key_arn == null ? "" : var.destination_sse_kms_key_arn
    DESTINATION_KMS_KEYS       = jsonencode(local.destination_kms_keys)
    REPORT_BUCKET              = var.report_bucket == null ? "" : var.report_bucket
    REPORT_PREFIX              = var.report_prefix
    LAMBDA_TIMEOUT             = tostring(var.lambda_timeout)
    SOURCE_BUCKET_OWNER        = var.source_bucket_owner == null ? "" : var.source_bucket_owner
    DESTINATION_BUCKET_OWNER   = var.destination_bucket_owner == null ? "" : var.destination_bucket_owner
    REQUEST_PAYER              = var.request_payer == null ? "" : var.request_payer
    # Read by SyncRange only when the runtime's SDK cannot make deletes conditional.
    ALLOW_UNCONDITIONAL_DELETES = tostring(var.allow_unconditional_deletes)
    # Read by SyncRange only when the runtime's SDK cannot condition copies on the destination.
    ALLOW_UNCONDITIONAL_COPIES = tostring(var.allow_unconditional_copies)
  })
}

# The pinned boto3/botocore the tests run (scripts/build_sdk_layer.py): Lambda puts /opt/python ahead
# of the runtime's own packages, so the handlers never run on the runtime's bundled SDK.
resource "aws_lambda_layer_version" "sdk" {
  layer_name               = "${var.name}-sdk"
  description              = "boto3 and botocore pinned by bucket-sync (python/bucket_sync_sdk.json lists the versions)."
  filename                 = local.sdk_layer_path
  source_code_hash         = filebase64sha256(local.sdk_layer_path)
  compatible_runtimes      = [var.lambda_runtime]
  compatible_architectures = [var.lambda_architecture]

  # A new pin publishes a new version; the functions move to it before the old one goes.
  lifecycle {
    create_before_destroy = true
  }
}

module "function" {
  source   = "./modules/lambda-function"
  for_each = local.functions

  name               = "${var.name}-${replace(each.key, "_", "-")}"
  description        = each.value.description
  handler            = each.value.handler
  role_arn           = local.lambda_role_arn
  package_path       = local.package_path
  layers             = [aws_lambda_layer_version.sdk.arn]
  runtime            = var.lambda_runtime
  architecture       = var.lambda_architecture
  memory_size        = var.lambda_memory_size
  timeout            = var.lambda_timeout
  environment        = local.environment
  log_retention_days = var.log_retention_days
  log_kms_key_arn    = var.log_kms_key_arn
  tags               = var.tags

  application_log_level = var.lambda_application_log_level
  system_log_level      = var.lambda_system_log_level
  tracing_mode          = var.tracing_enabled ? "Active" : "PassThrough"
}
