"""Build dist/handlers.zip from handlers/, byte for byte the same on every machine.

The module uploads this committed zip, so applying it needs no archive provider and no build
step. Entries are sorted, timestamps and permissions fixed, and stored uncompressed so that no
zlib version can change a byte. `--check` fails when the committed zip is stale.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "handlers"
PACKAGE = ROOT / "dist" / "handlers.zip"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def package_files(source: Path = SOURCE) -> list[Path]:
    """The files that go into the package: Python sources only, no caches."""
    return sorted(p for p in source.rglob("*.py") if "__pycache__" not in p.parts)


def reproducible_zip(files: dict[str, bytes]) -> bytes:
    """A zip of `files` (name -> bytes) whose bytes depend on nothing else: sorted entries, fixed
    timestamps and permissions, stored uncompressed (no zlib version can change a byte)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name])
    return buffer.getvalue()


def build(source: Path = SOURCE) -> bytes:
    """The package's bytes, a pure function of the sources' paths and contents."""
    return reproducible_zip(
        {path.relative_to(source).as_posix(): path.read_bytes() for path in package_files(source)}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed zip is stale")
    args = parser.parse_args()
    fresh = build()
    if args.check:
        if not PACKAGE.exists() or PACKAGE.read_bytes() != fresh:
            print(
                f"{PACKAGE.relative_to(ROOT)} is stale: run python scripts/package_handlers.py",
                file=sys.stderr,
            )
            return 1
        print(f"{PACKAGE.relative_to(ROOT)} is up to date")
        return 0
    PACKAGE.parent.mkdir(parents=True, exist_ok=True)
    PACKAGE.write_bytes(fresh)
    print(f"wrote {PACKAGE.relative_to(ROOT)} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
