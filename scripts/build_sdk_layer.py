"""Build dist/sdk-layer.zip: the pinned boto3/botocore the handlers run on, as a Lambda layer.

The Lambda runtime bundles a boto3 of its own that lags and is not pinned; orphan deletes, copies
and the page-ahead depend on botocore features from late 2024 and 2025. The module therefore ships
the SDK the tests run, pinned in pyproject.toml's `sdk-layer` extra (the one place the pins live;
boto3 and botocore equal the `dev` pins, a test checks it). The wheels are unpacked under
`python/` (which Lambda puts on sys.path ahead of the runtime's own packages), pruned to the
services the handlers call, and zipped like dist/handlers.zip: sorted entries, fixed timestamps
and permissions, stored uncompressed so that no zlib version can change a byte. Wheels are
downloaded once into build/sdk-wheels/. `--check` fails when the committed zip is stale.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

# The handler package's zip writer, so both committed zips are built the same way (this file
# runs as a script from scripts/ and is imported as scripts.build_sdk_layer by the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from package_handlers import reproducible_zip  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LAYER = ROOT / "dist" / "sdk-layer.zip"
WHEEL_CACHE = ROOT / "build" / "sdk-wheels"
PIN_EXTRA = "sdk-layer"
MANIFEST = "python/bucket_sync_sdk.json"

# What the handlers create clients and resources for (handlers/bucket_sync/clients.py and
# runstore.py; a test greps the handlers and fails on a service missing here). sts stays for
# botocore's assume-role and web-identity credential providers, should a consumer configure them.
BOTOCORE_SERVICES = ("dynamodb", "s3", "stepfunctions", "sts")
BOTO3_RESOURCES = ("dynamodb", "s3")

# Of a wheel's metadata only what importlib.metadata needs (METADATA) and the licences the
# Apache-2.0 and MIT terms ask to ship with a redistribution.
_DIST_INFO_KEPT = re.compile(r"^(METADATA|LICEN[CS]E.*|NOTICE.*|licenses/.+)$")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def pins(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """The layer's packages and exact versions, from pyproject.toml's `sdk-layer` extra."""
    extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    found: dict[str, str] = {}
    for requirement in extras[PIN_EXTRA]:
        match = _PIN.match(requirement.replace(" ", ""))
        if match is None:
            raise ValueError(f"{PIN_EXTRA} must pin exact versions (name==version), not {requirement!r}")
        found[match.group(1).lower()] = match.group(2)
    return found


def _wheel_prefix(name: str, version: str) -> str:
    # Wheel file names normalise the project name to lower case with underscores.
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}-"


def _cached_wheel(name: str, version: str, cache: Path) -> Path | None:
    prefix = _wheel_prefix(name, version)
    matches = sorted(p for p in cache.glob("*.whl") if p.name.lower().startswith(prefix))
    return matches[0] if matches else None


def fetch_wheels(wanted: dict[str, str], cache: Path = WHEEL_CACHE) -> list[Path]:
    """One pure-Python wheel per pin, downloaded with pip into `cache` unless already there."""
    cache.mkdir(parents=True, exist_ok=True)
    missing = [f"{n}=={v}" for n, v in wanted.items() if _cached_wheel(n, v, cache) is None]
    if missing:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        subprocess.run([*command, "--dest", str(cache), *missing], check=True)
    wheels = []
    for name, version in wanted.items():
        wheel = _cached_wheel(name, version, cache)
        if wheel is None:
            raise FileNotFoundError(f"pip did not produce a wheel for {name}=={version} in {cache}")
        if not wheel.name.endswith("-none-any.whl"):
            raise ValueError(f"{wheel.name} is not pure Python: the layer must fit every architecture")
        wheels.append(wheel)
    return wheels


def keep(member: str) -> bool:
    """Whether a wheel member goes into the layer."""
    parts = PurePosixPath(member).parts
    if "__pycache__" in parts or member.endswith((".pyc", ".pyo")) or {"tests", "test"} & set(parts):
        return False
    if parts[0].endswith(".data") and parts[1:2] == ("scripts",):
        return False  # command-line scripts (jmespath's jp.py): nothing imports them
    if parts[0].endswith(".dist-info"):
        return bool(_DIST_INFO_KEPT.match("/".join(parts[1:])))
    if parts[:2] == ("botocore", "data") and len(parts) > 3:
        return parts[2] in BOTOCORE_SERVICES
    if parts[:2] == ("boto3", "data") and len(parts) > 3:
        return parts[2] in BOTO3_RESOURCES
    return True


def manifest(wanted: dict[str, str], wheels: list[Path]) -> bytes:
    """What the layer holds, recorded inside it (python/bucket_sync_sdk.json)."""
    record = {
        "packages": dict(sorted(wanted.items())),
        "wheels": {w.name: hashlib.sha256(w.read_bytes()).hexdigest() for w in sorted(wheels)},
        "botocore_services": list(BOTOCORE_SERVICES),
        "boto3_resources": list(BOTO3_RESOURCES),
        "built_by": "scripts/build_sdk_layer.py",
    }
    return (json.dumps(record, indent=2) + "\n").encode()


def build(wanted: dict[str, str] | None = None, cache: Path = WHEEL_CACHE) -> bytes:
    """The layer's bytes, a pure function of the pinned wheels and the pruning rules."""
    wanted = pins() if wanted is None else wanted
    wheels = fetch_wheels(wanted, cache)
    files: dict[str, bytes] = {MANIFEST: manifest(wanted, wheels)}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                if info.is_dir() or not keep(info.filename):
                    continue
                if PurePosixPath(info.filename).parts[0].endswith(".data"):
                    raise ValueError(f"{wheel.name} installs outside site-packages ({info.filename})")
                name = f"python/{info.filename}"
                if name in files:
                    raise ValueError(f"{name} is in two wheels")
                files[name] = archive.read(info)
    return reproducible_zip(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed zip is stale")
    args = parser.parse_args()
    wanted = pins()
    fresh = build(wanted)
    relative = LAYER.relative_to(ROOT)
    contents = ", ".join(f"{name} {version}" for name, version in sorted(wanted.items()))
    if args.check:
        if not LAYER.exists() or LAYER.read_bytes() != fresh:
            print(f"{relative} is stale: run python scripts/build_sdk_layer.py", file=sys.stderr)
            return 1
        print(f"{relative} is up to date ({len(fresh):,} bytes: {contents})")
        return 0
    LAYER.parent.mkdir(parents=True, exist_ok=True)
    LAYER.write_bytes(fresh)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(fresh)).infolist())
    print(f"wrote {relative} ({len(fresh):,} bytes, {unpacked:,} unpacked: {contents})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
