# Values the aws provider would compute, shared by every terraform test file.

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
# Rendered documents are the provider's job; the runs below assert on the statements.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/mocked" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:mocked" }
}
# The functions' layers list must hold layer version ARNs: the provider validates them at plan.
mock_resource "aws_lambda_layer_version" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:layer:mocked-sdk:1" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mocked" }
}
# ARNs the provider would return, in formats its validation accepts; tests use name = "nightly".
mock_resource "aws_sfn_state_machine" {
  defaults = { arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:nightly-notifications" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/nightly-execution-status" }
}
mock_resource "aws_scheduler_schedule_group" {
  defaults = { arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/nightly" }
}
mock_resource "aws_scheduler_schedule" {
  defaults = { arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule/nightly/mocked" }
}
mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mocked" }
}
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:nightly-changes"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/nightly-changes"
  }
}
