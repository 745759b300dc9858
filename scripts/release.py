"""Cut a release: freeze the CHANGELOG's [Unreleased] section as version X.Y.Z, set that version
in pyproject.toml and the README's pins, commit "Release X.Y.Z" and tag it vX.Y.Z (annotated,
with the section as its message).

    python scripts/release.py 0.2.0            # today's date (UTC)
    python scripts/release.py 0.2.0 --date 2026-12-04 --repo /path/to/clone

A released section never changes afterwards (tests/static/test_release.py compares it with the
release commit), so everything after a release goes under [Unreleased] until the next one.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNRELEASED = "## [Unreleased]"
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_PYPROJECT_VERSION = re.compile(r'^version = "(\d+\.\d+\.\d+)"$', re.MULTILINE)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def unreleased_notes(changelog: str) -> str:
    """The text between [Unreleased] and the newest release."""
    start = changelog.index(UNRELEASED) + len(UNRELEASED)
    newest = RELEASE_HEADING.search(changelog, start)
    return changelog[start : newest.start() if newest else len(changelog)].strip()


def released_section(changelog: str, version: str) -> str | None:
    """The section of `version`, heading included, up to the next release; None if absent."""
    for match in RELEASE_HEADING.finditer(changelog):
        if match.group(1) == version:
            following = RELEASE_HEADING.search(changelog, match.end())
            return changelog[match.start() : following.start() if following else len(changelog)].strip()
    return None


def freeze(changelog: str, version: str, date: str) -> str:
    """The CHANGELOG with [Unreleased]'s notes moved under a new heading for `version`."""
    notes = unreleased_notes(changelog)
    if not notes:
        raise SystemExit("nothing to release: [Unreleased] is empty")
    newest = RELEASE_HEADING.search(changelog)
    if newest and version_key(version) <= version_key(newest.group(1)):
        raise SystemExit(f"{version} is not newer than the last release {newest.group(1)}")
    head = changelog[: changelog.index(UNRELEASED)]
    rest = changelog[newest.start() :] if newest else ""
    return f"{head}{UNRELEASED}\n\n## [{version}] - {date}\n\n{notes}\n\n{rest}".rstrip() + "\n"


def repin(text: str, old: str, new: str) -> str:
    """`text` with its git pins of `old` (`?ref=vOLD`, `@vOLD`) moved to `new`."""
    return text.replace(f"?ref=v{old}", f"?ref=v{new}").replace(f"@v{old}", f"@v{new}")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def release(repo: Path, version: str, date: str) -> None:
    """Write, commit and tag the release in `repo`, whose working tree must be clean."""
    if not _VERSION.match(version):
        raise SystemExit(f"version must be X.Y.Z, not {version!r}")
    if git(repo, "status", "--porcelain").strip():
        raise SystemExit("the working tree has uncommitted changes: commit or stash them first")
    changelog_path, pyproject_path, readme_path = (
        repo / name for name in ("CHANGELOG.md", "pyproject.toml", "README.md")
    )
    changelog = freeze(changelog_path.read_text(), version, date)
    pyproject = pyproject_path.read_text()
    current = _PYPROJECT_VERSION.search(pyproject)
    if current is None:
        raise SystemExit("pyproject.toml has no version line")
    changelog_path.write_text(changelog)
    pyproject_path.write_text(_PYPROJECT_VERSION.sub(f'version = "{version}"', pyproject, count=1))
    readme_path.write_text(repin(readme_path.read_text(), current.group(1), version))
    git(repo, "commit", "--quiet", "--all", "--message", f"Release {version}")
    section = released_section(changelog, version)
    git(
        repo,
        "tag",
        "--annotate",
        "--cleanup=verbatim",
        f"v{version}",
        "--message",
        section or f"Release {version}",
    )
    print(f"released {version}: commit {git(repo, 'rev-parse', 'HEAD').strip()}, tag v{version}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("version", help="the new version, X.Y.Z")
    parser.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    parser.add_argument("--repo", type=Path, default=ROOT, help="the clone to release (default: this one)")
    args = parser.parse_args(argv)
    release(args.repo, args.version, args.date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
