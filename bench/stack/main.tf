# The module as the benchmark deploys it into the emulator: defaults except chunk_size,
# max_concurrency and keep_website_redirects, which bench/run.py passes (5000, 10 and true unless
# told otherwise), and a short retry interval.

provider "aws" {
  region = "us-east-1"
}

module "bucket_sync" {
  source = "../.."

  name                     = "bench"
  source_bucket_names      = var.source_bucket_names
  destination_bucket_names = var.destination_bucket_names
  max_concurrency          = var.max_concurrency
  chunk_size               = var.chunk_size
  keep_website_redirects   = var.keep_website_redirects
  task_retry               = { interval_seconds = 1 }
}

variable "source_bucket_names" {
  description = "Source buckets of the benchmark's runs."
  type        = list(string)
}

variable "destination_bucket_names" {
  description = "Destination buckets of the benchmark's runs."
  type        = list(string)
}

variable "chunk_size" {
  description = "Keys listed per side in one SyncRange step."
  type        = number
  default     = 5000
}

variable "keep_website_redirects" {
  description = "Read each copied object's headers first (one HEAD per copy) to keep its website redirect."
  type        = bool
  default     = true
}

variable "max_concurrency" {
  description = "Key ranges synced in parallel."
  type        = number
  default     = 10
}

output "state_machine_arn" {
  description = "The state machine under benchmark."
  value       = module.bucket_sync.state_machine_arn
}
