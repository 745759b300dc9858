"""Local AWS emulator harness: moto + real Lambda execution + Terraform apply.

``Emulator`` and ``TerraformStack`` are imported lazily so that Lambda worker
processes, which import ``harness.lambda_runtime``, do not pay for moto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.emulator import Emulator
    from harness.terraform import TerraformStack

__all__ = ["Emulator", "TerraformStack"]


def __getattr__(name: str) -> Any:
    if name == "Emulator":
        from harness.emulator import Emulator

        return Emulator
    if name == "TerraformStack":
        from harness.terraform import TerraformStack

        return TerraformStack
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
