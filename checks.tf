# Settings each valid alone that cannot work together, refused at plan time (docs/OPERATING.md, "Sizing a
# step"). Cross-variable validation needs Terraform 1.9 and the module supports 1.7, so the rules
# are preconditions. The figures are the handlers' (copytime.STOP_MARGIN_SECONDS) and measured
# ones (scripts/window_memory.py, docs/BENCHMARKS.md); tests/static/test_terraform.py keeps them
# equal to the Python constants.
locals {
  # MB a step uses before it lists a key: 50 measured (interpreter, botocore, clients), plus
  # Lambda's runtime client, the LIST pages in flight and the copy pool's threads.
  step_base_memory_mb = 100
  # MB a window keeps per chunk_size key: both sides' entries, at least 0.9 KB each (1.9 KB with
  # 1,024-byte keys); a window holds them while it merges and copies.
  window_memory_mb_per_key = 0.0018
  # A step stops starting work this long before its deadline, or a third of its time if less.
  stop_margin_seconds = 45
  # One LIST page of each side: S3's latency, about 150 ms, or parsing two pages' keys at
  # 0.020 ms each on one vCPU (1,769 MB; Lambda gives CPU in proportion to memory) if longer.
  list_page_seconds   = max(0.15, 2 * 1000 * 0.00002 * 1769 / var.lambda_memory_size)
  window_list_seconds = ceil(var.chunk_size / 1000) * local.list_page_seconds
  step_usable_seconds = var.lambda_timeout - min(local.stop_margin_seconds, var.lambda_timeout / 3)
  window_memory_mb    = ceil(local.step_base_memory_mb + var.chunk_size * local.window_memory_mb_per_key)
  # Lambda refuses a function whose environment variables exceed 4 KB, measured as their JSON
  # object in UTF-8. base64 gives the byte count; jsonencode writes <, > and & as \u003c..., so
  # those count 6 bytes here (1 on AWS): the check errs on the refusing side only for them.
  lambda_environment_bytes = max([
    for env in [local.environment, local.continuous_environment] :
    length(base64encode(jsonencode(env))) / 4 * 3 - length(regexall("=", base64encode(jsonencode(env))))
  ]...)
}

resource "terraform_data" "settings_checks" {
  lifecycle {
    precondition {
      condition     = var.lambda_memory_size >= local.window_memory_mb
      error_message = "chunk_size ${var.chunk_size} needs lambda_memory_size >= ${local.window_memory_mb} MB (a window holds both sides' listings, about 1.8 KB per chunk_size key, 3.8 KB with 1,024-byte keys, plus ${local.step_base_memory_mb} MB): raise lambda_memory_size or lower chunk_size."
    }

    precondition {
      condition     = local.window_list_seconds <= local.step_usable_seconds / 2
      error_message = "Listing chunk_size ${var.chunk_size} keys a side takes about ${format("%.1f", local.window_list_seconds)} s at ${var.lambda_memory_size} MB, more than half of the ${format("%.1f", local.step_usable_seconds)} s a ${var.lambda_timeout} s step may work, so no time is left to copy: raise lambda_timeout (or lambda_memory_size) or lower chunk_size."
    }

    precondition {
      condition     = local.lambda_environment_bytes <= 4096
      error_message = "The functions' environment variables would take ${local.lambda_environment_bytes} bytes, more than Lambda's 4 KB quota: shorten the lists the module passes to them (source_bucket_names, destination_bucket_names, include, exclude, destination_kms_key_arns, continuous_sync's include and exclude)."
    }
  }
}
