#!/usr/bin/env bash
# The inner loop, well under a minute once built: formatting, then every crate's unit and
# integration tests (the `it` binaries among them) with the default features. Left out, each saying
# so ("skipped …" on stderr): the trybuild compile-fail cases (MONGO_AUTH_SKIP_UI=1), the GSSAPI
# tests (the `gssapi` feature and a KDC), the official driver's (`mongodb`) and PyMongo's; the doc
# tests are not run. CI is unset, so that these skips stay skips.
#
#   scripts/test-quick.sh [FILTER...]    FILTERs go to the test harness (e.g. `e2e_scram config_`)
#
# Before pushing, run everything: ./scripts/test-all.sh (what CI runs, with CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

unset CI MONGO_AUTH_PYTHON MONGO_AUTH_PYTHON_LEGACY
export MONGO_AUTH_SKIP_UI=1

cargo fmt --all -- --check
cargo test --workspace --tests -- "$@"
