#!/bin/sh
# Runs the fuzz targets of build/fuzz one after another (`make fuzz`; docs/fuzzing.md), each for
# FUZZ_SECONDS (default 60) on a working corpus in build/fuzz/corpus/<target>, seeded from the
# committed corpus and regression inputs. Crashes, hangs, leaks and out-of-memory inputs go to
# build/fuzz/artifacts/<target>/, the fuzzer's output to build/fuzz/logs/<target>.log. Prints the
# executions of every target at the end; exits 1 when any target found something.
# FUZZ_TARGETS="pattern ignore_rules" runs only those.
set -eu

seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"snapshot_codec snapshot_file protocol_stream protocol_payload ignore_rules pattern"}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build="$source_dir/build/fuzz"
summary=""
found=""

for target in $targets; do
    program="$build/tests/fuzz/fuzz_$target"
    if [ ! -x "$program" ]; then
        echo "$program is missing: build the fuzz preset first (make fuzz)" >&2
        exit 2
    fi
    work="$build/corpus/$target"
    artifacts="$build/artifacts/$target"
    log="$build/logs/$target.log"
    mkdir -p "$work" "$artifacts" "$build/logs"
    for seeds in "$source_dir/tests/fuzz/corpus/$target" "$source_dir/tests/fuzz/regressions/$target"; do
        [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
    done
    dictionary="$source_dir/tests/fuzz/dictionaries/$target.dict"
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
        -print_final_stats=1 -artifact_prefix="$artifacts/"
    [ -f "$dictionary" ] && set -- "$@" -dict="$dictionary"

    echo "fuzz_$target: ${seconds} s (log: $log)"
    status=0
    "$program" "$@" "$work" >"$log" 2>&1 || status=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    line=$(printf '%-18s %12s %9s %8s %8s' "$target" "${runs:-?}" "${rate:-?}" "${coverage:-?}" "${rss:-?}")
    if [ "$status" -ne 0 ]; then
        artifact=$(grep -o "$artifacts/[^ ]*" "$log" | tail -n 1)
        line="$line   FOUND: ${artifact:-see $log}"
        found="$found $target"
    fi
    summary="$summary$line
"
done

echo
printf '%-18s %12s %9s %8s %8s\n' target executions exec/s coverage "rss MB"
printf '%s' "$summary"
echo "crash, hang, leak and out-of-memory inputs: $build/artifacts/<target>/"
if [ -n "$found" ]; then
    echo "found something in:$found" >&2
    exit 1
fi
