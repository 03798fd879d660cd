#!/usr/bin/env bash
# Creates the virtualenvs the interop tests use, under target/py/: `current` (latest PyMongo with the
# gssapi extra when it installs) and `legacy` (PyMongo 3.x, the last with MONGODB-CR).
set -euo pipefail
cd "$(dirname "$0")/.."
mk() {
  local dir=$1; shift
  if [ ! -x "$dir/bin/python" ]; then python3 -m venv "$dir"; fi
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$@"
}
mk target/py/current "pymongo[gssapi]>=4,<5"  # the extra builds pykerberos against libkrb5-dev
mk target/py/legacy "pymongo>=3.12,<4"
