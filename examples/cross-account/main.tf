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

module "bucket_sync" {
  source = "../.."

  name                     = var.name
  source_bucket_names      = [var.source_bucket_name]
  destination_bucket_names = [var.destination_bucket_name]
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

# The other account lets the module's Lambda role (in this account) list and locate the bucket,
# read object headers (HEAD needs s3:GetObject) and write and delete objects. Both sides must
# allow: the module's role policy already grants the same actions on this bucket.
data "aws_iam_policy_document" "destination" {
  statement {
    sid       = "BucketSyncList"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [data.aws_s3_bucket.destination.arn]
    principals {
      type        = "AWS"
      identifiers = [module.bucket_sync.lambda_role_arn]
    }
  }

  statement {
    sid = "BucketSyncWrite"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:PutObjectTagging",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${data.aws_s3_bucket.destination.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [module.bucket_sync.lambda_role_arn]
    }
  }

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

# Replaces any policy the bucket has: merge existing statements into the document above first.
resource "aws_s3_bucket_policy" "destination" {
  provider = aws.destination

  bucket = data.aws_s3_bucket.destination.id
  policy = data.aws_iam_policy_document.destination.json

  depends_on = [aws_s3_bucket_ownership_controls.destination]
}
