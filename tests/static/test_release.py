"""A release is recorded once: the newest released CHANGELOG section is pyproject's version."""

from __future__ import annotations

import re
import tomllib

from tests.static.asl import ROOT

_RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_newest_changelog_release_is_the_package_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = _RELEASE.findall(changelog)
    assert releases, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' section"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert releases[0][0] == version, f"CHANGELOG's newest release {releases[0][0]} != pyproject {version}"


def test_unreleased_section_sits_above_the_releases():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    unreleased = changelog.index("## [Unreleased]")
    assert unreleased < _RELEASE.search(changelog).start()


def test_readme_usage_pins_the_released_tag():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    readme = (ROOT / "README.md").read_text()
    assert f'terraform-aws-bucket-sync.git?ref=v{version}"' in readme
