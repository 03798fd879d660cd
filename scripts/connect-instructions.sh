#!/usr/bin/env bash
# Client instructions per warm connection set-up (fresh connection + SCRAM-SHA-256 + ping), counted by
# callgrind, which does not move with the machine's load: ours through one authenticator, the official
# driver's fresh client, and the floor (a fresh TCP connection and three round trips of commands
# encoded in advance, on the same tokio runtime). Each is (count of 3N set-ups − count of N) / 2N;
# the conformance server runs in a child process that callgrind does not follow.
#
#   scripts/connect-instructions.sh          # N = 100 (the driver: N = 30)
#
# Under callgrind, SHA-256 runs in software (no SHA-NI): the SHA column is that part of the count.
# Needs valgrind. Builds the versus_driver benchmark (release, `mongodb` feature) if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=$(cargo bench --features mongodb --bench versus_driver --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*versus_driver[^"]*\)".*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "the benchmark did not build" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() { # which count → callgrind output file
    MONGO_AUTH_BENCH_ROLE=warm-loop MONGO_AUTH_BENCH_ARG="$1:$2" \
        valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2" "$bench" >/dev/null 2>&1
    echo "$out/$1-$2"
}
total() { sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1"; }
sha() { # instructions in the SHA-256 compression function (0 if it never ran)
    local count
    count=$(callgrind_annotate --threshold=100 "$1" 2>/dev/null |
        sed -n 's/^ *\([0-9,]*\) .*sha256::soft.*compress .*/\1/p' | tr -d , | head -1)
    echo "${count:-0}"
}

printf '%-7s %12s %10s\n' client instructions 'of it SHA'
for which in ours pinged driver floor; do
    n=100
    [ "$which" = driver ] && n=30
    a=$(run "$which" "$n")
    b=$(run "$which" $((3 * n)))
    per=$(( ($(total "$b") - $(total "$a")) / (2 * n) ))
    sha_per=$(( ($(sha "$b") - $(sha "$a")) / (2 * n) ))
    printf '%-7s %12s %10s\n' "$which" "$per" "$sha_per"
done
