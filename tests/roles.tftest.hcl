# IAM roles: path and permissions boundary on the roles the module creates, and roles the
# consumer brings instead, checked under a mock provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                     = "nightly"
  source_bucket_names      = ["photos-src"]
  destination_bucket_names = ["photos-dst"]
}

run "creates_both_roles_at_the_root_path_without_a_boundary_by_default" {
  command = apply

  assert {
    condition     = length(aws_iam_role.lambda) == 1 && length(aws_iam_role.state_machine) == 1 && length(aws_iam_role_policy.lambda) == 1 && length(aws_iam_role_policy.state_machine) == 1
    error_message = "By default the module creates both roles and attaches their policies."
  }

  assert {
    condition     = aws_iam_role.lambda[0].path == "/" && aws_iam_role.state_machine[0].path == "/" && aws_iam_role.lambda[0].permissions_boundary == null && aws_iam_role.state_machine[0].permissions_boundary == null
    error_message = "Roles sit at / with no permissions boundary by default."
  }

  assert {
    condition     = output.lambda_role_arn == aws_iam_role.lambda[0].arn && output.state_machine_role_arn == aws_iam_role.state_machine[0].arn && aws_sfn_state_machine.this.role_arn == aws_iam_role.state_machine[0].arn
    error_message = "The created roles are the ones used and reported."
  }
}

run "puts_every_created_role_under_the_path_and_boundary" {
  command = apply

  variables {
    role_path                     = "/platform/sync/"
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/boundaries/workload"
    schedules = {
      nightly = { source = "photos-src", destination = "photos-dst", schedule_expression = "rate(1 day)" }
    }
  }

  assert {
    condition     = alltrue([for r in [aws_iam_role.lambda[0], aws_iam_role.state_machine[0], aws_iam_role.scheduler[0]] : r.path == "/platform/sync/" && r.permissions_boundary == "arn:aws:iam::123456789012:policy/boundaries/workload"])
    error_message = "role_path and role_permissions_boundary_arn reach the Lambda, state machine and scheduler roles."
  }
}

run "uses_the_roles_it_is_given_and_creates_none" {
  command = apply

  variables {
    lambda_role_arn        = "arn:aws:iam::123456789012:role/sync/own-lambda"
    state_machine_role_arn = "arn:aws:iam::123456789012:role/own-states"
  }

  assert {
    condition     = length(aws_iam_role.lambda) == 0 && length(aws_iam_role_policy.lambda) == 0 && length(aws_iam_role.state_machine) == 0 && length(aws_iam_role_policy.state_machine) == 0
    error_message = "Given roles: the module creates no role and attaches no policy."
  }

  assert {
    condition     = aws_sfn_state_machine.this.role_arn == "arn:aws:iam::123456789012:role/own-states" && output.state_machine_role_arn == "arn:aws:iam::123456789012:role/own-states"
    error_message = "The state machine runs as the given role, and the output says so."
  }

  assert {
    condition     = output.lambda_role_arn == "arn:aws:iam::123456789012:role/sync/own-lambda" && local.lambda_role_arn == "arn:aws:iam::123456789012:role/sync/own-lambda"
    error_message = "The functions run as the given role, and the output says so."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.bucket_grant["photos-src"].statement : one(s.principals).identifiers == toset(["arn:aws:iam::123456789012:role/sync/own-lambda"])])
    error_message = "bucket_policies grant the given Lambda role."
  }

  assert {
    condition     = output.lambda_policy_json == data.aws_iam_policy_document.lambda.json && output.state_machine_policy_json == data.aws_iam_policy_document.state_machine.json
    error_message = "The policies the given roles need are in the outputs."
  }
}

run "creates_only_the_role_it_is_not_given" {
  command = apply

  variables {
    state_machine_role_arn = "arn:aws:iam::123456789012:role/own-states"
  }

  assert {
    condition     = length(aws_iam_role.lambda) == 1 && length(aws_iam_role_policy.lambda) == 1 && length(aws_iam_role.state_machine) == 0 && length(aws_iam_role_policy.state_machine) == 0
    error_message = "Each role is brought or created on its own."
  }
}
