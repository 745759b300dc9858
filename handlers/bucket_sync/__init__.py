"""bucket-sync: Lambda steps that make an S3 destination equal to an S3 source."""
