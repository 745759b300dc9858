output "arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "logging_config" {
  description = "The function's logging configuration: log_format, log_group, application_log_level, system_log_level."
  value       = one(aws_lambda_function.this.logging_config)
}

output "tracing_mode" {
  description = "The function's X-Ray tracing mode: Active or PassThrough."
  value       = one(aws_lambda_function.this.tracing_config).mode
}

output "log_group_kms_key_id" {
  description = "KMS key that encrypts the function's log group; null: CloudWatch Logs' default encryption."
  value       = aws_cloudwatch_log_group.this.kms_key_id
}
