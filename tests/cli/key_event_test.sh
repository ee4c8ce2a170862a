#!/usr/bin/env bash
# Drives `pleb key generate|public` and `pleb event sign|verify` as a user would.
set -euo pipefail
pleb=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_error() {  # expect_error "message fragment" command...
  local fragment=$1; shift
  local err
  if err=$("$@" 2>&1 >/dev/null); then fail "expected failure: $*"; fi
  [[ $err == *"$fragment"* ]] || fail "expected '$fragment' in '$err' from: $*"
  echo "ok: refused ($fragment)"
}

# Secret key 3 has a well-known public key (BIP-340 vector 0).
sk=0000000000000000000000000000000000000000000000000000000000000003
pk=f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9
out=$("$pleb" key public "$sk")
[[ $out == *"public hex: $pk"* ]] || fail "key public: $out"
npub=$(sed -n 's/^npub: //p' <<<"$out")
echo "ok: key public -> $npub"

gen=$("$pleb" key generate)
nsec=$(sed -n 's/^nsec: //p' <<<"$gen")
pub=$(sed -n 's/^public hex: //p' <<<"$gen")
[[ $nsec == nsec1* && ${#pub} == 64 ]] || fail "key generate: $gen"
[[ $("$pleb" key public "$nsec") == *"public hex: $pub"* ]] || fail "nsec from generate does not give its public key"
[[ $(echo "$nsec" | "$pleb" key public -) == *"public hex: $pub"* ]] || fail "key from stdin"
[[ $(PLEB_SECRET_KEY=$nsec "$pleb" key public) == *"public hex: $pub"* ]] || fail "key from environment"
echo "ok: key generate, and its nsec read from argument, stdin and environment"

event=$(PLEB_SECRET_KEY=$sk "$pleb" event sign --kind 1 --content 'hello "world"' --tag 't,nostr' --tag '["p","a,b"]' --created-at 1700000000)
[[ $event == *'"pubkey":"'$pk'"'* && $event == *'"tags":[["t","nostr"],["p","a,b"]]'* && $event == *'"created_at":1700000000'* ]] \
  || fail "event sign: $event"
echo "$event" | "$pleb" event verify >/dev/null || fail "a signed event must verify"
printf 'line two\n' | "$pleb" event sign --key "$nsec" --content-stdin | "$pleb" event verify >/dev/null || fail "content from stdin"
echo "ok: event sign | event verify"

tampered=${event/hello/jello}
set +e
report=$(printf '%s\n%s\n{"id":1}\nnot json\n' "$event" "$tampered" | "$pleb" event verify 2>&1 >/dev/null)
status=$?
set -e
[[ $status == 1 ]] || fail "verify exit status $status"
[[ $report == *"line 2: invalid: id is not the hash of the event"* ]] || fail "$report"
[[ $report == *"line 3: invalid: id must be 64 lowercase hex characters"* ]] || fail "$report"
[[ $report == *"line 4: invalid: invalid JSON"* ]] || fail "$report"
[[ $report == *"1 valid, 3 invalid"* ]] || fail "$report"
echo "ok: event verify reports each bad line"

expect_error "no secret key" env -u PLEB_SECRET_KEY "$pleb" event sign --content x
expect_error "must be an nsec or 64 hex" "$pleb" key public nothex
expect_error "not a valid secp256k1 key" "$pleb" key public 0000000000000000000000000000000000000000000000000000000000000000
expect_error "invalid nsec" "$pleb" key public nsec1qqqqqqqq
expect_error "--kind must be between 0 and 65535" "$pleb" event sign --key "$sk" --kind 70000
expect_error "not a JSON array" "$pleb" event sign --key "$sk" --tag '[broken'
expect_error "" "$pleb" event bogus
for cmd in "" key "key generate" "key public" event "event sign" "event verify"; do
  # shellcheck disable=SC2086
  "$pleb" $cmd --help >/dev/null || fail "--help for '$cmd'"
done
echo "ok: --help on every command"
echo "all key/event CLI checks passed"
