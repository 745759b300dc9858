"""A worker process made to look like a Lambda sandbox: the code and layers extracted once, the
reserved environment, a sys.path of the function's own, the thread and file quotas, and its
output sent to the log file. Cheap to import (worker processes import it)."""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import resource
import shutil
import sys
import tempfile
import threading
import zipfile
from typing import Any

from harness.lambda_specs import FunctionSpec, LayerSpec


def extract_code(zip_bytes: bytes, cache_root: str) -> str:
    """Extract a deployment zip once per content hash and return its directory."""
    return _extract_once(hashlib.sha256(zip_bytes).hexdigest(), [zip_bytes], cache_root)


def extract_layers(layers: tuple[LayerSpec, ...], cache_root: str) -> str | None:
    """Extract a function's layers, in order, into one directory (its /opt) and return it.

    As on Lambda, a later layer's file replaces an earlier one's at the same path. None: no layers.
    """
    if not layers:
        return None
    digests = "\n".join(hashlib.sha256(layer.zip_bytes).hexdigest() for layer in layers)
    key = "opt-" + hashlib.sha256(digests.encode()).hexdigest()
    return _extract_once(key, [layer.zip_bytes for layer in layers], cache_root)


def _extract_once(key: str, zips: list[bytes], cache_root: str) -> str:
    """Extract `zips` in order into cache_root/key unless already there.

    Extraction goes to a private temp dir that is then renamed into place, so
    several workers of the same function may race here safely.
    """
    target = os.path.join(cache_root, key)
    if os.path.isdir(target):
        return target
    staging = tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache_root)
    for zip_bytes in zips:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
            archive.extractall(staging)
    try:
        os.rename(staging, target)
    except OSError:
        # Another worker won the race; its copy is identical.
        shutil.rmtree(staging, ignore_errors=True)
    return target


def worker_environment(spec: FunctionSpec, code_dir: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "TMPDIR": tempfile.gettempdir(),
    }
    env.update({k: str(v) for k, v in spec.environment.items()})
    # Reserved variables win over the function's own, as in real Lambda; the
    # endpoint/credential ones point every SDK client at the emulator and keep
    # the developer's real AWS profile out of reach.
    env.update(
        {
            "AWS_ENDPOINT_URL": spec.endpoint,
            "AWS_ACCESS_KEY_ID": spec.access_key_id,
            "AWS_SECRET_ACCESS_KEY": spec.secret_access_key,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python_emulator",
            "LAMBDA_TASK_ROOT": code_dir,
            "_HANDLER": spec.handler,
        }
    )
    if spec.session_token:
        env["AWS_SESSION_TOKEN"] = spec.session_token
    return env


def layer_paths(opt_dir: str) -> list[str]:
    """Where a Python runtime looks for layer code, in its order: ahead of its own packages."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return [os.path.join(opt_dir, "python", "lib", version, "site-packages"), os.path.join(opt_dir, "python")]


def isolate_sys_path(code_dir: str, opt_dir: str | None = None) -> None:
    # spawn copies the parent's sys.path (repo root, tests, ...); a real Lambda only sees its own
    # package, then its layers, then the runtime's libraries (here: the venv's, boto3 included).
    prefixes = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    kept = [p for p in sys.path if p and any(os.path.realpath(p).startswith(prefix) for prefix in prefixes)]
    sys.path[:] = [code_dir, *(layer_paths(opt_dir) if opt_dir else []), *kept]
    if opt_dir:
        _forget_modules_in(layer_paths(opt_dir))
    importlib.invalidate_caches()


def _forget_modules_in(paths: list[str]) -> None:
    """Drop already imported modules that the layers provide, so the handler imports the layers'.

    A spawned worker re-imports the script that drives the emulator before it gets here; if that
    script imported boto3, the handler would otherwise share the venv's copy, not the layer's.
    """
    names: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            names.update(entry.removesuffix(".py") for entry in os.listdir(path))
    for module in [m for m in sys.modules if m.partition(".")[0] in names]:
        del sys.modules[module]
    # six installs an import hook for six.moves; the forgotten copy's must not answer for the new one.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__.partition(".")[0] not in names]


def load_handler(handler: str) -> Any:
    module_name, _, func_name = handler.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{handler}': expected module.function")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def redirect_output(log_path: str) -> None:
    # Handler logs go to one file, as they would go to CloudWatch Logs, not into the caller's terminal.
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _limit_threads(limit: int) -> None:
    """Refuse to start a thread beyond ``limit`` live ones, as CPython does when the OS refuses."""
    original_start = threading.Thread.start
    lock = threading.Lock()

    def start(self: threading.Thread) -> None:
        # Serialised, so that the count includes every thread started before this one (a
        # started thread is registered before Thread.start returns).
        with lock:
            if threading.active_count() >= limit:
                raise RuntimeError("can't start new thread")
            original_start(self)

    threading.Thread.start = start  # type: ignore[method-assign]


def _limit_open_files(limit: int) -> None:
    """Cap file descriptors like the sandbox: soft and hard RLIMIT_NOFILE (never raised)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (cap, cap))


def apply_sandbox_limits(spec: FunctionSpec) -> None:
    if spec.max_threads:
        _limit_threads(spec.max_threads)
    if spec.max_open_files:
        _limit_open_files(spec.max_open_files)
