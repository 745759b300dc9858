"""Hold moto's Lambda API to AWS's 4 KB quota on a function's environment variables.

AWS: "Total size of environment variables: 4 KB" (Lambda quotas, docs.aws.amazon.com/lambda/
latest/dg/gettingstarted-limits.html), a hard limit; CreateFunction and
UpdateFunctionConfiguration refuse a larger set with InvalidParameterValueException, measuring
the variables as their JSON object ("String measured: {...}"). moto 5.2.5 stores any size, so a
module whose functions' environment outgrew the quota would apply here and fail on AWS.

The check consults :func:`harness.strictness.current` at call time (switch
``lambda_environment_size``).
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaBackend

from harness import strictness

MAX_ENVIRONMENT_BYTES = 4096


def environment_bytes(variables: dict[str, str]) -> int:
    """Size of `variables` as Lambda measures it: their JSON object, in UTF-8."""
    return len(json.dumps(variables, separators=(",", ":"), ensure_ascii=False).encode())


def _check(spec: dict[str, Any]) -> None:
    variables = (spec.get("Environment") or {}).get("Variables") or {}
    if strictness.current().lambda_environment_size and environment_bytes(variables) > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            f"variables you have provided exceeded the 4KB limit. String measured: {json.dumps(variables)}"
        )


def apply() -> None:
    """Check the environment on create and on update (called once, under moto_patches' lock)."""
    create, update = LambdaBackend.create_function, LambdaBackend.update_function_configuration

    def create_function(self: LambdaBackend, spec: dict[str, Any]) -> Any:
        _check(spec)
        return create(self, spec)

    def update_function_configuration(
        self: LambdaBackend, function_name: str, qualifier: str, body: dict[str, Any]
    ) -> Any:
        _check(body)
        return update(self, function_name, qualifier, body)

    LambdaBackend.create_function = create_function  # type: ignore[method-assign]
    LambdaBackend.update_function_configuration = update_function_configuration  # type: ignore[method-assign]
