#!/usr/bin/env bash
# Instructions per parse, counted by callgrind (they do not move with the machine's load): each
# parser on each of the benchmark's strings, as (count of N+1 parses − count of 1 parse) / N.
#
#   scripts/parse-instructions.sh            # N = 200
#   N=1000 scripts/parse-instructions.sh
#
# Needs valgrind. Builds the versus_driver benchmark (release, `mongodb` feature) if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-200}"
bench=$(cargo bench --features mongodb --bench versus_driver --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*versus_driver[^"]*\)".*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "the benchmark did not build" >&2; exit 1; }

count() { # parser case runs → instructions
    MONGO_AUTH_BENCH_ROLE=parse-loop MONGO_AUTH_BENCH_ARG="$1:$2:$3" \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-8s %8s %8s %8s %8s %8s\n' case inplace core config literal driver
for case in 0 1 2 3; do
    row=()
    for parser in inplace core config literal driver; do
        one=$(count "$parser" "$case" 1)
        many=$(count "$parser" "$case" $((n + 1)))
        row+=("$(( (many - one) / n ))")
    done
    printf '%-8s %8s %8s %8s %8s %8s\n' "$case" "${row[@]}"
done
