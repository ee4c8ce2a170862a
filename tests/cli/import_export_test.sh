#!/usr/bin/env bash
# `pleb import` then `pleb export` round-trips events; bad lines are reported and skipped.
set -euo pipefail
pleb=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export PLEB_SECRET_KEY=0000000000000000000000000000000000000000000000000000000000000003

for i in 1 2 3 4 5; do
  "$pleb" event sign --kind 1 --content "note $i" --created-at $((1700000000 + i))
done >"$dir/in.jsonl"
"$pleb" event sign --kind 0 --content '{"name":"old"}' --created-at 1700000001 >>"$dir/in.jsonl"
"$pleb" event sign --kind 0 --content '{"name":"new"}' --created-at 1700000002 >>"$dir/in.jsonl"

"$pleb" import --data "$dir/data" <"$dir/in.jsonl" 2>"$dir/import.log" || fail "import: $(cat "$dir/import.log")"
grep -q "7 lines, 7 stored" "$dir/import.log" || fail "import counts: $(cat "$dir/import.log")"
echo "ok: imported 7 events"

"$pleb" export --data "$dir/data" >"$dir/out.jsonl" 2>"$dir/export.log"
[[ $(wc -l <"$dir/out.jsonl") == 6 ]] || fail "export should hold 6 events (the older kind 0 replaced): $(cat "$dir/out.jsonl")"
grep -q '"name\\":\\"new' "$dir/out.jsonl" || fail "the newest kind 0 must be kept"
"$pleb" event verify <"$dir/out.jsonl" >/dev/null 2>&1 || fail "exported events must verify"
head -1 "$dir/out.jsonl" | grep -q 'note 5' || fail "export is newest first"
echo "ok: export gives back every kept event, verified, newest first"

# An import whose input has bad lines exits 1 (and stores the good ones).
import_expecting_bad_lines() {
  local status=0
  "$pleb" import --data "$dir/data" <"$1" 2>"$2" || status=$?
  [[ $status == 1 ]] || fail "import of $1 must exit 1, got $status: $(cat "$2")"
}

# Importing again: everything is a duplicate or replaced; a tampered and a garbage line are reported.
{ cat "$dir/in.jsonl"; sed -n 1p "$dir/in.jsonl" | sed 's/note 1/note X/'; echo 'garbage'; } >"$dir/again.jsonl"
import_expecting_bad_lines "$dir/again.jsonl" "$dir/again.log"
grep -q "line 8: invalid: id is not the hash of the event" "$dir/again.log" || fail "$(cat "$dir/again.log")"
grep -q "line 9: invalid: invalid JSON" "$dir/again.log" || fail "$(cat "$dir/again.log")"
grep -q "9 lines, 0 stored, 7 not stored (duplicate, replaced, deleted or expired), 2 invalid" "$dir/again.log" \
  || fail "$(cat "$dir/again.log")"
[[ $("$pleb" export --data "$dir/data" 2>/dev/null | wc -l) == 6 ]] || fail "nothing may be lost or added"
echo "ok: bad lines reported with their numbers, nothing lost"

# Enough new events for one verification batch, one of them signed for another event's id.
for i in $(seq 1 12); do
  "$pleb" event sign --kind 1 --content "batch $i" --created-at $((1700001000 + i))
done >"$dir/batch.jsonl"
python3 - "$dir/batch.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
events = [json.loads(line) for line in lines]
events[3]["sig"] = events[4]["sig"]
open(sys.argv[1], "w").write("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))
PY
import_expecting_bad_lines "$dir/batch.jsonl" "$dir/batch.log"
grep -q "line 4: invalid: signature does not verify" "$dir/batch.log" || fail "$(cat "$dir/batch.log")"
grep -q "12 lines, 11 stored, 0 not stored (duplicate, replaced, deleted or expired), 1 invalid" "$dir/batch.log" \
  || fail "$(cat "$dir/batch.log")"
[[ $("$pleb" export --data "$dir/data" 2>/dev/null | wc -l) == 17 ]] || fail "the eleven good events must be stored"
echo "ok: a forged signature among a verification batch is reported by its line, the rest stored"
"$pleb" import --help >/dev/null && "$pleb" export --help >/dev/null
echo "all import/export checks passed"
