# Plan-level checks of the module under a mock provider: nothing is created anywhere.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                     = "nightly"
  source_bucket_names      = ["photos-src"]
  destination_bucket_names = ["photos-dst", "photos-dr"]
  chunk_size               = 250
  max_concurrency          = 7
  max_steps_per_range      = 40
}

run "renders_the_state_machine_from_the_variables" {
  command = apply

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.SyncRanges.MaxConcurrency == 7
    error_message = "max_concurrency must reach the Distributed Map."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.SyncRanges.ItemProcessor.States.MoreWindowsInRange.Choices[1].NumericGreaterThanEquals == 40
    error_message = "max_steps_per_range must bound the range loop."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.SyncRanges.ItemProcessor.ProcessorConfig.Mode == "DISTRIBUTED"
    error_message = "Ranges must run as child executions of a Distributed Map."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.ValidateInput.TimeoutSeconds == 330
    error_message = "Task timeout must follow lambda_timeout (300 s default) plus a margin."
  }

  assert {
    condition     = aws_sfn_state_machine.this.name == "nightly" && aws_sfn_state_machine.this.type == "STANDARD"
    error_message = "The state machine is named after var.name and is STANDARD (Distributed Map children)."
  }

  assert {
    condition     = module.function["sync_range"].name == "nightly-sync-range"
    error_message = "Function names derive from var.name."
  }

  assert {
    condition     = length(output.function_arns) == 4 && output.state_machine_name == "nightly"
    error_message = "Outputs must name the state machine and all four functions."
  }

  assert {
    condition     = aws_sfn_state_machine.this.logging_configuration[0].level == "ERROR" && !aws_sfn_state_machine.this.logging_configuration[0].include_execution_data
    error_message = "Execution logging is on at ERROR without execution data by default."
  }
}

run "passes_the_settings_to_every_function" {
  command = apply

  assert {
    condition     = jsondecode(local.environment.DESTINATION_BUCKETS) == ["photos-dst", "photos-dr"] && local.environment.CHUNK_SIZE == "250" && local.environment.MAX_RANGES == "7"
    error_message = "Bucket lists and tuning values must reach the handlers."
  }
}

run "scopes_the_lambda_role_to_the_configured_buckets" {
  command = apply

  assert {
    condition     = toset(data.aws_iam_policy_document.lambda.statement[0].resources) == toset(["arn:aws:s3:::photos-src", "arn:aws:s3:::photos-dst", "arn:aws:s3:::photos-dr"])
    error_message = "Listing is allowed on the configured buckets only."
  }

  assert {
    condition     = toset(data.aws_iam_policy_document.lambda.statement[1].resources) == toset(["arn:aws:s3:::photos-src/*"]) && !contains(data.aws_iam_policy_document.lambda.statement[1].actions, "s3:PutObject")
    error_message = "Sources are read-only."
  }

  assert {
    condition     = toset(data.aws_iam_policy_document.lambda.statement[2].resources) == toset(["arn:aws:s3:::photos-dst/*", "arn:aws:s3:::photos-dr/*"])
    error_message = "Writes and deletes are allowed in the destinations only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteDestinationObjects"]).actions == toset(["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject"])
    error_message = "Destinations get exactly the writes, deletes and reads (HEAD, conditional deletes) the handlers make."
  }

  assert {
    condition     = length(setintersection(toset(flatten([for s in data.aws_iam_policy_document.lambda.statement : tolist(s.actions)])), toset(["s3:GetBucketLocation", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"]))) == 0
    error_message = "No action the handlers never call is granted."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.state_machine.statement : s if s.sid == "RedriveOwnChildExecutions"]).actions == toset(["states:RedriveExecution"]) && one([for s in data.aws_iam_policy_document.state_machine.statement : s if s.sid == "RedriveOwnChildExecutions"]).resources == toset([local.map_run_execution_arns])
    error_message = "A failed Map Run of this state machine can be redriven."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.bucket_grant["photos-dst"].statement : s if s.sid == "BucketSyncWrite"]).actions == one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "WriteDestinationObjects"]).actions && one([for s in data.aws_iam_policy_document.bucket_grant["photos-src"].statement : s if s.sid == "BucketSyncRead"]).actions == one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadSourceObjects"]).actions && length(data.aws_iam_policy_document.bucket_grant["photos-src"].statement) == 3
    error_message = "bucket_policies grants a destination's owner exactly the role's destination actions, a source's the read ones."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.lambda.statement : !contains(s.resources, "*")])
    error_message = "The Lambda role has no wildcard resource."
  }
}

run "scopes_the_state_machine_role_to_its_own_functions_and_executions" {
  command = apply

  assert {
    condition     = data.aws_iam_policy_document.state_machine.statement[1].resources == toset(["arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"])
    error_message = "Child executions may be started of this state machine only."
  }

  assert {
    condition     = data.aws_iam_policy_document.state_machine.statement[2].resources == toset(["arn:aws:states:eu-west-1:123456789012:execution:nightly/*"])
    error_message = "Only this state machine's executions may be described or stopped."
  }

  assert {
    condition     = data.aws_iam_policy_document.state_machine.statement[0].resources == toset(["arn:aws:lambda:eu-west-1:123456789012:function:mocked", "arn:aws:lambda:eu-west-1:123456789012:function:mocked:*"])
    error_message = "The state machine may invoke its own functions (and their versions) only."
  }
}

run "grants_no_kms_access_without_keys" {
  command = apply

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.lambda.statement : alltrue([for a in s.actions : !startswith(a, "kms:")])])
    error_message = "Without configured keys the Lambda role has no KMS permission."
  }
}

run "grants_only_what_the_configured_kms_keys_need" {
  command = apply

  variables {
    source_kms_key_arns      = ["arn:aws:kms:eu-west-1:123456789012:key/source-key"]
    destination_kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/backup-key"]
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "DecryptSourceObjects"]).actions == toset(["kms:Decrypt"]) && one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "DecryptSourceObjects"]).resources == toset(["arn:aws:kms:eu-west-1:123456789012:key/source-key"])
    error_message = "Source keys may only decrypt."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "EncryptDestinationObjects"]).resources == toset(["arn:aws:kms:eu-west-1:123456789012:key/backup-key"])
    error_message = "Destination keys are granted on those keys only."
  }
}

run "tells_the_functions_whether_to_keep_website_redirects" {
  command = apply

  variables {
    keep_website_redirects = false
  }

  assert {
    condition     = local.environment.KEEP_WEBSITE_REDIRECTS == "false"
    error_message = "keep_website_redirects must reach the handlers."
  }
}

run "tells_the_functions_the_expected_owners_and_who_pays" {
  command = apply

  variables {
    source_bucket_owner      = "111122223333"
    destination_bucket_owner = "444455556666"
    request_payer            = "requester"
  }

  assert {
    condition     = [local.environment.SOURCE_BUCKET_OWNER, local.environment.DESTINATION_BUCKET_OWNER, local.environment.REQUEST_PAYER] == ["111122223333", "444455556666", "requester"]
    error_message = "The owners and request_payer must reach the handlers."
  }
}

run "leaves_the_owners_and_payer_unset_by_default" {
  command = apply

  assert {
    condition     = [local.environment.SOURCE_BUCKET_OWNER, local.environment.DESTINATION_BUCKET_OWNER, local.environment.REQUEST_PAYER] == ["", "", ""]
    error_message = "Without owners or payer the handlers must expect none."
  }
}
