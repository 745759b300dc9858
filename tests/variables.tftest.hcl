# Input validation: every bad value is refused at plan time with its own message.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                     = "nightly"
  source_bucket_names      = ["photos-src"]
  destination_bucket_names = ["photos-dst"]
}

run "rejects_a_name_aws_cannot_use" {
  command = plan
  variables { name = "has spaces" }
  expect_failures = [var.name]
}

run "rejects_an_empty_source_list" {
  command = plan
  variables { source_bucket_names = [] }
  expect_failures = [var.source_bucket_names]
}

run "rejects_an_invalid_source_bucket_name" {
  command = plan
  variables { source_bucket_names = ["Photos_Source"] }
  expect_failures = [var.source_bucket_names]
}

run "rejects_an_invalid_destination_bucket_name" {
  command = plan
  variables { destination_bucket_names = ["a..b"] }
  expect_failures = [var.destination_bucket_names]
}

run "rejects_a_zero_chunk_size" {
  command = plan
  variables { chunk_size = 0 }
  expect_failures = [var.chunk_size]
}

run "rejects_a_fractional_chunk_size" {
  command = plan
  variables { chunk_size = 10.5 }
  expect_failures = [var.chunk_size]
}

run "rejects_zero_concurrency" {
  command = plan
  variables { max_concurrency = 0 }
  expect_failures = [var.max_concurrency]
}

run "rejects_a_step_budget_beyond_the_history_limit" {
  command = plan
  variables { max_steps_per_range = 5000 }
  expect_failures = [var.max_steps_per_range]
}

run "rejects_a_negative_max_deletes" {
  command = plan
  variables { max_deletes = -1 }
  expect_failures = [var.max_deletes]
}

run "rejects_an_unsupported_runtime" {
  command = plan
  variables { lambda_runtime = "python2.7" }
  expect_failures = [var.lambda_runtime]
}

run "rejects_memory_out_of_range" {
  command = plan
  variables { lambda_memory_size = 64 }
  expect_failures = [var.lambda_memory_size]
}

run "rejects_a_timeout_above_fifteen_minutes" {
  command = plan
  variables { lambda_timeout = 901 }
  expect_failures = [var.lambda_timeout]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables { log_retention_days = 13 }
  expect_failures = [var.log_retention_days]
}

run "rejects_an_unknown_log_level" {
  command = plan
  variables { state_machine_log_level = "DEBUG" }
  expect_failures = [var.state_machine_log_level]
}

run "rejects_a_backoff_below_one" {
  command = plan
  variables { task_retry = { backoff_rate = 0.5 } }
  expect_failures = [var.task_retry]
}

run "rejects_too_many_copy_threads" {
  command = plan
  variables { copy_threads = 65 }
  expect_failures = [var.copy_threads]
}

run "rejects_a_kms_key_that_is_not_an_arn" {
  command = plan
  variables { source_kms_key_arns = ["alias/my-key"] }
  expect_failures = [var.source_kms_key_arns]
}

run "rejects_a_destination_kms_key_that_is_not_an_arn" {
  command = plan
  variables { destination_kms_key_arns = ["1234abcd-12ab-34cd-56ef-1234567890ab"] }
  expect_failures = [var.destination_kms_key_arns]
}
