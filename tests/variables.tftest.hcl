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

run "rejects_a_directory_bucket_as_source" {
  command = plan
  variables { source_bucket_names = ["photos-src", "mybucket--use1-az4--x-s3"] }
  expect_failures = [var.source_bucket_names]
}

run "rejects_a_directory_bucket_as_destination" {
  command = plan
  variables { destination_bucket_names = ["mybucket--usw2-lax1-az1--x-s3"] }
  expect_failures = [var.destination_bucket_names]
}

run "accepts_a_general_purpose_bucket_with_double_dashes" {
  command = plan
  variables { source_bucket_names = ["photos--x-s3-archive"] }
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

run "rejects_an_unknown_application_log_level" {
  command = plan
  variables { lambda_application_log_level = "VERBOSE" }
  expect_failures = [var.lambda_application_log_level]
}

run "rejects_a_system_log_level_lambda_does_not_offer" {
  command = plan
  variables { lambda_system_log_level = "ERROR" }
  expect_failures = [var.lambda_system_log_level]
}

run "rejects_a_log_key_given_as_an_alias" {
  command = plan
  variables { log_kms_key_arn = "alias/logs" }
  expect_failures = [var.log_kms_key_arn]
}

run "rejects_a_schedule_name_scheduler_cannot_use" {
  command = plan
  variables {
    schedules = { "every night" = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(1 day)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_schedule_expression_that_is_not_cron_rate_or_at" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "0 2 * * *" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_schedule_with_an_invalid_bucket_name" {
  command = plan
  variables {
    schedules = { nightly = { source = "Photos_Src", destination = "photos-dst", schedule_expression = "rate(1 day)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_schedule_from_a_bucket_into_itself" {
  command = plan
  variables {
    source_bucket_names      = ["photos"]
    destination_bucket_names = ["photos"]
    schedules                = { nightly = { source = "photos", destination = "photos", schedule_expression = "rate(1 day)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_schedule_with_a_negative_max_deletes" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(1 day)", max_deletes = -5 } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_schedule_time_zone_that_is_no_iana_name" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 2 * * ? *)", timezone = "UTC+2 hours" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_both_a_given_and_a_created_topic" {
  command = plan
  variables {
    notifications = { sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops", create_sns_topic = true }
  }
  expect_failures = [var.notifications]
}

run "rejects_a_notification_topic_that_is_not_an_arn" {
  command = plan
  variables { notifications = { sns_topic_arn = "ops-topic" } }
  expect_failures = [var.notifications]
}

run "rejects_a_topic_key_for_a_topic_the_module_does_not_create" {
  command = plan
  variables {
    notifications = { sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops", kms_master_key_id = "alias/ops" }
  }
  expect_failures = [var.notifications]
}

run "rejects_the_aws_managed_sns_key" {
  command = plan
  variables { notifications = { create_sns_topic = true, kms_master_key_id = "alias/aws/sns" } }
  expect_failures = [var.notifications]
}

run "rejects_an_unknown_execution_status" {
  command = plan
  variables { notifications = { create_sns_topic = true, statuses = ["FAILED", "CRASHED"] } }
  expect_failures = [var.notifications]
}

run "rejects_an_alarm_topic_that_is_not_an_arn" {
  command = plan
  variables { alarms = { sns_topic_arn = "pager" } }
  expect_failures = [var.alarms]
}

run "rejects_an_alarm_period_cloudwatch_does_not_offer" {
  command = plan
  variables { alarms = { period_seconds = 90 } }
  expect_failures = [var.alarms]
}

run "rejects_zero_alarm_evaluation_periods" {
  command = plan
  variables { alarms = { evaluation_periods = 0 } }
  expect_failures = [var.alarms]
}

run "rejects_a_role_path_without_slashes" {
  command = plan
  variables { role_path = "sync" }
  expect_failures = [var.role_path]
}

run "rejects_a_role_path_without_a_trailing_slash" {
  command = plan
  variables { role_path = "/sync" }
  expect_failures = [var.role_path]
}

run "rejects_a_permissions_boundary_that_is_not_a_policy_arn" {
  command = plan
  variables { role_permissions_boundary_arn = "arn:aws:iam::123456789012:role/boundary" }
  expect_failures = [var.role_permissions_boundary_arn]
}

run "rejects_a_lambda_role_that_is_not_a_role_arn" {
  command = plan
  variables { lambda_role_arn = "own-lambda" }
  expect_failures = [var.lambda_role_arn]
}

run "rejects_a_state_machine_role_that_is_not_a_role_arn" {
  command = plan
  variables { state_machine_role_arn = "arn:aws:iam::123456789012:policy/own-states" }
  expect_failures = [var.state_machine_role_arn]
}

run "rejects_a_five_field_unix_cron" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 3 * * *)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_cron_with_both_day_fields_set" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 3 * * * *)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_rate_with_an_unknown_unit" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(2 weeks)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_an_at_without_a_time" {
  command = plan
  variables {
    schedules = { once = { source = "photos-src", destination = "photos-dst", schedule_expression = "at(2026-12-24)" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_time_zone_abbreviation" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 2 * * ? *)", timezone = "CET" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_time_zone_given_as_an_offset" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 2 * * ? *)", timezone = "+02:00" } }
  }
  expect_failures = [var.schedules]
}

run "rejects_a_time_zone_without_its_area" {
  command = plan
  variables {
    schedules = { nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 2 * * ? *)", timezone = "Berlin" } }
  }
  expect_failures = [var.schedules]
}

run "accepts_every_scheduler_expression_form_and_iana_zone" {
  command = plan
  variables {
    schedules = {
      nightly  = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 3 * * ? *)", timezone = "Europe/Berlin" }
      weekly   = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(15 4 ? * SUN-FRI,SAT 2026-2030)", timezone = "America/Argentina/Buenos_Aires" }
      monthly  = { source = "photos-src", destination = "photos-dst", schedule_expression = "cron(0 5 L * ? *)", timezone = "Etc/GMT+5" }
      hourly   = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(1 hour)", timezone = "UTC" }
      often    = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(15 minutes)", timezone = "America/Port-au-Prince" }
      once     = { source = "photos-src", destination = "photos-dst", schedule_expression = "at(2026-12-24T18:00:00)", timezone = "Asia/Kolkata" }
      biweekly = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(14 days)" }
    }
  }

  assert {
    condition     = length(aws_scheduler_schedule.this) == 7
    error_message = "Valid cron, rate and at expressions in IANA zones plan."
  }
}

run "rejects_a_website_redirect_mode_that_is_not_auto_true_or_false" {
  command = plan
  variables { keep_website_redirects = "sometimes" }
  expect_failures = [var.keep_website_redirects]
}

run "rejects_include_patterns_beyond_what_a_run_may_carry" {
  command = plan
  variables { include = [""] }
  expect_failures = [var.include]
}

run "rejects_too_many_exclude_patterns" {
  command = plan
  variables { exclude = [for i in range(101) : "p${i}"] }
  expect_failures = [var.exclude]
}

run "rejects_a_storage_class_a_copy_cannot_be_written_in" {
  command = plan
  variables { destination_storage_class = "EXPRESS_ONEZONE" }
  expect_failures = [var.destination_storage_class]
}

run "rejects_a_destination_key_that_is_no_kms_key_arn" {
  command = plan
  variables { destination_sse_kms_key_arn = "alias/backup" }
  expect_failures = [var.destination_sse_kms_key_arn]
}

run "rejects_a_report_key_that_is_no_kms_key_arn" {
  command = plan
  variables { report_kms_key_arn = "alias/reports" }
  expect_failures = [var.report_kms_key_arn]
}

run "rejects_a_delete_percent_over_100" {
  command = plan
  variables { max_delete_percent = 101 }
  expect_failures = [var.max_delete_percent]
}

run "rejects_a_source_owner_that_is_no_account_id" {
  command = plan
  variables { source_bucket_owner = "12345678901" }
  expect_failures = [var.source_bucket_owner]
}

run "rejects_a_destination_owner_given_as_an_arn" {
  command = plan
  variables { destination_bucket_owner = "arn:aws:iam::123456789012:root" }
  expect_failures = [var.destination_bucket_owner]
}

run "rejects_a_request_payer_s3_does_not_know" {
  command = plan
  variables { request_payer = "Requester" }
  expect_failures = [var.request_payer]
}

# Settings valid alone that cannot work together (checks.tf).

run "refuses_a_chunk_size_the_memory_cannot_hold" {
  command = plan
  variables {
    chunk_size         = 100000
    lambda_memory_size = 128
  }
  expect_failures = [terraform_data.settings_checks]
}

run "refuses_a_chunk_size_a_short_timeout_cannot_list" {
  command = plan
  variables {
    chunk_size     = 100000
    lambda_timeout = 10
  }
  expect_failures = [terraform_data.settings_checks]
}

run "refuses_a_chunk_size_the_cpu_of_small_memory_cannot_list_in_time" {
  command = plan
  variables {
    chunk_size         = 7000
    lambda_memory_size = 128
    lambda_timeout     = 10
  }
  expect_failures = [terraform_data.settings_checks]
}

run "accepts_the_default_chunk_size_at_the_smallest_memory_and_timeout" {
  command = plan
  variables {
    lambda_memory_size = 128
    lambda_timeout     = 10
  }
}

run "accepts_the_largest_chunk_size_with_memory_and_time_for_it" {
  command = plan
  variables {
    chunk_size         = 100000
    lambda_memory_size = 512
  }
}

run "rejects_continuous_sync_into_the_watched_source" {
  command = plan
  variables {
    continuous_sync = { source = "photos-src", destination = "photos-src" }
  }
  expect_failures = [var.continuous_sync]
}

run "rejects_continuous_sync_with_a_bad_batching_window" {
  command = plan
  variables {
    continuous_sync = { source = "photos-src", destination = "photos-dst", batch_size = 100, maximum_batching_window_seconds = 0 }
  }
  expect_failures = [var.continuous_sync]
}

run "rejects_continuous_sync_with_a_short_delete_window" {
  command = plan
  variables {
    continuous_sync = { source = "photos-src", destination = "photos-dst", delete_window_seconds = 10 }
  }
  expect_failures = [var.continuous_sync]
}
