#!/usr/bin/env bash
# `pleb bench`: every scenario runs tiny against a real `pleb serve` on an ephemeral loopback port and
# prints one JSON line with its keys; non-loopback targets are refused.
set -euo pipefail
pleb=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

# Checks that the last line of a file is one JSON object holding every given key.
expect_keys() {
  local file=$1 line
  shift
  line=$(tail -1 "$file")
  [[ $line == \{*\} ]] || fail "not a JSON line: $line"
  for key in "$@"; do
    [[ $line == *"\"$key\":"* ]] || fail "key $key missing in: $line"
  done
}
# The integer value of a key on the last line of a file.
value_of() { tail -1 "$1" | grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2; }

"$pleb" bench --help >/dev/null
for scenario in generate verify-baseline ingest query fanout idle; do
  "$pleb" bench "$scenario" --help >/dev/null || fail "$scenario --help"
done
for url in ws://10.0.0.1:7777 ws://example.com:7777 http://127.0.0.1:7777; do
  if "$pleb" bench ingest --url "$url" --events 1 --baseline-seconds 0 2>"$dir/err"; then fail "$url accepted"; fi
  grep -q "only targets this machine\|must start with ws://" "$dir/err" || fail "$url: $(cat "$dir/err")"
done
echo "ok: --help on every scenario, non-loopback targets refused"

"$pleb" bench verify-baseline --seconds 0.2 >"$dir/baseline.json"
expect_keys "$dir/baseline.json" scenario verify_per_s us_per_verify verify_per_s_hot us_per_verify_hot
echo "ok: verify-baseline $(cat "$dir/baseline.json")"

# generate: deterministic whatever the thread count, every line a valid event, loaded before serving.
"$pleb" bench generate --count 300 --authors 10 --now 1700000000 --threads 2 >"$dir/events.jsonl" 2>/dev/null
"$pleb" bench generate --count 300 --authors 10 --now 1700000000 --threads 1 2>/dev/null | cmp -s - "$dir/events.jsonl" \
  || fail "generate output depends on the thread count"
[[ $(wc -l <"$dir/events.jsonl") == 300 ]] || fail "generate should print 300 lines"
"$pleb" event verify <"$dir/events.jsonl" >/dev/null 2>&1 || fail "generated events must verify"
"$pleb" import --data "$dir/data" --no-verify <"$dir/events.jsonl" 2>"$dir/import.log"
grep -q "300 stored" "$dir/import.log" || fail "import: $(cat "$dir/import.log")"
echo "ok: generate (deterministic, valid), imported"

"$pleb" serve --listen 127.0.0.1:0 --data "$dir/data" 2>"$dir/serve.log" &
server=$!
port=
for _ in $(seq 100); do
  port=$(grep -o 'listening on ws://127.0.0.1:[0-9]*' "$dir/serve.log" | sed 's/.*://' || true)
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || fail "server did not start: $(cat "$dir/serve.log")"
url=ws://127.0.0.1:$port

timeout 60 "$pleb" bench ingest --url "$url" --connections 3 --window 8 --events 100 --duration 5 \
  --baseline-seconds 0.2 --pid "$server" >"$dir/ingest.json"
expect_keys "$dir/ingest.json" scenario connections sent ok rejected errors events_per_s ok_p50_ms ok_p99_ms \
  ok_max_ms verify_baseline_per_s ratio_to_raw_verify verify_baseline_before_per_s verify_baseline_after_per_s \
  verify_beside_per_s verify_baseline_hot_per_s ratio_to_hot_verify server_cpu client_cpu
[[ $(value_of "$dir/ingest.json" ok) == 100 ]] || fail "ingest: every event must be acknowledged: $(cat "$dir/ingest.json")"
echo "ok: ingest $(cat "$dir/ingest.json")"

timeout 60 "$pleb" bench query --url "$url" --filter all --authors 10 --queries 20 --warmup 2 --limit 10 \
  --pid "$server" >"$dir/query.json"
[[ $(wc -l <"$dir/query.json") == 6 ]] || fail "query --filter all prints one line per filter: $(cat "$dir/query.json")"
while read -r line; do
  echo "$line" >"$dir/one.json"
  expect_keys "$dir/one.json" scenario filter queries events_per_query queries_per_s eose_p50_ms eose_p99_ms \
    eose_max_ms errors
  [[ $(value_of "$dir/one.json" queries) == 20 && $(value_of "$dir/one.json" errors) == 0 ]] || fail "query: $line"
done <"$dir/query.json"
grep '"filter":"author-kind"' "$dir/query.json" | grep -q '"events_per_query":10\.0' \
  || fail "author-kind queries should fill their limit: $(cat "$dir/query.json")"
# A feed follows every one of the 10 authors here (--follows is capped by --authors), so it fills its limit.
grep '"filter":"feed"' "$dir/query.json" | grep -q '"events_per_query":10\.0' \
  || fail "feed queries should fill their limit: $(cat "$dir/query.json")"
echo "ok: query, five filters"

timeout 60 "$pleb" bench fanout --url "$url" --subscribers 3 --rate 50 --duration 1 --pid "$server" >"$dir/fanout.json"
expect_keys "$dir/fanout.json" scenario subscribers events deliveries expected missing delivery_p50_ms \
  delivery_p99_ms delivery_max_ms ok_p99_ms errors
[[ $(value_of "$dir/fanout.json" deliveries) == 150 && $(value_of "$dir/fanout.json" missing) == 0 ]] \
  || fail "fanout: $(cat "$dir/fanout.json")"
echo "ok: fanout $(cat "$dir/fanout.json")"

for flag in "" --compression; do
  timeout 60 "$pleb" bench idle --url "$url" --connections 20 --pid "$server" --settle 0.2 $flag >"$dir/idle.json"
  expect_keys "$dir/idle.json" scenario connections compression_offered server_rss_before_kib server_rss_after_kib \
    server_bytes_per_connection errors
  [[ $(value_of "$dir/idle.json" connections) == 20 ]] || fail "idle: $(cat "$dir/idle.json")"
done
grep -q '"compression_negotiated":20' "$dir/idle.json" || fail "compression not negotiated: $(cat "$dir/idle.json")"
echo "ok: idle, with and without compression"
echo "all bench checks passed"
