variable "name" {
  description = "Function name; the log group is /aws/lambda/<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "What the function does."
  type        = string
  default     = ""
  nullable    = false
}

variable "handler" {
  description = "Python handler, as module.path.function."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must look like package.module.function."
  }
}

variable "role_arn" {
  description = "ARN of the execution role."
  type        = string
}

variable "package_path" {
  description = "Path of the deployment zip (committed and reproducible, so no archive provider is needed)."
  type        = string
}

variable "layers" {
  description = "ARNs of layer versions, in order (a later layer's files win); Lambda extracts them into /opt."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.layers) <= 5
    error_message = "A function takes at most 5 layers."
  }
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.12"
  nullable    = false
}

variable "architecture" {
  description = "Instruction set of the function: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 512
  nullable    = false
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 300
  nullable    = false
}

variable "environment" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
  nullable    = false
}

variable "log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the log group; null: CloudWatch Logs' default encryption. The key policy must allow the CloudWatch Logs service principal."
  type        = string
  default     = null
}

variable "application_log_level" {
  description = "Lowest level of application log records sent to CloudWatch Logs (JSON log format)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's log records sent to CloudWatch Logs (JSON log format)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing: Active (sample and record) or PassThrough (forward trace headers only)."
  type        = string
  default     = "PassThrough"
  nullable    = false

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "tags" {
  description = "Tags of the function and its log group."
  type        = map(string)
  default     = {}
  nullable    = false
}
