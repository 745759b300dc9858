provider "aws" {
  region = var.region
}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]

  # A run that would delete more orphans than this (a wrong or empty source) fails before
  # deleting any; a run may give its own maxDeletes.
  max_deletes = var.max_deletes

  # Where runs write the report of every action (dry runs: every action they would take).
  report_bucket = var.report_bucket_name
}
