terraform {
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.32.0 brought the Lambda logging_config and the python3.12 runtime; 6.0 renames
      # attributes this module reads (aws_region.name), and is not yet tested here.
      version = ">= 5.32.0, < 6.0"
    }
  }
}
