#!/usr/bin/env bash
# Installs what the tests need and runs them all: lints, docs, the Rust suites (spec suites, ui tests,
# end-to-end tests against the conformance server, a real Kerberos KDC) and the PyMongo interop tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# --- system packages (Debian) -------------------------------------------------------------------
# MIT krb5 (KDC, admin tools, client tools, headers) and libclang for the `gssapi` feature's bindgen.
apt_packages=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev pkg-config libclang1-14 libclang-common-14-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python clients (PyPI) ----------------------------------------------------------------------
# Two virtualenvs: current PyMongo (with its Kerberos extra) and PyMongo 3.x, which still speaks MONGODB-CR.
step "PyMongo virtualenvs"
"$root/scripts/python-clients.sh"
export MONGO_AUTH_PYTHON="$root/target/py/current/bin/python"
export MONGO_AUTH_PYTHON_LEGACY="$root/target/py/legacy/bin/python"

# --- static checks ------------------------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings
step "cargo doc"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --all-features

# --- tests --------------------------------------------------------------------------------------
step "cargo test (all features)"
cargo test --workspace --all-features
