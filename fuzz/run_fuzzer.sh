#!/bin/sh
# Runs one libFuzzer target for $FUZZ_SECONDS seconds (default 30), as a
# ctest. Usage: run_fuzzer.sh FUZZER SEED_CORPUS WORK_DIR [DICT]
#
# New inputs go to WORK_DIR/corpus (in the build tree); the seed corpus in
# the source tree is only read. Crashes, leaks, timeouts and OOMs go to
# WORK_DIR/artifacts/ (see fuzz/README.md to reproduce one).
set -eu
fuzzer=$1
seeds=$2
work=$3
dict=${4:-}
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$work/corpus" "$work/artifacts"
set -- "-max_total_time=$seconds" \
  "-timeout=${FUZZ_TIMEOUT:-20}" "-rss_limit_mb=${FUZZ_RSS_MB:-2560}" \
  "-max_len=${FUZZ_MAX_LEN:-65536}" "-print_final_stats=1" \
  "-artifact_prefix=$work/artifacts/"
if [ -n "$dict" ]; then set -- "$@" "-dict=$dict"; fi
echo "$fuzzer $* $work/corpus $seeds"
exec "$fuzzer" "$@" "$work/corpus" "$seeds"
