#!/usr/bin/env bash
# Installs what the tests need and runs them all: lints, docs, the Rust suites (spec suites, ui tests,
# end-to-end tests against the conformance server, a real Kerberos KDC) and the PyMongo interop tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Each step with the seconds since the script started.
step() { printf '\n==> %s (at %d s)\n' "$*" "$SECONDS"; }

# --- system packages (Debian) -------------------------------------------------------------------
# MIT krb5 (KDC, admin tools, client tools, headers), pkg-config and libclang for the `gssapi` feature's
# bindgen, a C toolchain for pykerberos, python3 with venv when the machine has none of its own, and
# the openssl CLI that the certificate-subject corpus test compares with.
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: this script installs Debian packages: run it as root on a Debian machine (apt-get)" >&2
  exit 1
fi
apt_packages=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev pkg-config openssl)
command -v cc >/dev/null 2>&1 || apt_packages+=(build-essential)
python3 -m venv --help >/dev/null 2>&1 || apt_packages+=(python3 python3-venv python3-dev)
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${apt_packages[@]}"; do have_pkg "$p" || missing+=("$p"); done
# libclang: bindgen needs the shared library and clang's headers, not the clang binary. Debian 12
# names them libclang1-14 / libclang-common-14-dev; elsewhere libclang-dev pulls in the current ones.
need_clang=0
have_pkg libclang1-14 && have_pkg libclang-common-14-dev || need_clang=1
if [ ${#missing[@]} -gt 0 ] || [ $need_clang -eq 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if [ $need_clang -eq 1 ]; then
    if apt-cache show libclang1-14 >/dev/null 2>&1; then
      missing+=(libclang1-14 libclang-common-14-dev)
    else
      missing+=(libclang-dev)
    fi
  fi
  step "installing Debian packages: ${missing[*]}"
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
step "feature combinations"
# the checked configuration alone (no tokio, rustls or DNS), and the runtime without srv (hickory)
cargo clippy -p mongo-auth --no-default-features --lib -- -D warnings
cargo clippy -p mongo-auth --no-default-features --features runtime,ring --lib -- -D warnings

# --- tests --------------------------------------------------------------------------------------
# With CI=true a test that cannot run (no Python, no nightly) fails instead of saying it skipped.
step "cargo test (all features)"
cargo test --workspace --all-features

# --- fuzzing ------------------------------------------------------------------------------------
# Every fuzz target built and run over its committed corpus and regression inputs, then for a fixed
# number of executions from a fixed seed, a few seconds each (scripts/fuzz.sh smoke). cargo-fuzz needs
# the nightly toolchain, which this script cannot install.
step "fuzz targets (scripts/fuzz.sh smoke)"
if ! cargo +nightly --version >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "error: the fuzz smoke test needs the nightly toolchain (rustup toolchain install nightly), and it is missing" >&2
    exit 1
  fi
  echo "skipped: no nightly toolchain (rustup toolchain install nightly); with CI=true this is an error"
else
  command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
  "$root/scripts/fuzz.sh" smoke
fi
step "done"
