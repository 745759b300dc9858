"""The committed handler zip is exactly what scripts/package_handlers.py builds from handlers/."""

from __future__ import annotations

import zipfile
from io import BytesIO

from scripts.package_handlers import PACKAGE, SOURCE, build, package_files


def test_committed_zip_is_fresh():
    assert PACKAGE.read_bytes() == build(), (
        "dist/handlers.zip is stale: run python scripts/package_handlers.py"
    )


def test_build_is_reproducible_and_holds_every_handler_source():
    first, second = build(), build()
    assert first == second
    names = zipfile.ZipFile(BytesIO(first)).namelist()
    assert names == [p.relative_to(SOURCE).as_posix() for p in package_files()]
    assert "bucket_sync/steps/sync_range.py" in names and not any("__pycache__" in n for n in names)
