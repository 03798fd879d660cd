#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer) on the nightly toolchain: no sanitizer (the crates have no unsafe
# code of their own), debug assertions and overflow checks on. The targets are fuzz/fuzz_targets/*.rs,
# their committed corpora fuzz/corpus/<target>/, the inputs of past findings fuzz/regressions/<target>/.
#
#   scripts/fuzz.sh TARGET N [FLAG...]
#                                 fuzz TARGET for N executions, starting from its corpus and regressions;
#                                 new inputs are kept in fuzz/target/corpus/TARGET for the next run;
#                                 FLAGs go to libFuzzer (-max_total_time=900: stop after 15 minutes)
#   scripts/fuzz.sh smoke [TARGET]
#                                 build every target, then run each (or TARGET) over its corpus and
#                                 regressions and then a fixed number of executions from a fixed seed;
#                                 fails if any target crashes (scripts/test-all.sh runs this)
#   scripts/fuzz.sh cmin TARGET [MAX]
#                                 replace fuzz/corpus/TARGET by at most MAX (60) of its inputs and of those
#                                 runs found, the ones that cover the most edges, hand-written seeds (any
#                                 name but a SHA-1) first; then commit it
#   scripts/fuzz.sh list          the targets
#
# The smoke run is bounded by executions, not by time: `-seed=1 -runs=N`, N = the target's corpus
# and regression inputs plus its `smoke_mutations` (libFuzzer's -runs counts every execution, the
# replay of the inputs included), so it takes the same few seconds per target on every run and
# checks that nothing committed regressed and that the targets still run; finding new bugs is the
# job of `scripts/fuzz.sh TARGET N`. The seed fixes libFuzzer's own choices, and the smoke run turns
# address randomisation off (setarch -R) where it may; what is left to chance is state that some
# targets draw at random (hash-map keys, for one): two runs of those can part ways after a while. A crash is reproduced from its input: libFuzzer prints it and
# keeps it in fuzz/artifacts/TARGET/ (`cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…`);
# `scripts/fuzz.sh smoke TARGET` runs the smoke run of one target again.
#
# One fuzzer at a time, one process each. A crash leaves its input in fuzz/artifacts/TARGET/; save it,
# minimised (`cargo +nightly fuzz tmin`), in fuzz/regressions/TARGET/, where `cargo test` checks it too.
# MONGO_AUTH_FUZZ_SKIP_OPEN_FINDINGS=1 looks past the findings that are known and not fixed yet (see
# `has_open_finding` in src/fuzzing.rs); never set it for smoke.
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$script")/../fuzz"

usage() {
  sed -n '2,34p' "$script" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz needs the nightly toolchain, which is not installed (rustup toolchain install nightly)" >&2
  exit 3
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)" >&2
  exit 3
fi

build_flags=(--sanitizer none --debug-assertions)
targets=$(cargo +nightly fuzz list)
# The GSSAPI target links the system's MIT krb5 (Debian: libkrb5-dev, pkg-config, libclang).
if pkg-config --exists krb5-gssapi 2>/dev/null; then
  build_flags+=(--features gssapi)
else
  echo "note: no krb5-gssapi (pkg-config): the gssapi_security_layer target is left out" >&2
  targets=$(grep -vx gssapi_security_layer <<<"$targets")
fi

# The longest input worth trying: the wire and BSON readers need a few KB (deep nesting included),
# text formats less, the fixed-size readers little.
max_len() {
  case "$1" in
    wire_frame | hello_reply | sasl_reply) echo 8192 ;;
    config_toml | config_json | config_yaml) echo 4096 ;;
    certificate_subject | srv_records) echo 2048 ;;
    connection_string) echo 1024 ;;
    scram_server_first | scram_server_final | aws_server_first | oidc_idp_info) echo 512 ;;
    gssapi_security_layer) echo 64 ;;
    *) echo 4096 ;;
  esac
}

known() {
  grep -qx "$1" <<<"$targets" || {
    echo "error: no fuzz target $1; the targets are:" >&2
    echo "$targets" >&2
    exit 2
  }
}

# The executions a smoke run adds to the replay of TARGET's corpus and regressions (see the header):
# about 2-3 s each on our 2-core machine. The config-file and connection-string targets run 6,000 to
# 15,000 executions a second, the binary and SCRAM readers over 100,000.
smoke_mutations() {
  case "$1" in
    config_toml | config_json | config_yaml | connection_string) echo 20000 ;;
    *) echo 200000 ;;
  esac
}

# The committed inputs of TARGET: its corpus and regressions.
inputs() {
  local dirs=("corpus/$1")
  [ -d "regressions/$1" ] && dirs+=("regressions/$1")
  printf '%s\n' "${dirs[@]}"
}

# A command in front of the fuzzer's (smoke: `setarch -R`).
fixed_addresses=()

# run TARGET OUTPUT_DIR LIBFUZZER_FLAGS...: new inputs go to OUTPUT_DIR, the corpus and regressions are read.
run() {
  local target=$1 output=$2
  shift 2
  local dirs=("$output")
  mapfile -t -O 1 dirs < <(inputs "$target")
  mkdir -p "$output"
  "${fixed_addresses[@]}" cargo +nightly fuzz run "${build_flags[@]}" "$target" "${dirs[@]}" -- \
    -max_len="$(max_len "$target")" -timeout=10 -print_final_stats=1 "$@"
}

case "${1:-}" in
  smoke)
    [ $# -le 2 ] || usage
    if [ $# -eq 2 ]; then
      known "$2"
      targets=$2
    fi
    cargo +nightly fuzz build "${build_flags[@]}"
    # Address-space randomisation changes what code runs (alignment checks in SIMD searches) and so
    # the coverage libFuzzer follows: off where the machine allows it (not in Docker's default profile).
    if setarch "$(uname -m)" -R true 2>/dev/null; then
      fixed_addresses=(setarch "$(uname -m)" -R)
    else
      echo "note: setarch -R is not allowed here: addresses are randomised, runs may differ more" >&2
    fi
    failed=()
    for target in $targets; do
      mapfile -t dirs < <(inputs "$target")
      committed=$(find "${dirs[@]}" -type f | wc -l)
      mutations=$(smoke_mutations "$target")
      runs=$((committed + mutations))
      printf '\n--- %s: %d committed inputs, then %d executions from seed 1 (-runs=%d)\n' \
        "$target" "$committed" "$mutations" "$runs"
      scratch=$(mktemp -d)
      run "$target" "$scratch" -seed=1 -runs="$runs" || failed+=("$target")
      rm -rf "$scratch"
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo "error: fuzz targets that crashed: ${failed[*]}; each crashing input is printed above" \
        "(Base64) and kept in fuzz/artifacts/TARGET/: run it again with" \
        "\`cargo +nightly fuzz run ${build_flags[*]} TARGET fuzz/artifacts/TARGET/crash-…\`," \
        "or the whole smoke run of one target with \`scripts/fuzz.sh smoke TARGET\`" >&2
      exit 1
    fi
    echo "fuzz smoke: every target ran its corpus, its regressions and its seeded executions without" \
      "a crash"
    ;;
  cmin)
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    known "$2"
    limit=${3:-60}
    work=$(mktemp -d)
    mkdir "$work/merged"
    dirs=("corpus/$2")
    [ -d "target/corpus/$2" ] && dirs+=("target/corpus/$2")
    # libFuzzer records the features (here: edges) each input covers, none for one that crashes ...
    cargo +nightly fuzz run "${build_flags[@]}" "$2" "$work/merged" "${dirs[@]}" -- \
      -set_cover_merge=1 -use_counters=0 -merge_control_file="$work/control" \
      -max_len="$(max_len "$2")" -timeout=10
    # ... and the inputs that add the most edges are kept, up to the limit.
    python3 - "$work/control" "$limit" "$work/kept" <<'PY'
import hashlib, heapq, os, sys
control, limit, kept = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(control).read().split("\n")
count = int(lines[0])
files = lines[2 : 2 + count]
edges = {}
for line in lines[2 + count :]:
    fields = line.split()
    if fields and fields[0] == "FT":
        edges[int(fields[1])] = set(map(int, fields[2:]))
# Hand-written seeds (named for what they are, not by a hash) first, then what fuzzing found; in
# each group a greedy maximum coverage (lazy: a gain only shrinks), the smaller input first on a tie.
def seed(i):
    name = os.path.basename(files[i])
    return not (len(name) == 40 and all(c in "0123456789abcdef" for c in name))
size = {i: os.path.getsize(files[i]) for i in edges}
covered, chosen = set(), []
for group in ([i for i in edges if seed(i)], [i for i in edges if not seed(i)]):
    heap = [(-len(edges[i]), size[i], i) for i in group]
    heapq.heapify(heap)
    while heap and len(chosen) < limit:
        _, _, i = heapq.heappop(heap)
        gain = len(edges[i] - covered)
        if gain == 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, size[i], i))
            continue
        chosen.append(i)
        covered |= edges[i]
os.mkdir(kept)
for i in chosen:
    data = open(files[i], "rb").read()
    name = os.path.basename(files[i]) if seed(i) else hashlib.sha1(data).hexdigest()
    open(os.path.join(kept, name), "wb").write(data)
print(f"kept {len(chosen)} inputs covering {len(covered)} features")
PY
    rm -rf "corpus/$2"
    mv "$work/kept" "corpus/$2"
    rm -rf "$work"
    echo "corpus/$2: $(find "corpus/$2" -type f | wc -l) files, $(du -sb "corpus/$2" | cut -f1) bytes"
    ;;
  list)
    echo "$targets"
    ;;
  "" | -h | --help)
    usage
    ;;
  *)
    [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage
    known "$1"
    target=$1 runs=$2
    shift 2
    run "$target" "target/corpus/$target" -runs="$runs" "$@"
    ;;
esac
