# Continuous sync of a platform team's existing bucket pair (docs/CONTINUOUS.md): S3 events reach
# a queue through EventBridge and a consumer applies each changed key within seconds; a daily
# reconcile run of the same pair repairs whatever the events missed. The buckets are not created
# here and, unless manage_source_notification is set, not touched by this root.

provider "aws" {
  region = var.region
}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]

  # The reconcile schedule leaves delete_orphans and exclude to these module defaults, so the
  # run checks exactly the keys the event path follows, with the same delete rule.
  delete_orphans = var.delete_orphans
  exclude        = var.exclude

  continuous_sync = {
    source         = var.source_bucket_name
    destination    = var.destination_bucket_name
    prefix         = var.prefix
    exclude        = var.exclude
    delete_orphans = var.delete_orphans
    # A burst of deletes beyond this per 5 minutes (a wrong lifecycle rule, a script emptying
    # the source) pauses deletes and raises an alarm instead of emptying the destination.
    delete_budget = var.delete_budget
  }

  # Not optional with continuous sync: events can be lost (never sent, past the dead-letter
  # queue's retention, older than the rule), and only a full run finds those keys.
  schedules = {
    reconcile = {
      source              = var.source_bucket_name
      destination         = var.destination_bucket_name
      prefix              = var.prefix
      schedule_expression = var.reconcile_schedule_expression
      timezone            = var.timezone
      max_deletes         = var.reconcile_max_deletes
    }
  }

  # Failed, timed-out and aborted runs and every alarm go to one topic: the module's own, or the
  # team's existing one.
  notifications = {
    create_sns_topic = var.sns_topic_arn == null
    sns_topic_arn    = var.sns_topic_arn
  }
  alarms = {
    enabled = true
  }

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.notification_email == null ? 0 : 1

  topic_arn = module.bucket_sync.sns_topic_arn
  protocol  = "email"
  endpoint  = var.notification_email
}

# !!! WARNING: read this before setting manage_source_notification = true !!!
#
# A bucket has exactly ONE notification configuration, and this resource REPLACES IT WHOLE.
# Applying it removes every Lambda, SQS and SNS notification the source bucket already has
# (another team's pipeline stops receiving events, silently), and `terraform destroy` clears the
# configuration entirely, EventBridge delivery included. That is why it is off by default and why
# the module itself never touches it. Set it only for a bucket whose notifications nobody else
# configures. Otherwise the bucket's owner adds `eventbridge = true` to the
# aws_s3_bucket_notification (or console setting) they already manage: that is the one switch
# continuous sync needs, and it leaves their other notifications in place.
resource "aws_s3_bucket_notification" "source" {
  count = var.manage_source_notification ? 1 : 0

  bucket      = var.source_bucket_name
  eventbridge = true
}
