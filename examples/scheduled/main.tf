provider "aws" {
  region = var.region
}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]

  schedules = {
    nightly = {
      source              = var.source_bucket_name
      destination         = var.destination_bucket_name
      schedule_expression = var.schedule_expression
      timezone            = var.timezone
      # Refuse to delete more than this many orphans in one night: a wrong source fails the run
      # with DeleteGuardTripped instead of emptying the backup.
      max_deletes = var.max_deletes
    }
  }

  # Failed, timed-out and aborted runs are published to a topic the module creates; the alarms
  # on failed runs and function errors notify the same topic.
  notifications = {
    create_sns_topic = true
  }
}

resource "aws_sns_topic_subscription" "email" {
  count = var.notification_email == null ? 0 : 1

  topic_arn = module.bucket_sync.sns_topic_arn
  protocol  = "email"
  endpoint  = var.notification_email
}
