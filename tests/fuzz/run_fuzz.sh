#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz/ (see README.md there). Used by ctest in the fuzz build
# and by `make fuzz-long`.
#
#   run_fuzz.sh regressions NAME BINARY           replay tests/fuzz/regressions/NAME/* one by one
#   run_fuzz.sh fuzz NAME BINARY SECONDS [ARGS]   fuzz for SECONDS on the seed corpus
#   run_fuzz.sh merge NAME BINARY                 minimise the work corpus into the seed corpus
#
# Environment: VERN_SOURCE_DIR (the source tree; default: two levels up from here),
# VERN_FUZZ_WORK (where the growing work corpus and crash artifacts go; default: a temporary
# directory). Exits non-zero on any crash, sanitizer report, leak, timeout or out-of-memory.
set -euo pipefail
mode=$1 name=$2 bin=$3
src=${VERN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz_dir=$src/tests/fuzz
work=${VERN_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/vern-fuzz-work.XXXXXX")}
mkdir -p "$work/$name/corpus" "$work/$name/artifacts"

# Readable sanitizer reports; the first one is fatal (the build also has -fno-sanitize-recover).
symbolizer=""
for s in /usr/lib/llvm-15/bin/llvm-symbolizer "$(command -v llvm-symbolizer || true)"; do
    if [ -n "$s" ] && [ -x "$s" ]; then symbolizer=$s; break; fi
done
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${symbolizer:+:external_symbolizer_path=$symbolizer}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${symbolizer:+:external_symbolizer_path=$symbolizer}"

# Per target: the largest input tried while fuzzing (bytes) and the dictionary. (Replayed
# regressions are read whole, whatever their size.)
case $name in
    policy) max_len=16384 ;;
    ingest) max_len=8192 ;;
    time) max_len=256 ;;
    selector) max_len=256 ;;
    *) echo "run_fuzz.sh: unknown target $name" >&2; exit 2 ;;
esac
dict=()
[ -f "$fuzz_dir/dict/$name.dict" ] && dict=("-dict=$fuzz_dir/dict/$name.dict")
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048)
fuzz_opts=("-max_len=$max_len" "${dict[@]}")

case $mode in
regressions)
    shopt -s nullglob
    inputs=("$fuzz_dir/regressions/$name"/*)
    inputs=("${inputs[@]/*README*/}")
    failed=0 ran=0
    for f in "${inputs[@]}"; do
        [ -n "$f" ] || continue
        ran=$((ran + 1))
        if ! "$bin" "${common[@]}" -runs=1 "$f" >"$work/$name/replay.log" 2>&1; then
            failed=$((failed + 1))
            echo "FAIL: $name regression ${f#"$src"/} still crashes:"
            grep -E "==vern-fuzz==|ERROR: |runtime error|SUMMARY|uncaught|terminate" \
                "$work/$name/replay.log" | head -8 | sed 's/^/    /'
        fi
    done
    echo "$name: $((ran - failed)) passed, $failed failed (saved regressions)"
    [ "$failed" -eq 0 ]
    ;;
fuzz)
    seconds=$4
    shift 4
    echo "fuzz_$name: ${seconds}s on $fuzz_dir/corpus/$name (work corpus $work/$name/corpus)"
    rc=0
    "$bin" "${common[@]}" "${fuzz_opts[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/$name/artifacts/" "$@" \
        "$work/$name/corpus" "$fuzz_dir/corpus/$name" >"$work/$name/fuzz.log" 2>&1 || rc=$?
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^stat::peak_rss|Done [0-9]+ runs" \
        "$work/$name/fuzz.log" || true
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: fuzz_$name found a problem (exit $rc); last lines of its log:"
        grep -vE "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)" "$work/$name/fuzz.log" | tail -60
        for a in "$work/$name/artifacts"/*; do
            [ -e "$a" ] || continue
            echo "artifact: $a"
            echo "  reproduce: $bin $a"
            echo "  keep it:   cp $a $fuzz_dir/regressions/$name/"
        done
        exit 1
    fi
    ;;
merge)
    "$bin" "${common[@]}" "${fuzz_opts[@]}" -merge=1 "$fuzz_dir/corpus/$name" "$work/$name/corpus"
    ;;
*)
    echo "run_fuzz.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
