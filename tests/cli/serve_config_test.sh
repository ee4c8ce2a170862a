#!/usr/bin/env bash
# `pleb serve` refuses bad configuration with a clear message and exit status 1, before listening.
set -euo pipefail
pleb=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
expect_error() {  # expect_error "fragment" config-text [extra args...]
  local fragment=$1 config=$2; shift 2
  printf '%s\n' "$config" >"$dir/pleb.toml"
  local err status=0
  err=$(timeout 10 "$pleb" serve --data "$dir/data" --config "$dir/pleb.toml" "$@" 2>&1 >/dev/null) || status=$?
  [[ $status == 1 ]] || fail "expected exit 1, got $status for: $config $*"
  [[ $err == *"$fragment"* ]] || fail "expected '$fragment' in '$err'"
  echo "ok: refused ($fragment)"
}
expect_error "config $dir/pleb.toml" '[server'
expect_error "[server] max_message_bytes has the wrong type" '[server]
max_message_bytes = "big"'
expect_error "[server] threads has the wrong type" '[server]
threads = -2'
expect_error "[storage] id_run_entries must be at least 1" '[storage]
id_run_entries = 0'
expect_error "[relay] restricted_read_kinds must be kinds" '[relay]
restricted_read_kinds = [4, 70000]'
expect_error "--listen has an invalid port" '' --listen 127.0.0.1:99999
expect_error "--listen must be HOST:PORT" '' --listen localhost
if err=$("$pleb" serve --config "$dir/missing.toml" 2>&1); then fail "a missing config file must be refused"; fi
[[ $err == *"File does not exist"* ]] || fail "missing config: $err"
echo "ok: refused (missing config file)"
echo "all serve configuration checks passed"
