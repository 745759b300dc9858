resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Logs carry keys and counts, no object data; KMS is the consumer's choice.
  #checkov:skip=CKV_AWS_338:Retention is the consumer's choice (log_retention_days).
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing is optional for a batch sync; it adds cost per request.
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
  memory_size      = var.memory_size
  timeout          = var.timeout
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)

  environment {
    variables = var.environment
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]
}
