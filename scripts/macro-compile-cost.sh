#!/usr/bin/env bash
# Measures what `mongo_uri!` adds to compile time: builds a throwaway binary crate with N `mongo_uri!`
# literals and the same crate with N plain string literals (both depend on mongo-auth by path), after a
# warm-up build of the dependencies, and prints the difference in milliseconds per literal.
#
# Usage: scripts/macro-compile-cost.sh [N=200] [ROUNDS=9]
# The crates are generated under target/macro-compile-cost/ and share the workspace's target directory,
# so the dependencies are built once. A measurement, not a test: nothing fails on the number.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-200}
rounds=${2:-9}
work="$root/target/macro-compile-cost"
export CARGO_TARGET_DIR="$root/target"

# Literals of every shape: each mechanism, TLS, options; all complete (nothing left to code).
literal() {
  local i=$1
  case $((i % 5)) in
    0) echo "mongodb://user$i:pass%2Fword@db$i.example.com:27017/app$i?authSource=admin&appName=svc$i" ;;
    1) echo "mongodb://user$i:password@example.com/the_database?authMechanism=SCRAM-SHA-256&replicaSet=rs$i" ;;
    2) echo "mongodb://example.com/?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=client$i.pem&tlsCAFile=ca.pem" ;;
    3) echo "mongodb://mongodbuser$i%40EXAMPLE.COM@example.com/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:svc$i,CANONICALIZE_HOST_NAME:true" ;;
    4) echo "mongodb://ldap$i:secret@h$i.example.com,h$i.example.net:27018/?authMechanism=PLAIN&authSource=\$external&tls=true&connectTimeoutMS=$((1000 + i))" ;;
  esac
}

generate() {
  local kind=$1 dir="$work/$1"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "mongo-uri-cost-$kind"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
mongo-auth = { path = "$root" }

[profile.dev]
opt-level = 1

[profile.dev.package."*"]
opt-level = 3
EOF
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  # One function per literal, as literals sit in real code; main uses every one of them.
  {
    [ "$kind" = uri ] && echo "use mongo_auth::{ClientConfig, mongo_uri};"
    for ((i = 0; i < n; i++)); do
      if [ "$kind" = uri ]; then
        echo "fn config_$i() -> ClientConfig { mongo_uri!(\"$(literal "$i")\") }"
      else
        echo "fn config_$i() -> &'static str { \"$(literal "$i")\" }"
      fi
    done
    echo "fn main() {"
    # the same use of mongo-auth in both crates, so loading and linking it is not counted as the macro's
    echo "    std::hint::black_box(\"mongodb://localhost\".parse::<mongo_auth::ClientConfig>().is_ok());"
    for ((i = 0; i < n; i++)); do
      echo "    std::hint::black_box(config_$i());"
    done
    echo "}"
  } >"$dir/src/main.rs"
}

# The rustc command cargo runs for the binary crate, captured once from `cargo build -v` and then run
# directly: the timing covers that one compilation (macro expansion included), not the wait for the
# target directory's lock, which other builds on the machine may hold. Incremental compilation is left
# out so every round compiles the whole crate.
rustc_command() {
  local dir="$work/$1"
  touch "$dir/src/main.rs"
  cargo build -v --manifest-path "$dir/Cargo.toml" 2>&1 |
    sed -n "s/^ *Running \`\(.*--crate-name mongo_uri_cost_$1 .*\)\`\$/\1/p" |
    sed 's/ -C incremental=[^ ]*//'
}

build_ms() {
  local dir="$work/$1" command=$2
  local start end
  start=$(date +%s%N)
  (cd "$dir" && eval "$command")
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

generate uri
generate plain
echo "warm-up: building the dependencies once"
cargo build --quiet --manifest-path "$work/plain/Cargo.toml"
cargo build --quiet --manifest-path "$work/uri/Cargo.toml"

plain_command=$(rustc_command plain)
uri_command=$(rustc_command uri)
if [ -z "$plain_command" ] || [ -z "$uri_command" ]; then
  echo "could not capture the rustc command lines from cargo build -v" >&2
  exit 1
fi

uri_times=() plain_times=()
for ((r = 1; r <= rounds; r++)); do
  plain_times+=("$(build_ms plain "$plain_command")")
  uri_times+=("$(build_ms uri "$uri_command")")
  echo "round $r: plain ${plain_times[-1]} ms, mongo_uri! ${uri_times[-1]} ms"
done
plain=$(printf '%s\n' "${plain_times[@]}" | median)
uri=$(printf '%s\n' "${uri_times[@]}" | median)
plain_min=$(printf '%s\n' "${plain_times[@]}" | sort -n | head -1)
uri_min=$(printf '%s\n' "${uri_times[@]}" | sort -n | head -1)
echo "compile of the binary crate, median (fastest): $n plain literals ${plain} (${plain_min}) ms," \
  "$n mongo_uri! literals ${uri} (${uri_min}) ms"
# The machine may be shared: the fastest round is the least disturbed one.
awk -v u="$uri" -v p="$plain" -v um="$uri_min" -v pm="$plain_min" -v n="$n" \
  'BEGIN { printf "mongo_uri! compile-time cost: %.2f ms per literal (median), %.2f ms (fastest rounds)\n", (u - p) / n, (um - pm) / n }'
