# The bucket owner's half of a cross-account sync, applied in the destination bucket's account by
# the stack that already manages that bucket's policy: the statements the sync needs (output
# destination_bucket_policy of examples/cross-account) are merged into the owner's own policy
# document, so the policy keeps one home and the sync's stack never writes it.

provider "aws" {
  region = var.region
}

data "aws_s3_bucket" "this" {
  bucket = var.bucket_name
}

# Copies belong to this account, whoever writes them; ACLs are off, so the bucket policy alone
# decides who may read a copy.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = data.aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# The owner's policy: its own statements (here a TLS-only rule; yours go alongside), plus the
# sync's. Statement IDs must differ: the sync's all start with BucketSync.
data "aws_iam_policy_document" "bucket" {
  source_policy_documents = [var.bucket_sync_policy_json]

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [data.aws_s3_bucket.this.arn, "${data.aws_s3_bucket.this.arn}/*"]
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

resource "aws_s3_bucket_policy" "this" {
  bucket = data.aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_ownership_controls.this]
}
