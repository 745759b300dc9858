# The sync runs in this (the source's) account; the destination bucket lives in another account,
# managed here through an aliased provider that assumes a role there.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "destination"
  region = var.region

  assume_role {
    role_arn = var.destination_account_role_arn
  }
}

# The account each bucket must belong to: every request the sync sends carries it
# (ExpectedBucketOwner), so a bucket of the same name in any other account is never touched.
data "aws_caller_identity" "source" {}

data "aws_caller_identity" "destination" {
  provider = aws.destination
}

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]
  source_bucket_owner      = data.aws_caller_identity.source.account_id
  destination_bucket_owner = data.aws_caller_identity.destination.account_id
}

data "aws_s3_bucket" "destination" {
  provider = aws.destination

  bucket = var.destination_bucket_name
}

# Copies belong to the destination account, whoever writes them; ACLs are off.
resource "aws_s3_bucket_ownership_controls" "destination" {
  provider = aws.destination

  bucket = data.aws_s3_bucket.destination.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# The bucket's policy: whatever it already says (var.destination_existing_policy_json), plus the
# statements the module says its Lambda role needs there (output bucket_policies, built from
# the same action lists as the role's own policy), plus a TLS-only rule. Both sides must allow.
data "aws_iam_policy_document" "destination" {
  source_policy_documents = compact([
    var.destination_existing_policy_json,
    module.bucket_sync.bucket_policies[var.destination_bucket_name],
  ])

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [data.aws_s3_bucket.destination.arn, "${data.aws_s3_bucket.destination.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# A bucket has one policy: this one keeps the statements it had (see the document above).
resource "aws_s3_bucket_policy" "destination" {
  provider = aws.destination

  bucket = data.aws_s3_bucket.destination.id
  policy = data.aws_iam_policy_document.destination.json

  depends_on = [aws_s3_bucket_ownership_controls.destination]
}
