#!/usr/bin/env bash
# Drives `pleb nip19` as a user would: the NIP-19 spec examples, encode/decode round trips, and bad
# input (non-zero exit, a message on stderr, nothing on stdout, no crash).
# Usage: nip19_test.sh path/to/pleb
set -euo pipefail

pleb=${1:?usage: $0 path/to/pleb}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_output DESCRIPTION EXPECTED-STDOUT COMMAND-ARGS...
expect_output() {
  local description=$1 expected=$2
  shift 2
  echo "check: $description"
  local actual status=0
  actual=$("$pleb" "$@" 2>"$scratch/stderr") || status=$?
  if [[ $status -ne 0 ]]; then
    fail "$description: exit status $status, stderr: $(cat "$scratch/stderr")"
  elif [[ "$actual" != "$expected" ]]; then
    fail "$description: expected '$expected', got '$actual'"
  fi
}

# expect_error DESCRIPTION STDERR-SUBSTRING COMMAND-ARGS...
expect_error() {
  local description=$1 message=$2
  shift 2
  echo "check: $description"
  local status=0
  "$pleb" "$@" >"$scratch/stdout" 2>"$scratch/stderr" || status=$?
  if [[ $status -eq 0 ]]; then
    fail "$description: succeeded, expected an error"
  elif [[ $status -ge 128 ]]; then
    fail "$description: died with status $status (signal?)"
  elif ! grep -qF -- "$message" "$scratch/stderr"; then
    fail "$description: stderr lacks '$message': $(cat "$scratch/stderr")"
  elif [[ -s "$scratch/stdout" ]]; then
    fail "$description: printed to stdout: $(cat "$scratch/stdout")"
  fi
}

pub1=3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d
npub1=npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6
pub2=7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e
npub2=npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg
sec=67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa
nsec=nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5
nprofile=nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p
note_id=46d731680add2990efe1cc619dc9b8014feeb23261ab9dee50e9d11814de5a2b
note=note1gmtnz6q2m55epmlpe3semjdcq987av3jvx4emmjsa8g3s9x7tg4sclreky

# ---- the NIP-19 spec examples ----
expect_output "spec: decode npub (1)" "{\"type\":\"npub\",\"pubkey\":\"$pub1\"}" nip19 decode "$npub1"
expect_output "spec: decode npub (2)" "{\"type\":\"npub\",\"pubkey\":\"$pub2\"}" nip19 decode "$npub2"
expect_output "spec: decode nsec" "{\"type\":\"nsec\",\"secret\":\"$sec\"}" nip19 decode "$nsec"
expect_output "spec: decode nprofile" \
  "{\"type\":\"nprofile\",\"pubkey\":\"$pub1\",\"relays\":[\"wss://r.x.com\",\"wss://djbas.sadkb.com\"]}" \
  nip19 decode "$nprofile"
expect_output "spec: encode npub (1)" "$npub1" nip19 encode npub "$pub1"
expect_output "spec: encode npub (2)" "$npub2" nip19 encode npub "$pub2"
expect_output "spec: encode nsec" "$nsec" nip19 encode nsec "$sec"
expect_output "encode note" "$note" nip19 encode note "$note_id"
expect_output "decode note" "{\"type\":\"note\",\"id\":\"$note_id\"}" nip19 decode "$note"

# ---- input forms ----
expect_output "uppercase hex is accepted" "$npub1" nip19 encode npub "${pub1^^}"
expect_output "all-uppercase bech32 is accepted" "{\"type\":\"npub\",\"pubkey\":\"$pub1\"}" nip19 decode "${npub1^^}"
expect_output "nostr: URI prefix is accepted" "{\"type\":\"npub\",\"pubkey\":\"$pub1\"}" nip19 decode "nostr:$npub1"
echo "check: nsec read from stdin with '-'"
out=$(printf '%s\n' "$nsec" | "$pleb" nip19 decode -)
[[ "$out" == "{\"type\":\"nsec\",\"secret\":\"$sec\"}" ]] || fail "decode - : got '$out'"
echo "check: secret hex read from stdin with '-'"
out=$(printf '%s\n' "$sec" | "$pleb" nip19 encode nsec -)
[[ "$out" == "$nsec" ]] || fail "encode nsec - : got '$out'"

# ---- round trips: encode, then decode gives back the parts ----
encoded=$("$pleb" nip19 encode nprofile --pubkey "$pub1" --relay wss://r.x.com --relay wss://djbas.sadkb.com)
expect_output "nprofile round trip" \
  "{\"type\":\"nprofile\",\"pubkey\":\"$pub1\",\"relays\":[\"wss://r.x.com\",\"wss://djbas.sadkb.com\"]}" \
  nip19 decode "$encoded"

encoded=$("$pleb" nip19 encode nprofile --pubkey "$pub2")
expect_output "nprofile without relays round trip" "{\"type\":\"nprofile\",\"pubkey\":\"$pub2\",\"relays\":[]}" \
  nip19 decode "$encoded"

encoded=$("$pleb" nip19 encode nevent --id "$note_id" --relay wss://relay.example.com --author "$pub1" --kind 1)
expect_output "nevent round trip" \
  "{\"type\":\"nevent\",\"id\":\"$note_id\",\"relays\":[\"wss://relay.example.com\"],\"author\":\"$pub1\",\"kind\":1}" \
  nip19 decode "$encoded"

encoded=$("$pleb" nip19 encode nevent --id "$note_id")
expect_output "bare nevent round trip" "{\"type\":\"nevent\",\"id\":\"$note_id\",\"relays\":[]}" nip19 decode "$encoded"

# The naddr of nostr-tools' go-nostr test, re-encoded from its decoded parts.
go_naddr=naddr1qqrxyctwv9hxzq3q80cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsxpqqqp65wqfwwaehxw309aex2mrp0yhxummnw3ezuetcv9khqmr99ekhjer0d4skjm3wv4uxzmtsd3jjucm0d5q3vamnwvaz7tmwdaehgu3wvfskuctwvyhxxmmd0zfmwx
naddr_json="{\"type\":\"naddr\",\"identifier\":\"banana\",\"pubkey\":\"$pub1\",\"kind\":30023,\"relays\":[\"wss://relay.nostr.example.mydomain.example.com\",\"wss://nostr.banana.com\"]}"
expect_output "decode naddr (other TLV order)" "$naddr_json" nip19 decode "$go_naddr"
encoded=$("$pleb" nip19 encode naddr --identifier banana --pubkey "$pub1" --kind 30023 \
  --relay wss://relay.nostr.example.mydomain.example.com --relay wss://nostr.banana.com)
expect_output "naddr round trip" "$naddr_json" nip19 decode "$encoded"

encoded=$("$pleb" nip19 encode naddr --identifier "" --pubkey "$pub1" --kind 10002)
expect_output "naddr with empty identifier round trip" \
  "{\"type\":\"naddr\",\"identifier\":\"\",\"pubkey\":\"$pub1\",\"kind\":10002,\"relays\":[]}" nip19 decode "$encoded"

encoded=$("$pleb" nip19 encode naddr --identifier 'say "hi"' --pubkey "$pub1" --kind 30023)
expect_output "JSON escaping of the identifier" \
  "{\"type\":\"naddr\",\"identifier\":\"say \\\"hi\\\"\",\"pubkey\":\"$pub1\",\"kind\":30023,\"relays\":[]}" \
  nip19 decode "$encoded"

# ---- help on every subcommand ----
for args in "nip19" "nip19 decode" "nip19 encode" "nip19 encode npub" "nip19 encode nsec" "nip19 encode note" \
  "nip19 encode nprofile" "nip19 encode nevent" "nip19 encode naddr"; do
  echo "check: $args --help"
  # shellcheck disable=SC2086  # word splitting of $args is intended
  "$pleb" $args --help >"$scratch/help" 2>&1 || fail "$args --help exited non-zero"
  grep -q "Usage:" "$scratch/help" || fail "$args --help printed no usage"
done

# ---- bad input ----
expect_error "bad checksum" "bad bech32 checksum" nip19 decode "${npub1%?}7"
expect_error "mixed case" "mixed upper and lower case" nip19 decode "N${npub1#n}"
expect_error "invalid character" "invalid character 'b' at position 13" \
  nip19 decode npub180cvv07bjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6
expect_error "truncated TLV" "truncated TLV in nevent" nip19 decode nevent1qq5v4rkz
expect_error "not bech32 at all" "missing the bech32 separator" nip19 decode hello
expect_error "too long" "bech32 string too long: 5001 characters" nip19 decode "npub1$(printf 'q%.0s' {1..4996})"
expect_error "empty input" "the input is empty" nip19 decode ""
expect_error "missing argument" "STRING is required" nip19 decode
expect_error "missing encode type" "A subcommand is required" nip19 encode
expect_error "unknown encode type" "A subcommand is required" nip19 encode nrelay wss://x
expect_error "short hex" "npub HEX must be 64 hex characters (32 bytes), got 4" nip19 encode npub abcd
expect_error "non-hex" "note HEX is not valid hex" nip19 encode note "${note_id%??}zz"
expect_error "nevent without --id" "--id is required" nip19 encode nevent --kind 1
expect_error "bad --author" "--author must be 64 hex characters" nip19 encode nevent --id "$note_id" --author 12
expect_error "bad --kind" "--kind must be a whole number from 0 to 4294967295, got 'one'" \
  nip19 encode nevent --id "$note_id" --kind one
expect_error "--kind out of range" "got '4294967296'" \
  nip19 encode naddr --identifier x --pubkey "$pub1" --kind 4294967296
expect_error "naddr without --kind" "--kind is required" nip19 encode naddr --identifier x --pubkey "$pub1"
expect_error "relay longer than a TLV holds" "nprofile relay is 256 bytes, a TLV value holds at most 255" \
  nip19 encode nprofile --pubkey "$pub1" --relay "wss://$(printf 'r%.0s' {1..250})"
echo "check: a bad nsec is not echoed back"
status=0
"$pleb" nip19 decode "${nsec%?}4" >"$scratch/stdout" 2>"$scratch/stderr" || status=$?
[[ $status -eq 1 ]] || fail "bad nsec: exit status $status"
if grep -qF "${nsec:5:20}" "$scratch/stderr" "$scratch/stdout"; then fail "bad nsec: secret echoed"; fi

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all nip19 CLI checks passed"
