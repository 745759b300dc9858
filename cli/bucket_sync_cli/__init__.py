"""bucket-sync: start a sync run of the deployed state machine, follow it, print its summary."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
