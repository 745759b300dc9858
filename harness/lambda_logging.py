"""Teach moto's Lambda the LoggingConfig every real function reports.

moto 5.2.5 neither stores nor returns a function's LoggingConfig, so the aws provider would plan
to add `logging_config` after every apply; Lambda itself always reports one (Text format into
/aws/lambda/<name> unless told otherwise).
"""

from __future__ import annotations

import threading
from typing import Any

from moto.awslambda.models import LambdaFunction

_applied = False
_lock = threading.Lock()


def _logging_config(name: str, given: dict[str, Any] | None) -> dict[str, Any]:
    config = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}", **(given or {})}
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


def apply() -> None:
    """Install the patch once per process."""
    global _applied
    with _lock:
        if _applied:
            return
        init, get, update = (
            LambdaFunction.__init__,
            LambdaFunction.get_configuration,
            LambdaFunction.update_configuration,
        )

        def __init__(
            self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any
        ) -> None:
            init(self, account_id, spec, *args, **kwargs)
            self.logging_config = _logging_config(self.function_name, spec.get("LoggingConfig"))

        def get_configuration(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
            config = get(self, *args, **kwargs)
            config["LoggingConfig"] = getattr(self, "logging_config", None) or _logging_config(
                self.function_name, None
            )
            return config

        def update_configuration(self: LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
            if "LoggingConfig" in updates:
                self.logging_config = _logging_config(self.function_name, updates["LoggingConfig"])
            return update(self, updates)

        LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
        LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
        LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
        _applied = True
