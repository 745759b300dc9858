variable "name" {
  description = "Prefix of every resource name (functions, roles, state machine, log groups)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,37}$", var.name))
    error_message = "name must be 1-38 characters: letters, digits, '-' and '_', starting with a letter or digit."
  }
}

variable "source_bucket_names" {
  description = "Buckets the engine may read from. A run naming any other source fails with AccessDenied."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.source_bucket_names) > 0
    error_message = "source_bucket_names must name at least one bucket."
  }

  validation {
    condition     = alltrue([for b in var.source_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b)) && !strcontains(b, "..")])
    error_message = "Every entry of source_bucket_names must be a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')."
  }

  validation {
    condition     = alltrue([for b in var.source_bucket_names : !endswith(b, "--x-s3")])
    error_message = "source_bucket_names must not name S3 directory buckets (name--zone-id--x-s3): they list keys in no lexicographic order and reject StartAfter, and the sync merges two sorted listings from a cursor."
  }
}

variable "destination_bucket_names" {
  description = "Buckets the engine may write to and delete orphans from. A run naming any other destination fails with AccessDenied."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.destination_bucket_names) > 0
    error_message = "destination_bucket_names must name at least one bucket."
  }

  validation {
    condition     = alltrue([for b in var.destination_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b)) && !strcontains(b, "..")])
    error_message = "Every entry of destination_bucket_names must be a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')."
  }

  validation {
    condition     = alltrue([for b in var.destination_bucket_names : !endswith(b, "--x-s3")])
    error_message = "destination_bucket_names must not name S3 directory buckets (name--zone-id--x-s3): they list keys in no lexicographic order and reject StartAfter, and the sync merges two sorted listings from a cursor."
  }
}

variable "chunk_size" {
  description = "Keys listed per side in one SyncRange step (several 1,000-key LIST pages). Keys never travel through the state payload; the default of 5,000 keeps a no-op re-sync under 1 state transition per 1,000 objects, and a step that runs short of time ends early at an exact cursor. The plan refuses a chunk_size that lambda_memory_size cannot hold or lambda_timeout cannot list (docs/OPERATING.md, \"Sizing a step\")."
  type        = number
  default     = 5000
  nullable    = false

  validation {
    condition     = var.chunk_size >= 1 && var.chunk_size <= 100000 && floor(var.chunk_size) == var.chunk_size
    error_message = "chunk_size must be a whole number from 1 to 100000."
  }
}

variable "max_concurrency" {
  description = "Key ranges synced in parallel (child executions of the Distributed Map) and ranges planned per round. Every value up to 1,000 fits Step Functions' payload limit (docs/ARCHITECTURE.md, \"Payload budget\"). The default of 100 uses a tenth of an account's default Lambda concurrency (1,000); more needs that quota raised."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 1000 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number from 1 to 1000."
  }
}

variable "max_steps_per_range" {
  description = "SyncRange steps one child execution runs before it hands its range back to be planned again (split finer). It bounds how long a badly balanced round can last: 100 steps of the default chunk_size are 500,000 keys. Each step adds about 7 history events to the child; 25,000 is the Step Functions limit."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.max_steps_per_range >= 1 && var.max_steps_per_range <= 3000 && floor(var.max_steps_per_range) == var.max_steps_per_range
    error_message = "max_steps_per_range must be a whole number from 1 to 3000 (keeps a child under 25,000 history events)."
  }
}

variable "copy_threads" {
  description = "Parallel copy and delete requests inside one SyncRange step."
  type        = number
  default     = 16
  nullable    = false

  validation {
    condition     = var.copy_threads >= 1 && var.copy_threads <= 64 && floor(var.copy_threads) == var.copy_threads
    error_message = "copy_threads must be a whole number from 1 to 64."
  }
}

variable "delete_orphans" {
  description = "Whether runs that do not say deleteOrphans delete destination objects that have no source object."
  type        = bool
  default     = true
  nullable    = false
}

variable "max_deletes" {
  description = "Default maxDeletes for runs that do not say: a run that would delete more orphans fails with DeleteGuardTripped before deleting any. null: no limit."
  type        = number
  default     = null

  validation {
    condition     = var.max_deletes == null ? true : var.max_deletes >= 0 && floor(var.max_deletes) == var.max_deletes
    error_message = "max_deletes must be null or a whole number >= 0."
  }
}

variable "max_delete_percent" {
  description = "Default maxDeletePercent for runs that do not say: a run fails with DeleteGuardTripped when its orphans are more than this share (percent, 0-100) of the destination objects in its scope, counted before any delete and enforced again while deleting. null: no such limit."
  type        = number
  default     = null

  validation {
    condition     = var.max_delete_percent == null ? true : var.max_delete_percent >= 0 && var.max_delete_percent <= 100
    error_message = "max_delete_percent must be null or a number from 0 to 100."
  }
}

variable "allow_cross_region" {
  description = "Allow runs whose source and destination buckets are in different regions (data transfer is charged)."
  type        = bool
  default     = false
  nullable    = false
}

variable "source_bucket_owner" {
  description = "AWS account ID (12 digits) that must own the source bucket of runs that do not say (run input sourceBucketOwner). Every request to the source then carries ExpectedBucketOwner (and copies ExpectedSourceBucketOwner), so a bucket another account owns under the same name, re-created or mistyped, is never read: the run fails with AccessDenied before any write. null: no owner check."
  type        = string
  default     = null

  validation {
    condition     = var.source_bucket_owner == null ? true : can(regex("^[0-9]{12}$", var.source_bucket_owner))
    error_message = "source_bucket_owner must be null or an AWS account ID of 12 digits."
  }
}

variable "destination_bucket_owner" {
  description = "AWS account ID (12 digits) that must own the destination bucket of runs that do not say (run input destinationBucketOwner). Every request to the destination then carries ExpectedBucketOwner, so the sync never writes to or deletes in a bucket another account owns under that name: the run fails with AccessDenied before any write. null: no owner check."
  type        = string
  default     = null

  validation {
    condition     = var.destination_bucket_owner == null ? true : can(regex("^[0-9]{12}$", var.destination_bucket_owner))
    error_message = "destination_bucket_owner must be null or an AWS account ID of 12 digits."
  }
}

variable "request_payer" {
  description = "\"requester\" to sync from Requester Pays sources by default (run input requestPayer): every request to the source carries x-amz-request-payer: requester, and this account pays for the source's requests and data transfer out of it. null: the source's owner pays, and a Requester Pays source of another account fails the run with AccessDenied."
  type        = string
  default     = null

  validation {
    condition     = var.request_payer == null ? true : var.request_payer == "requester"
    error_message = "request_payer must be null or \"requester\"."
  }
}

variable "keep_website_redirects" {
  description = "Carry x-amz-website-redirect-location over to copies. CopyObject drops it, so each copied object's headers are read first (one HEAD, a GET-class request, per copy). \"auto\" (default): only when the source or the destination bucket has a website configuration, where redirects take effect (checked at the start of every run), so a pair without one costs no extra request per copy; \"true\": always; \"false\": never. The booleans true and false work too."
  type        = string
  default     = "auto"
  nullable    = false

  validation {
    condition     = contains(["auto", "true", "false"], var.keep_website_redirects)
    error_message = "keep_website_redirects must be \"auto\", \"true\" or \"false\"."
  }
}

variable "source_kms_key_arns" {
  description = "ARNs of the KMS keys that encrypt source objects (SSE-KMS); the functions may decrypt with them only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.source_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "Every entry of source_kms_key_arns must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "destination_kms_key_arns" {
  description = "ARNs of the KMS keys the destination buckets encrypt with (SSE-KMS default encryption); the functions may encrypt and decrypt with them only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.destination_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "Every entry of destination_kms_key_arns must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the handler functions."
  type        = string
  default     = "python3.12"
  nullable    = false

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be one of python3.11, python3.12, python3.13."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the handler functions: arm64 (Graviton, 20% cheaper per GB-second; the handlers are pure Python) or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_size" {
  description = "Memory of each handler function, in MB. Lambda gives CPU in proportion: 1,769 MB is one full vCPU, and a step is CPU-bound (botocore parsing listings and signing requests), so it runs about 3.5 times as fast as at 512 MB for about the same price per step (Lambda bills GB-seconds)."
  type        = number
  default     = 1769
  nullable    = false

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout" {
  description = "Timeout of each handler function, in seconds. One SyncRange step must list, copy and delete one chunk within it."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.lambda_timeout >= 10 && var.lambda_timeout <= 900 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds from 10 to 900."
  }
}

variable "task_retry" {
  description = "Step Functions retries of a Task: first interval, attempts on Lambda service errors, attempts on crashes and timeouts, attempts on TransientError (a throttle, 5xx or timeout that outlived botocore's retries; every step is idempotent), backoff rate, and the longest wait between attempts."
  type = object({
    interval_seconds       = optional(number, 2)
    max_attempts           = optional(number, 6)
    crash_max_attempts     = optional(number, 2)
    transient_max_attempts = optional(number, 8)
    backoff_rate           = optional(number, 2)
    max_delay_seconds      = optional(number, 60)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.task_retry.interval_seconds >= 1 && floor(var.task_retry.interval_seconds) == var.task_retry.interval_seconds &&
      var.task_retry.max_attempts >= 0 && var.task_retry.max_attempts <= 20 && floor(var.task_retry.max_attempts) == var.task_retry.max_attempts &&
      var.task_retry.crash_max_attempts >= 0 && var.task_retry.crash_max_attempts <= 10 && floor(var.task_retry.crash_max_attempts) == var.task_retry.crash_max_attempts &&
      var.task_retry.transient_max_attempts >= 0 && var.task_retry.transient_max_attempts <= 20 && floor(var.task_retry.transient_max_attempts) == var.task_retry.transient_max_attempts &&
      var.task_retry.backoff_rate >= 1 && var.task_retry.backoff_rate <= 10 &&
      var.task_retry.max_delay_seconds >= var.task_retry.interval_seconds && var.task_retry.max_delay_seconds <= 3600 && floor(var.task_retry.max_delay_seconds) == var.task_retry.max_delay_seconds
    )
    error_message = "task_retry: interval_seconds a whole number >= 1, max_attempts 0-20, crash_max_attempts 0-10, transient_max_attempts 0-20, backoff_rate 1-10, max_delay_seconds a whole number from interval_seconds to 3600."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' and the state machine's log groups, in days."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "state_machine_log_level" {
  description = "Step Functions execution log level: ALL, ERROR, FATAL or OFF."
  type        = string
  default     = "ERROR"
  nullable    = false

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.state_machine_log_level)
    error_message = "state_machine_log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "lambda_application_log_level" {
  description = "Lowest level of application log records the functions send to CloudWatch Logs (JSON log format): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. Applies to records written through the Lambda runtime's logging handler."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.lambda_application_log_level)
    error_message = "lambda_application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "lambda_system_log_level" {
  description = "Lowest level of the Lambda platform's own log records (START, END, REPORT, ...) the functions send to CloudWatch Logs: DEBUG, INFO or WARN."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.lambda_system_log_level)
    error_message = "lambda_system_log_level must be DEBUG, INFO or WARN."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts every log group the module creates; null: CloudWatch Logs' default encryption. The module grants nothing on the key: its key policy must allow the logs.<region>.amazonaws.com service principal kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*, conditioned on kms:EncryptionContext:aws:logs:arn matching this account's log groups."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); CloudWatch Logs takes no alias."
  }
}

variable "tracing_enabled" {
  description = "Trace runs with AWS X-Ray: active tracing on the functions and tracing on the state machine (charged per trace). false: the functions pass trace headers through and record nothing."
  type        = bool
  default     = false
  nullable    = false
}

variable "schedules" {
  description = <<-EOT
    Named syncs run on a schedule by EventBridge Scheduler, each starting an execution with
    {"source", "destination", "prefix", "dryRun"} plus "deleteOrphans" and "maxDeletes" when set
    (unset: the module's delete_orphans and max_deletes apply). source and destination must be in
    source_bucket_names and destination_bucket_names. schedule_expression is an EventBridge
    Scheduler expression: cron(minutes hours day-of-month month day-of-week year), six fields with
    "?" in one of the two day fields (cron(0 3 * * ? *), not the Unix cron(0 3 * * *)), rate(N
    unit) or at(yyyy-mm-ddThh:mm:ss), evaluated in timezone (an IANA name such as Europe/Berlin or
    UTC). The map key names the schedule in the schedule group named after var.name.
  EOT
  type = map(object({
    source              = string
    destination         = string
    prefix              = optional(string, "")
    delete_orphans      = optional(bool)
    dry_run             = optional(bool, false)
    max_deletes         = optional(number)
    schedule_expression = string
    timezone            = optional(string, "UTC")
    enabled             = optional(bool, true)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.schedules) : can(regex("^[0-9A-Za-z_.-]{1,64}$", name))])
    error_message = "Every key of schedules must be 1-64 letters, digits, '.', '-' or '_' (an EventBridge Scheduler schedule name)."
  }

  validation {
    # Scheduler's cron has six fields (a Unix cron's five plus the year), and one of
    # day-of-month and day-of-week must be "?"; a five-field cron would fail only at apply.
    condition = alltrue([for s in values(var.schedules) : (
      can(regex("^cron\\([^ ()]+( [^ ()]+){5}\\)$", s.schedule_expression)) ? (split(" ", s.schedule_expression)[2] == "?") != (split(" ", s.schedule_expression)[4] == "?") :
      can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)$", s.schedule_expression)) ||
      can(regex("^at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\)$", s.schedule_expression))
    )])
    error_message = "Every schedule_expression must be an EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week year) with six fields and \"?\" in exactly one of day-of-month and day-of-week (e.g. cron(0 3 * * ? *), not the Unix cron(0 3 * * *)), rate(1 day) / rate(N minutes|hours|days), or at(yyyy-mm-ddThh:mm:ss)."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : alltrue([for b in [s.source, s.destination] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b)) && !strcontains(b, "..")])])
    error_message = "Every schedule's source and destination must be valid S3 bucket names (3-63 lowercase letters, digits, '.', '-')."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : s.source != s.destination])
    error_message = "A schedule's source and destination must be different buckets (one prefix applies to both sides, so they would overlap)."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : s.max_deletes == null ? true : s.max_deletes >= 0 && floor(s.max_deletes) == s.max_deletes])
    error_message = "A schedule's max_deletes must be null or a whole number >= 0."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : can(regex("^(UTC|GMT|Etc/[A-Za-z0-9+-]+|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z0-9_+-]*){1,2})$", s.timezone))])
    error_message = "A schedule's timezone must be an IANA time zone name: Area/Location such as Europe/Berlin or America/Argentina/Buenos_Aires, or UTC, or Etc/GMT+5 (not an abbreviation such as CET or an offset such as +02:00)."
  }
}

variable "notifications" {
  description = <<-EOT
    Send Step Functions "Execution Status Change" events of this state machine whose status is in
    statuses to an SNS topic, through an EventBridge rule. Either give sns_topic_arn (an existing
    topic; its policy must let events.amazonaws.com publish, and a KMS-encrypted topic's key policy
    must let it use the key) or set create_sns_topic (the module creates the topic and its policy).
    kms_master_key_id encrypts a created topic: use a customer managed key whose key policy lets
    events.amazonaws.com and cloudwatch.amazonaws.com call kms:GenerateDataKey* and kms:Decrypt;
    the AWS managed key alias/aws/sns does not work, because neither service may use it.
    Neither topic option set: no rule, no topic.
  EOT
  type = object({
    sns_topic_arn     = optional(string)
    create_sns_topic  = optional(bool, false)
    kms_master_key_id = optional(string)
    statuses          = optional(list(string), ["FAILED", "TIMED_OUT", "ABORTED"])
  })
  default  = {}
  nullable = false

  validation {
    condition     = !(var.notifications.create_sns_topic && var.notifications.sns_topic_arn != null)
    error_message = "notifications: set sns_topic_arn or create_sns_topic, not both."
  }

  validation {
    condition     = var.notifications.sns_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.notifications.sns_topic_arn))
    error_message = "notifications.sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)."
  }

  validation {
    condition     = var.notifications.kms_master_key_id == null || var.notifications.create_sns_topic
    error_message = "notifications.kms_master_key_id applies to a topic the module creates (create_sns_topic = true) only."
  }

  validation {
    condition     = var.notifications.kms_master_key_id != "alias/aws/sns" && !endswith(coalesce(var.notifications.kms_master_key_id, "-"), ":alias/aws/sns")
    error_message = "notifications.kms_master_key_id cannot be the AWS managed key alias/aws/sns: EventBridge and CloudWatch cannot publish to a topic encrypted with it. Use a customer managed key."
  }

  validation {
    condition     = length(var.notifications.statuses) > 0 && alltrue([for s in var.notifications.statuses : contains(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"], s)])
    error_message = "notifications.statuses must name at least one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE."
  }
}

variable "alarms" {
  description = "CloudWatch alarms on the state machine's ExecutionsFailed, ExecutionsTimedOut and ExecutionsAborted and on each function's Errors: at least one in a period of period_seconds, for evaluation_periods periods. Their action is sns_topic_arn, else the notifications topic. enabled unset (null): on when there is such a topic, off otherwise; true: on even without a topic (alarms without an action, visible only in the console); false: off. Eight alarms cost about $0.80 a month ($0.10 per standard-resolution alarm-month). A KMS-encrypted topic's key policy must let cloudwatch.amazonaws.com use the key."
  type = object({
    enabled            = optional(bool)
    sns_topic_arn      = optional(string)
    period_seconds     = optional(number, 300)
    evaluation_periods = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarms.sns_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarms.sns_topic_arn))
    error_message = "alarms.sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)."
  }

  validation {
    condition     = var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0 && var.alarms.period_seconds <= 86400
    error_message = "alarms.period_seconds must be a multiple of 60 from 60 to 86400."
  }

  validation {
    condition     = var.alarms.evaluation_periods >= 1 && floor(var.alarms.evaluation_periods) == var.alarms.evaluation_periods && var.alarms.period_seconds * var.alarms.evaluation_periods <= 86400
    error_message = "alarms.evaluation_periods must be a whole number >= 1, spanning at most one day with period_seconds."
  }
}

variable "tags" {
  description = "Tags added to every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "include" {
  description = "Default include patterns for runs that give none: globs matched against the key relative to the run's prefix (`*` any characters including '/', `?` one character, `[...]` a class). Empty: every key. Only keys that match are copied or deleted."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.include) <= 100 && alltrue([for p in var.include : length(p) >= 1 && length(p) <= 1024])
    error_message = "include takes at most 100 patterns of 1 to 1024 characters."
  }
}

variable "exclude" {
  description = "Default exclude patterns for runs that give none (same syntax as include). A key matching any of them is neither copied nor deleted; exclude wins over include."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.exclude) <= 100 && alltrue([for p in var.exclude : length(p) >= 1 && length(p) <= 1024])
    error_message = "exclude takes at most 100 patterns of 1 to 1024 characters."
  }
}

variable "allow_unconditional_deletes" {
  description = "RISK: delete orphans without the ETag condition when the Lambda runtime's bundled botocore is too old to send it (the condition entered the S3 model in November 2024). An object rewritten in the destination after it was listed is then lost. false (recommended): such a runtime deletes nothing and names every orphan as failed with the reason; use a newer runtime or bundle a newer boto3 instead."
  type        = bool
  default     = false
  nullable    = false
}

variable "allow_unconditional_copies" {
  description = "RISK: copy without the destination condition (If-Match on the listed destination ETag, If-None-Match when the key was absent) when the Lambda runtime's bundled botocore is too old to send it (botocore 1.34.162 is; the module's pinned SDK layer is not). A destination object written by someone else after it was listed is then overwritten. false (recommended): such a runtime copies nothing and names every key to copy as failed with the reason; use a newer runtime or bundle a newer boto3 instead."
  type        = bool
  default     = false
  nullable    = false
}

variable "role_path" {
  description = "IAM path of every role the module creates (the Lambda, state machine and scheduler roles), for organizations that group roles by path."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.role_path) <= 512 && can(regex("^/([!-~]*/)?$", var.role_path))
    error_message = "role_path must start and end with '/' (e.g. \"/\" or \"/sync/\"), at most 512 printable ASCII characters."
  }
}

variable "role_permissions_boundary_arn" {
  description = "ARN of an IAM managed policy set as the permissions boundary of every role the module creates; null: none."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[A-Za-z0-9+=,.@_/-]+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be null or an IAM policy ARN (arn:aws:iam::<account>:policy/<path><name>)."
  }
}

variable "lambda_role_arn" {
  description = "ARN of an existing role for the handler functions; null: the module creates it. A given role must trust lambda.amazonaws.com and carry the policy in the output lambda_policy_json; the module then creates no Lambda role and attaches nothing to it."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.lambda_role_arn))
    error_message = "lambda_role_arn must be null or an IAM role ARN (arn:aws:iam::<account>:role/<path><name>)."
  }
}

variable "state_machine_role_arn" {
  description = "ARN of an existing role for the state machine; null: the module creates it. A given role must trust states.amazonaws.com and carry the policy in the output state_machine_policy_json; the module then creates no state machine role and attaches nothing to it."
  type        = string
  default     = null

  validation {
    condition     = var.state_machine_role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.state_machine_role_arn))
    error_message = "state_machine_role_arn must be null or an IAM role ARN (arn:aws:iam::<account>:role/<path><name>)."
  }
}

variable "destination_storage_class" {
  description = "Storage class every copy is written in, for runs that do not give storageClass (e.g. GLACIER_IR for backups). null: each copy keeps its source's class. Change detection ignores storage classes, so a re-run after a change copies nothing."
  type        = string
  default     = null

  validation {
    condition     = var.destination_storage_class == null ? true : contains(["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE"], var.destination_storage_class)
    error_message = "destination_storage_class must be null or one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, GLACIER_IR, DEEP_ARCHIVE."
  }
}

variable "destination_sse_kms_key_arn" {
  description = "KMS key every copy is encrypted with (SSE-KMS), for runs that do not give sseKmsKeyId. null: the destination bucket's default encryption. The functions get kms:GenerateDataKey and kms:Decrypt on it; its key policy must allow lambda_role_arn too. A run may name this key or one of destination_kms_key_arns."
  type        = string
  default     = null

  validation {
    condition     = var.destination_sse_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.destination_sse_kms_key_arn))
    error_message = "destination_sse_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "report_bucket" {
  description = "Bucket where runs write their report: every action taken (a dry run: every action it would take) as JSON lines, plus a summary, under <report_prefix><execution name>/ (docs/OPERATING.md, \"Run report\"). null: no reports. The functions may write only under report_prefix in it."
  type        = string
  default     = null

  validation {
    condition     = var.report_bucket == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.report_bucket)) && !strcontains(var.report_bucket, "..") && !endswith(var.report_bucket, "--x-s3")
    error_message = "report_bucket must be null or a valid S3 general purpose bucket name (3-63 lowercase letters, digits, '.', '-')."
  }
}

variable "report_kms_key_arn" {
  description = "ARN of the customer managed KMS key that report_bucket's default encryption uses, if any: the functions get kms:GenerateDataKey on it to write reports. null: the bucket uses S3-managed keys or the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.report_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.report_kms_key_arn))
    error_message = "report_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "report_prefix" {
  description = "Key prefix of the reports in report_bucket; each run writes under <report_prefix><execution name>/."
  type        = string
  default     = "bucket-sync-reports/"
  nullable    = false

  validation {
    condition     = length(var.report_prefix) <= 512 && !startswith(var.report_prefix, "/")
    error_message = "report_prefix must be at most 512 characters and must not start with '/'."
  }
}

variable "continuous_sync" {
  description = <<-EOT
    Continuous sync (README, "Continuous sync"): the destination follows the source's changes
    within a minute. null (the default): off, and nothing of it is created. When set, the module
    creates an SQS queue (with a dead-letter queue), an EventBridge rule for the source bucket's
    Object Created / Object Deleted / Object Restore Completed events under prefix, and a consumer
    function that reads both sides' live state for each changed key and copies or deletes with the
    same code as a run. The bucket owner turns on EventBridge delivery for the source bucket
    (`eventbridge = true` on aws_s3_bucket_notification); the module never takes over the bucket's
    notification configuration. Keep a schedule of the ordinary sync as reconcile: it repairs
    what events miss. source and destination must be in source_bucket_names and
    destination_bucket_names and must differ (a destination that is also the watched source
    would loop). include/exclude are globs relative to prefix, as for runs. An object larger than
    inline_copy_max_bytes is handed to the state machine (a run scoped to that key). At most
    delete_budget deletes per delete_window_seconds: beyond, deletes pause (their messages go
    back to the queue) and the delete-budget alarm fires. Alarms (when var.alarms is on): the
    oldest message older than oldest_message_age_alarm_seconds, any message in the dead-letter
    queue, EventBridge failed invocations, deletes paused, and a reconcile run (a finished run
    over exactly source, destination, prefix, include and exclude) that copied or deleted at
    least missed_changes_alarm_threshold objects: what the event path missed, plus changes still
    in flight when that run listed them (about the change rate times the lag).
  EOT
  type = object({
    source                           = string
    destination                      = string
    prefix                           = optional(string, "")
    include                          = optional(list(string), [])
    exclude                          = optional(list(string), [])
    delete_orphans                   = optional(bool, true)
    inline_copy_max_bytes            = optional(number, 1073741824)
    delete_budget                    = optional(number, 1000)
    delete_window_seconds            = optional(number, 300)
    batch_size                       = optional(number, 100)
    maximum_batching_window_seconds  = optional(number, 1)
    consumer_timeout                 = optional(number, 120)
    consumer_memory_size             = optional(number, 512)
    max_receive_count                = optional(number, 5)
    message_retention_seconds        = optional(number, 345600)
    kms_master_key_id                = optional(string)
    oldest_message_age_alarm_seconds = optional(number, 300)
    missed_changes_alarm_threshold   = optional(number, 100)
  })
  default = null

  validation {
    condition = var.continuous_sync == null ? true : alltrue([for b in [var.continuous_sync.source, var.continuous_sync.destination] :
    can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b)) && !strcontains(b, "..")])
    error_message = "continuous_sync.source and continuous_sync.destination must be valid S3 bucket names."
  }

  validation {
    # One prefix applies to both sides, so the same bucket always overlaps itself: every copy
    # would be an event on the watched source, an event loop.
    condition     = var.continuous_sync == null ? true : var.continuous_sync.source != var.continuous_sync.destination
    error_message = "continuous_sync.destination must not be the watched source bucket: the consumer's own writes would be events on the source it watches (an event loop)."
  }

  validation {
    condition     = var.continuous_sync == null ? true : length(var.continuous_sync.prefix) <= 1024 && !startswith(var.continuous_sync.prefix, "/")
    error_message = "continuous_sync.prefix must be at most 1,024 characters and must not start with '/'."
  }

  validation {
    condition     = var.continuous_sync == null ? true : alltrue([for p in concat(var.continuous_sync.include, var.continuous_sync.exclude) : length(p) >= 1 && length(p) <= 1024])
    error_message = "continuous_sync.include and exclude patterns must be 1 to 1,024 characters each."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.inline_copy_max_bytes >= 0 && floor(var.continuous_sync.inline_copy_max_bytes) == var.continuous_sync.inline_copy_max_bytes
    error_message = "continuous_sync.inline_copy_max_bytes must be a whole number >= 0."
  }

  validation {
    condition = var.continuous_sync == null ? true : (
      var.continuous_sync.delete_budget >= 0 && floor(var.continuous_sync.delete_budget) == var.continuous_sync.delete_budget &&
      var.continuous_sync.delete_window_seconds >= 60 && var.continuous_sync.delete_window_seconds <= 86400 && floor(var.continuous_sync.delete_window_seconds) == var.continuous_sync.delete_window_seconds
    )
    error_message = "continuous_sync.delete_budget must be a whole number >= 0 and delete_window_seconds a whole number from 60 to 86400."
  }

  validation {
    # Lambda's SQS event source: up to 10,000 records a batch for a standard queue, and a
    # batching window of at least 1 s once the batch size exceeds 10.
    condition = var.continuous_sync == null ? true : (
      var.continuous_sync.batch_size >= 1 && var.continuous_sync.batch_size <= 10000 && floor(var.continuous_sync.batch_size) == var.continuous_sync.batch_size &&
      var.continuous_sync.maximum_batching_window_seconds >= (var.continuous_sync.batch_size > 10 ? 1 : 0) && var.continuous_sync.maximum_batching_window_seconds <= 300
    )
    error_message = "continuous_sync.batch_size must be a whole number from 1 to 10000, and maximum_batching_window_seconds from 0 to 300 (at least 1 when batch_size is above 10)."
  }

  validation {
    # The queue's visibility timeout is 6 x the consumer's timeout plus the batching window (AWS's
    # advice for Lambda consumers) and SQS allows at most 12 hours.
    condition     = var.continuous_sync == null ? true : var.continuous_sync.consumer_timeout >= 10 && var.continuous_sync.consumer_timeout <= 900 && floor(var.continuous_sync.consumer_timeout) == var.continuous_sync.consumer_timeout
    error_message = "continuous_sync.consumer_timeout must be a whole number of seconds from 10 to 900."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.consumer_memory_size >= 128 && var.continuous_sync.consumer_memory_size <= 10240
    error_message = "continuous_sync.consumer_memory_size must be from 128 to 10240 MB."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.max_receive_count >= 1 && var.continuous_sync.max_receive_count <= 1000 && floor(var.continuous_sync.max_receive_count) == var.continuous_sync.max_receive_count
    error_message = "continuous_sync.max_receive_count must be a whole number from 1 to 1000."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.message_retention_seconds >= 60 && var.continuous_sync.message_retention_seconds <= 1209600
    error_message = "continuous_sync.message_retention_seconds must be from 60 to 1209600 (14 days)."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.kms_master_key_id == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.continuous_sync.kms_master_key_id))
    error_message = "continuous_sync.kms_master_key_id must be null (SQS-managed encryption) or a KMS key ARN whose key policy lets events.amazonaws.com use it."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.oldest_message_age_alarm_seconds >= 60
    error_message = "continuous_sync.oldest_message_age_alarm_seconds must be at least 60."
  }

  validation {
    condition     = var.continuous_sync == null ? true : var.continuous_sync.missed_changes_alarm_threshold >= 1 && floor(var.continuous_sync.missed_changes_alarm_threshold) == var.continuous_sync.missed_changes_alarm_threshold
    error_message = "continuous_sync.missed_changes_alarm_threshold must be a whole number of objects, at least 1."
  }
}
