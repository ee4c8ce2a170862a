#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on its seed corpus (read-only: new inputs go to a scratch dir).
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=${3:-20}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/artifacts"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$scratch/artifacts/" "$scratch" "$corpus" 2>"$scratch/log" || {
  tail -60 "$scratch/log"
  for a in "$scratch"/artifacts/*; do [ -f "$a" ] && { echo "crash input ($a):"; xxd "$a" | head -20; }; done
  exit 1
}
grep -E 'stat::number_of_executed_units|Done' "$scratch/log" | tail -2
