resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:KMS is the consumer's choice (log_kms_key_arn); logs carry keys and counts, no object data.
  #checkov:skip=CKV_AWS_338:Retention is the consumer's choice (log_retention_days).
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing is the consumer's choice (tracing_mode); it adds cost per request.
  #checkov:skip=CKV_AWS_115:Concurrency is bounded by the state machine's max_concurrency, not reserved here.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by Step Functions, which retries and catches; a DLQ never receives anything.
  #checkov:skip=CKV_AWS_117:Talks only to S3 and needs no VPC; a VPC would need NAT or endpoints to reach S3.
  #checkov:skip=CKV_AWS_173:The environment holds bucket names and tuning numbers, no secrets.
  #checkov:skip=CKV_AWS_272:The package is built reproducibly from the module's own source and committed; code signing is the consumer's choice.
  function_name    = var.name
  description      = var.description
  role             = var.role_arn
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  layers           = var.layers

  environment {
    variables = var.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = var.system_log_level
  }

  tracing_config {
    mode = var.tracing_mode
  }

  tags = var.tags
}
