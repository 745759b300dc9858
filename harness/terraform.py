"""Apply a Terraform root module into the emulator without touching the repo."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.emulator import Emulator

__all__ = ["TerraformError", "TerraformStack", "plugin_dir_args", "write_cli_config"]

PLUGIN_MIRROR = Path("/opt/tf-plugins")
TERRAFORM_BIN = os.environ.get("TERRAFORM_BIN", "terraform")

# Every service the module (or the provider's reads) may touch.
ENDPOINT_SERVICES = (
    "sqs",
    "iam",
    "lambda",
    "sfn",
    "cloudwatchlogs",
    "s3",
    "sts",
    "cloudwatch",
    "events",
    "scheduler",
    "sns",
    "kms",
    "dynamodb",
)

_COPIED_SUFFIXES = (".tf", ".tftpl", ".json")
_LOCAL_SOURCE = re.compile(r'^(\s*source\s*=\s*)"(\.\.?(?:/[^"]*)?)"', re.MULTILINE)
_PROVIDER_AWS = re.compile(r'^\s*provider\s+"aws"\s*\{', re.MULTILINE)
_BACKEND = re.compile(r'^\s*backend\s+"[^"]+"\s*\{', re.MULTILINE)
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([^"]+)"', re.MULTILINE)


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output tail."""

    def __init__(self, args: list[str], returncode: int, stdout: str, stderr: str) -> None:
        self.args_ = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(
            f"terraform {' '.join(args)} exited {returncode}\n"
            f"--- stderr (tail) ---\n{stderr[-4000:]}\n--- stdout (tail) ---\n{stdout[-2000:]}"
        )


def write_cli_config(path: Path) -> Path:
    """A Terraform CLI config that installs providers from the offline mirror where it exists
    (this machine has no registry access) and from the registry elsewhere."""
    installation = (
        f'filesystem_mirror {{\n    path = "{PLUGIN_MIRROR}"\n  }}' if PLUGIN_MIRROR.is_dir() else "direct {}"
    )
    path.write_text(f"provider_installation {{\n  {installation}\n}}\n")
    return path


def plugin_dir_args() -> list[str]:
    """`terraform init` arguments that take providers from the offline mirror, where it exists."""
    return [f"-plugin-dir={PLUGIN_MIRROR}"] if PLUGIN_MIRROR.is_dir() else []


def _block_body(text: str, open_brace: int) -> str:
    """Text between the brace at ``open_brace`` and its match (HCL-ish)."""
    depth = 0
    for index in range(open_brace, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[open_brace + 1 : index]
    return text[open_brace + 1 :]


def aws_provider_aliases(sources: list[str]) -> tuple[bool, list[str]]:
    """Whether a default ``provider "aws"`` block exists, and the aliases used.

    Override files may only merge into blocks that exist, so the emulator
    settings must be written differently depending on this.
    """
    has_default = False
    aliases: list[str] = []
    for text in sources:
        for match in _PROVIDER_AWS.finditer(text):
            body = _block_body(text, match.end() - 1)
            # Only top-level attributes count; nested blocks cannot hold alias.
            alias = _ALIAS.search(body)
            if alias:
                aliases.append(alias.group(1))
            else:
                has_default = True
    return has_default, aliases


def _provider_block(region: str, endpoint: str, alias: str | None = None) -> str:
    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in ENDPOINT_SERVICES)
    alias_line = f'  alias                       = "{alias}"\n' if alias else ""
    return (
        'provider "aws" {\n'
        f"{alias_line}"
        f'  region                      = "{region}"\n'
        '  access_key                  = "test"\n'
        '  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        "  s3_use_path_style           = true\n"
        "  max_retries                 = 2\n"
        "  endpoints {\n"
        f"{endpoints}\n"
        "  }\n"
        "}\n"
    )


class TerraformStack:
    """A copy of a root module applied into a running :class:`Emulator`.

    The root's ``*.tf``/``*.tftpl``/``*.json`` files are copied to a work
    directory (relative module sources rebased so they still point at the
    original directories; other top-level entries symlinked so
    ``path.module`` references still resolve), the aws provider is pointed at
    the emulator, and terraform runs there with its own CLI config and state.
    Use as a context manager to apply on entry and destroy + clean up on exit.
    """

    def __init__(
        self,
        root_dir: str | os.PathLike[str],
        variables: dict[str, Any] | None = None,
        emulator: Emulator | None = None,
        workdir: str | os.PathLike[str] | None = None,
        *,
        region: str = "us-east-1",
        timeout_seconds: float = 600.0,
    ) -> None:
        if emulator is None:
            raise ValueError("TerraformStack needs a running Emulator")
        self.root_dir = Path(root_dir).resolve()
        self.variables = dict(variables or {})
        self.emulator = emulator
        self.region = region
        self.timeout_seconds = timeout_seconds
        self._owns_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="tfstack-"))
        self._prepared = False
        self._initialized = False
        self.last_stdout = ""

    # -- public API ------------------------------------------------------------

    def apply(self) -> None:
        """``terraform init`` (once) then ``apply -auto-approve``."""
        self._init()
        self._run(["apply", "-auto-approve", "-input=false"])

    def plan_has_changes(self) -> bool:
        """True if ``plan -detailed-exitcode`` reports pending changes."""
        self._init()
        code = self._run(["plan", "-detailed-exitcode", "-input=false"], ok_codes=(0, 2))
        return code == 2

    def outputs(self) -> dict[str, Any]:
        """Root module outputs as ``{name: value}``."""
        self._init()
        self._run(["output", "-json"])
        return {name: item["value"] for name, item in json.loads(self.last_stdout).items()}

    def destroy(self) -> None:
        """``terraform destroy -auto-approve``."""
        self._init()
        self._run(["destroy", "-auto-approve", "-input=false"])

    def cleanup(self) -> None:
        """Delete the work directory if this stack created it."""
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> TerraformStack:
        try:
            self.apply()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.destroy()
        except TerraformError:
            # Don't mask the test's own failure with a teardown failure.
            if exc is None:
                raise
        finally:
            self.cleanup()

    # -- internals -------------------------------------------------------------

    def prepare(self) -> Path:
        """Write the work directory (idempotent) without running terraform."""
        self._prepare()
        return self.workdir

    def _prepare(self) -> None:
        if self._prepared:
            return
        self.workdir.mkdir(parents=True, exist_ok=True)
        sources: list[str] = []
        for entry in sorted(self.root_dir.iterdir()):
            if entry.is_file() and entry.name.endswith(_COPIED_SUFFIXES):
                text = entry.read_text()
                if entry.name.endswith(".tf"):
                    text = _LOCAL_SOURCE.sub(self._rebase_source, text)
                    sources.append(text)
                (self.workdir / entry.name).write_text(text)
            elif self._should_link(entry):
                # path.module now means the work dir; keep sibling paths
                # (handler sources, templates, modules) reachable.
                (self.workdir / entry.name).symlink_to(entry)

        has_default, aliases = aws_provider_aliases(sources)
        endpoint = self.emulator.endpoint
        overrides = [_provider_block(self.region, endpoint, alias) for alias in aliases]
        default_block = _provider_block(self.region, endpoint)
        if has_default:
            overrides.insert(0, default_block)
        else:
            # Override files only merge into existing blocks, so a root
            # without its own provider "aws" gets a plain provider file.
            (self.workdir / "emulator_provider.tf").write_text(default_block)
        if any(_BACKEND.search(text) for text in sources):
            # Remote state must not be touched; keep state in the work dir.
            overrides.append('terraform {\n  backend "local" {}\n}\n')
        if overrides:
            (self.workdir / "emulator_override.tf").write_text("\n".join(overrides))

        (self.workdir / "terraform.tfvars.json").write_text(json.dumps(self.variables, indent=2))
        self._cli_config = write_cli_config(self.workdir / ".terraformrc.emulator")
        self._prepared = True

    def _should_link(self, entry: Path) -> bool:
        name = entry.name
        # tests/ is skipped: `terraform init` would parse its *.tftest.hcl.
        if name.startswith(".") or name.startswith("terraform.tfstate") or name == "tests":
            return False
        if name.endswith((".tfvars", ".tfvars.json", "_override.tf", ".tfplan")):
            return False
        return not (self.workdir / name).exists()

    def _rebase_source(self, match: re.Match[str]) -> str:
        # Terraform treats an absolute path as a remote "file://" package and
        # copies it into .terraform/modules, which breaks the module's own
        # path.module-relative references; a path relative to the work dir
        # still resolves to the original directory but stays a local module.
        target = (self.root_dir / match.group(2)).resolve()
        relative = os.path.relpath(target, self.workdir.resolve())
        if not relative.startswith("."):
            relative = f"./{relative}"
        return f'{match.group(1)}"{relative}"'

    def _init(self) -> None:
        self._prepare()
        if self._initialized:
            return
        self._run(["init", "-input=false", *plugin_dir_args()])
        self._initialized = True

    def _env(self) -> dict[str, str]:
        # Nothing from the developer's AWS / Terraform setup may leak in.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "TF_")) or k in ("TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER")
        }
        env.update(
            {
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "TF_CLI_CONFIG_FILE": str(self._cli_config),
                # No internet: skip terraform's version check round trip.
                "CHECKPOINT_DISABLE": "1",
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            }
        )
        no_proxy = [h for h in env.get("NO_PROXY", "").split(",") if h]
        env["NO_PROXY"] = ",".join(no_proxy + ["127.0.0.1", "localhost"])
        return env

    def _run(self, args: list[str], ok_codes: tuple[int, ...] = (0,)) -> int:
        cmd = [TERRAFORM_BIN, *args[:1], "-no-color", *args[1:]]
        proc = subprocess.run(
            cmd,
            cwd=self.workdir,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=self.timeout_seconds,
            check=False,
        )
        self.last_stdout = proc.stdout
        if proc.returncode not in ok_codes:
            raise TerraformError(args, proc.returncode, proc.stdout, proc.stderr)
        return proc.returncode
