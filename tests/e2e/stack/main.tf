# The module as the end-to-end tests deploy it: small chunks, budgets and retry intervals,
# so that a few thousand objects take many steps, several ranges and several rounds.

provider "aws" {
  region = "us-east-1"
}

module "bucket_sync" {
  source = "../../.."

  name                     = var.name
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  chunk_size               = var.chunk_size
  max_concurrency          = var.max_concurrency
  max_steps_per_range      = var.max_steps_per_range
  lambda_timeout           = 120
  task_retry               = { interval_seconds = 1, max_attempts = 2, crash_max_attempts = 1, transient_max_attempts = 6, max_delay_seconds = 4 }

  # test_continuous.py: objects above 64 KiB go to the state machine; a one-second batching window.
  continuous_sync = {
    source                          = var.continuous_source
    destination                     = var.continuous_destination
    inline_copy_max_bytes           = 65536
    delete_budget                   = 1000
    delete_window_seconds           = 60
    batch_size                      = 100
    maximum_batching_window_seconds = 1
    consumer_timeout                = 30
  }
  # Alarms without a topic, so that continuous sync's alarms exist to be looked at.
  alarms = { enabled = true }
}

# The same module with allow_cross_region = true, for runs whose buckets are in different
# regions (the instance above must keep refusing them with BucketRegionsNotEqual).
module "bucket_sync_cross_region" {
  source = "../../.."

  name                     = "${var.name}-xr"
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  chunk_size               = var.chunk_size
  max_concurrency          = var.max_concurrency
  max_steps_per_range      = var.max_steps_per_range
  allow_cross_region       = true
  lambda_timeout           = 120
  task_retry               = { interval_seconds = 1, max_attempts = 2, crash_max_attempts = 1, transient_max_attempts = 6, max_delay_seconds = 4 }
}

# The largest max_concurrency and copy_threads the module accepts, for the limit tests
# (test_limits.py): a round of up to 1,000 ranges must fit Step Functions' 256 KiB whatever the
# keys and failures, and a step of 64 threads must stay within a Lambda's 1,024 threads.
module "bucket_sync_wide" {
  source = "../../.."

  name                     = "${var.name}-wide"
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  chunk_size               = var.chunk_size
  max_concurrency          = 1000
  copy_threads             = 64
  report_bucket            = "e2e-reports"
  report_prefix            = "runs/"
  max_steps_per_range      = var.max_steps_per_range
  lambda_timeout           = 120
  task_retry               = { interval_seconds = 1, max_attempts = 2, crash_max_attempts = 1, transient_max_attempts = 6, max_delay_seconds = 4 }
}

# Steps of 10 s with 2 threads, so that one multipart copy outlasts a step (test_limits.py).
module "bucket_sync_slow" {
  source = "../../.."

  name                     = "${var.name}-slow"
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  copy_threads             = 2
  lambda_timeout           = 10
  task_retry               = { interval_seconds = 1, max_attempts = 2, crash_max_attempts = 1, transient_max_attempts = 6, max_delay_seconds = 4 }
}

# The module's default copy_threads (16) and default chunk_size at max_concurrency 10, for the
# throttling tests (test_scale.py): a first sync that S3 throttles far below the engine's pace.
module "bucket_sync_scale" {
  source = "../../.."

  name                     = "${var.name}-scale"
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  max_concurrency          = 10
  copy_threads             = 16
  lambda_timeout           = 120
  task_retry               = { interval_seconds = 1, max_attempts = 2, crash_max_attempts = 1, transient_max_attempts = 6, max_delay_seconds = 4 }
}

variable "name" {
  description = "Prefix of the test deployment's resources."
  type        = string
  default     = "e2e"
}

variable "source_bucket_names" {
  description = "Buckets the tests read from."
  type        = list(string)
}

variable "destination_bucket_names" {
  description = "Buckets the tests write to."
  type        = list(string)
}

variable "continuous_source" {
  description = "The bucket continuous sync watches."
  type        = string
}

variable "continuous_destination" {
  description = "The bucket continuous sync writes."
  type        = string
}

variable "chunk_size" {
  description = "Keys per step."
  type        = number
}

variable "max_concurrency" {
  description = "Ranges per round."
  type        = number
}

variable "max_steps_per_range" {
  description = "Steps per child execution."
  type        = number
}

output "state_machine_arn" {
  description = "The state machine under test."
  value       = module.bucket_sync.state_machine_arn
}

output "function_arns" {
  description = "The handler functions under test."
  value       = module.bucket_sync.function_arns
}

output "cross_region_state_machine_arn" {
  description = "The state machine of the instance that allows cross-region runs."
  value       = module.bucket_sync_cross_region.state_machine_arn
}

output "wide_state_machine_arn" {
  description = "The state machine of the instance at the largest accepted max_concurrency."
  value       = module.bucket_sync_wide.state_machine_arn
}

output "scale_state_machine_arn" {
  description = "The state machine of the instance at the default copy_threads and chunk_size, max_concurrency 10."
  value       = module.bucket_sync_scale.state_machine_arn
}

output "slow_state_machine_arn" {
  description = "The state machine of the instance with 10-second steps."
  value       = module.bucket_sync_slow.state_machine_arn
}

output "continuous_sync" {
  description = "The continuous-sync queue, rule and consumer of the instance under test."
  value       = module.bucket_sync.continuous_sync
}

output "run_table_name" {
  description = "The run table of the instance under test (continuous sync's delete budget)."
  value       = module.bucket_sync.run_table_name
}
