#!/bin/sh
# Runs one libFuzzer target for $FUZZ_SECONDS seconds (default 30), as a
# ctest. Usage: run_fuzzer.sh FUZZER WORK_DIR DICT|- SEED_DIR...
#
# New inputs go to WORK_DIR/corpus (in the build tree); the seed folders in
# the source tree are only read. Crashes, leaks, timeouts and OOMs go to
# WORK_DIR/artifacts/ (see fuzz/README.md to reproduce one).
set -eu
fuzzer=$1
work=$2
dict=$3
shift 3  # the rest: seed folders
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$work/corpus" "$work/artifacts"
seeds="$*"
set -- "-max_total_time=$seconds" \
  "-timeout=${FUZZ_TIMEOUT:-20}" "-rss_limit_mb=${FUZZ_RSS_MB:-2560}" \
  "-max_len=${FUZZ_MAX_LEN:-65536}" "-print_final_stats=1" \
  "-artifact_prefix=$work/artifacts/"
if [ "$dict" != - ]; then set -- "$@" "-dict=$dict"; fi
echo "$fuzzer $* $work/corpus $seeds"
# shellcheck disable=SC2086 # one word per seed folder
exec "$fuzzer" "$@" "$work/corpus" $seeds
