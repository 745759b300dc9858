"""A release is recorded once: the newest released CHANGELOG section is pyproject's version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from scripts.release import released_section, unreleased_notes
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


def _git(*args: str, repo: Path = ROOT) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()


def _release_commit(version: str) -> str | None:
    """The commit that released `version`: its tag, else the commit named "Release X.Y.Z"
    (a clone may come without tags)."""
    tagged = _git("rev-parse", "--verify", "--quiet", f"v{version}^{{commit}}")
    if tagged:
        return tagged
    named = _git(
        "log", "--format=%H", "--extended-regexp", f"--grep=^Release {re.escape(version)}([^0-9.]|$)"
    )
    return named.splitlines()[-1] if named else None


def test_a_released_section_never_changes_after_its_release():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    shallow = _git("rev-parse", "--is-shallow-repository") == "true"
    for version, _ in _RELEASE.findall(changelog):
        commit = _release_commit(version)
        if commit is None and shallow:
            continue  # a shallow clone lacks the history to compare with; a full one checks it
        assert commit, f"no tag v{version} and no commit 'Release {version}'"
        then = _git("show", f"{commit}:CHANGELOG.md")
        assert released_section(changelog, version) == released_section(then, version), (
            f"CHANGELOG's [{version}] section changed after its release ({commit[:12]}): "
            "put later changes under [Unreleased]"
        )


def test_the_release_script_freezes_the_changelog_repins_and_tags(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-01-01\n\n- first\n"
    )
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1.0"\n')
    (repo / "README.md").write_text('source = "git::https://h/terraform-aws-bucket-sync.git?ref=v0.1.0"\n')
    for args in (("init", "--quiet"), ("add", ".")):
        _git(*args, repo=repo)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "start", repo=repo)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    script = [
        sys.executable,
        str(ROOT / "scripts" / "release.py"),
        "0.2.0",
        "--date",
        "2026-02-02",
        "--repo",
        str(repo),
    ]
    subprocess.run(script, check=True, capture_output=True, env={**os.environ, **env})

    changelog = (repo / "CHANGELOG.md").read_text()
    assert unreleased_notes(changelog) == ""
    assert released_section(changelog, "0.2.0") == "## [0.2.0] - 2026-02-02\n\n### Added\n- a thing"
    assert 'version = "0.2.0"' in (repo / "pyproject.toml").read_text()
    assert "?ref=v0.2.0" in (repo / "README.md").read_text()
    assert _git("cat-file", "-t", "v0.2.0", repo=repo) == "tag"  # annotated
    assert _git("log", "-1", "--format=%s", repo=repo) == "Release 0.2.0"

    again = subprocess.run(script, capture_output=True, text=True, env={**os.environ, **env})
    assert again.returncode != 0 and "[Unreleased] is empty" in again.stderr
