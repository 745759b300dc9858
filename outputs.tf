output "state_machine_arn" {
  description = "ARN of the sync state machine: start an execution with {\"source\": ..., \"destination\": ...}."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the sync state machine."
  value       = aws_sfn_state_machine.this.name
}

output "function_arns" {
  description = "ARNs of the handler functions, by step: validate, plan_ranges, sync_range, summarize."
  value       = { for step, function in module.function : step => function.arn }
}

output "state_machine_role_arn" {
  description = "ARN of the role the state machine runs as."
  value       = aws_iam_role.state_machine.arn
}

output "lambda_role_arn" {
  description = "ARN of the role the handler functions run as; grant it access in cross-account bucket policies."
  value       = aws_iam_role.lambda.arn
}

output "log_group_names" {
  description = "CloudWatch log groups: the state machine's and each function's, by step."
  value = merge(
    { state_machine = aws_cloudwatch_log_group.state_machine.name },
    { for step, function in module.function : step => function.log_group_name },
  )
}
