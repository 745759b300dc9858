# The sync account's half of a cross-account sync: the module, told which account owns each
# bucket, and the statements the destination's owner must grant (output destination_bucket_policy).
# Nothing here touches the other account: its owner merges the statements into the bucket policy
# it already manages (examples/cross-account-owner), so no stack but the owner's writes that policy.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]

  # Every request carries ExpectedBucketOwner: a bucket of the same name in any other account
  # (deleted and re-created, or mistyped) is never read or written.
  source_bucket_owner      = data.aws_caller_identity.current.account_id
  destination_bucket_owner = var.destination_account_id

  # A run that would delete more orphans than this in the other account's bucket (a wrong or
  # empty source) fails before deleting any.
  max_deletes = var.max_deletes
}
