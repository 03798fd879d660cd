#!/usr/bin/env bash
# Runs the side-by-side benchmark (mongo-auth beside the official `mongodb` driver, release build) and
# writes its table into README.md, between `<!-- bench:begin -->` and `<!-- bench:end -->`.
#
#   scripts/bench-table.sh            # the full benchmark (about a minute on a 2-core machine)
#   QUICK=1 scripts/bench-table.sh    # fewer rounds, for a smoke test (the numbers are noisier)
#
# The full report is printed too; the table is replaced in place, nothing else in README.md changes.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
MONGO_AUTH_BENCH_MARKDOWN=1 ${QUICK:+MONGO_AUTH_BENCH_QUICK=1} \
    cargo bench --features mongodb --bench versus_driver | tee "$report"
python3 - "$report" README.md <<'PY'
import sys
report, readme = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
text = open(report).read()
table = text[text.index(begin):text.index(end) + len(end)]
old = open(readme).read()
new = old[:old.index(begin)] + table + old[old.index(end) + len(end):]
open(readme, "w").write(new)
print(f"README.md: table {'updated' if new != old else 'unchanged'}")
PY
