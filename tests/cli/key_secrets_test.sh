#!/usr/bin/env bash
# Drives `pleb key from-mnemonic|mnemonic|encrypt|decrypt` as a user would: the NIP-06 and NIP-49
# examples, an encrypt -> decrypt round trip, and the refusals of bad input.
set -euo pipefail
pleb=$1
unset PLEB_MNEMONIC PLEB_PASSPHRASE PLEB_SECRET_KEY PLEB_PASSWORD
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { sed -n "s/^$1: //p" <<<"$2"; }  # field "secret hex" "$output"
expect_error() {  # expect_error "message fragment" command... (stdin is /dev/null unless redirected)
  local fragment=$1; shift
  local err
  if err=$("$@" 2>&1 >/dev/null </dev/null); then fail "expected failure: $*"; fi
  [[ $err == *"$fragment"* ]] || fail "expected '$fragment' in '$err' from: $*"
  echo "ok: refused ($fragment)"
}

# NIP-06 examples, through each way of giving the mnemonic.
m1="leader monkey parrot ring guide accident before fence cannon height naive bean"
sk1=7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a
pk1=17162c921dc4d2518f9a101db33695df1afb56ab82f5ff3e5da6eec3ca5cd917
nsec1=nsec10allq0gjx7fddtzef0ax00mdps9t2kmtrldkyjfs8l5xruwvh2dq0lhhkp
npub1=npub1zutzeysacnf9rru6zqwmxd54mud0k44tst6l70ja5mhv8jjumytsd2x7nu
out=$(echo "$m1" | "$pleb" key from-mnemonic)
[[ $(field "secret hex" "$out") == "$sk1" && $(field "public hex" "$out") == "$pk1" ]] || fail "from-mnemonic (stdin): $out"
[[ $(field nsec "$out") == "$nsec1" && $(field npub "$out") == "$npub1" ]] || fail "from-mnemonic nsec/npub: $out"
[[ $(PLEB_MNEMONIC=$m1 "$pleb" key from-mnemonic </dev/null) == "$out" ]] || fail "from-mnemonic (environment)"
[[ $("$pleb" key from-mnemonic --mnemonic "$m1" </dev/null) == "$out" ]] || fail "from-mnemonic (--mnemonic)"
messy="  LEADER monkey	parrot ring guide accident before fence cannon height naive   bean  "
[[ $("$pleb" key from-mnemonic --mnemonic "$messy") == "$out" ]] || fail "from-mnemonic with odd spacing and case"
echo "ok: NIP-06 example 1 from stdin, environment and flag"

m2="what bleak badge arrange retreat wolf trade produce cricket blur garlic valid proud rude strong choose busy staff weather area salt hollow arm fade"
out=$(echo "$m2" | "$pleb" key from-mnemonic --account 0)
[[ $(field "secret hex" "$out") == c15d739894c81a2fcfd3a2df85a0d2c0dbc47a280d092799f144d73d7ae78add ]] || fail "NIP-06 example 2: $out"
[[ $(field npub "$out") == npub16sdj9zv4f8sl85e45vgq9n7nsgt5qphpvmf7vk8r5hhvmdjxx4es8rq74h ]] || fail "NIP-06 example 2 npub: $out"
echo "ok: NIP-06 example 2"

acct1=$(field "secret hex" "$(echo "$m1" | "$pleb" key from-mnemonic --account 1)")
pass=$(field "secret hex" "$(echo "$m1" | PLEB_PASSPHRASE=extra "$pleb" key from-mnemonic)")
pass_flag=$(field "secret hex" "$(echo "$m1" | "$pleb" key from-mnemonic --passphrase extra)")
[[ ${#acct1} == 64 && $acct1 != "$sk1" && $pass != "$sk1" && $pass != "$acct1" && $pass == "$pass_flag" ]] \
  || fail "accounts and passphrases must give distinct keys"
echo "ok: --account and --passphrase change the key"

# Fresh mnemonics are accepted back by from-mnemonic.
words12=$("$pleb" key mnemonic)
words24=$("$pleb" key mnemonic --words 24)
[[ $(wc -w <<<"$words12") == 12 && $(wc -w <<<"$words24") == 24 ]] || fail "mnemonic word counts: $words12 / $words24"
[[ $("$pleb" key mnemonic) != "$words12" ]] || fail "two generated mnemonics are equal"
echo "$words24" | "$pleb" key from-mnemonic | grep -q '^nsec: nsec1' || fail "generated mnemonic not accepted"
echo "ok: key mnemonic (12 and 24 words) round trips through from-mnemonic"

# NIP-49 example, password from the environment and from stdin.
ncryptsec=ncryptsec1qgg9947rlpvqu76pj5ecreduf9jxhselq2nae2kghhvd5g7dgjtcxfqtd67p9m0w57lspw8gsq6yphnm8623nsl8xn9j4jdzz84zm3frztj3z7s35vpzmqf6ksu8r89qk5z2zxfmu5gv8th8wclt0h4p
sk49=3501454135014541350145413501453fefb02227e449e57cf4d3a3ce05378683
[[ $(field "secret hex" "$(PLEB_PASSWORD=nostr "$pleb" key decrypt "$ncryptsec")") == "$sk49" ]] || fail "NIP-49 example (env)"
[[ $(field "secret hex" "$(echo nostr | "$pleb" key decrypt "$ncryptsec")") == "$sk49" ]] || fail "NIP-49 example (stdin)"
echo "ok: NIP-49 example decrypts"

# Round trips, with small scrypt costs to stay fast.
enc=$(printf '%s\n%s\n' "$nsec1" 'p4ss word' | "$pleb" key encrypt --log-n 8 --key-security 1)
[[ $enc == ncryptsec1* && ${#enc} == 162 ]] || fail "encrypt output: $enc"
[[ $(field "secret hex" "$(PLEB_PASSWORD='p4ss word' "$pleb" key decrypt "$enc")") == "$sk1" ]] || fail "round trip (nsec)"
enc2=$(echo 'pw' | PLEB_SECRET_KEY=$sk1 "$pleb" key encrypt --log-n 6)
[[ $(field nsec "$(echo pw | "$pleb" key decrypt "$enc2")") == "$nsec1" ]] || fail "round trip (hex key from env)"
enc3=$(PLEB_SECRET_KEY=$sk1 PLEB_PASSWORD=pw "$pleb" key encrypt --log-n 6 </dev/null)
[[ $enc3 != "$enc2" ]] || fail "two encryptions must differ (random salt and nonce)"
echo "ok: encrypt -> decrypt round trips"

# Refusals: clear message, non-zero exit.
expect_error "wrong password or corrupted ncryptsec" env PLEB_PASSWORD=Nostr "$pleb" key decrypt "$ncryptsec"
# shellcheck disable=SC2016  # $0 and $1 are expanded by the inner shell
expect_error "wrong password or corrupted ncryptsec" sh -c 'echo nope | "$0" key decrypt "$1"' "$pleb" "$enc"
expect_error "invalid ncryptsec: bad bech32 checksum" env PLEB_PASSWORD=x "$pleb" key decrypt "${ncryptsec/qgg9/qgg8}"
expect_error "expected the prefix ncryptsec" env PLEB_PASSWORD=x "$pleb" key decrypt "$nsec1"
expect_error "no password" "$pleb" key decrypt "$ncryptsec"
expect_error "no secret key" "$pleb" key encrypt
expect_error "no password" env PLEB_SECRET_KEY=$sk1 "$pleb" key encrypt
# shellcheck disable=SC2016
expect_error "must be an nsec or 64 hex" sh -c 'printf "garbage\npw\n" | "$0" key encrypt' "$pleb"
expect_error "--log-n must be 1 to 22" env PLEB_SECRET_KEY=$sk1 PLEB_PASSWORD=pw "$pleb" key encrypt --log-n 23
expect_error "--key-security must be 0, 1 or 2" env PLEB_SECRET_KEY=$sk1 PLEB_PASSWORD=pw "$pleb" key encrypt --key-security 3
expect_error "not in the BIP-39 English wordlist" "$pleb" key from-mnemonic --mnemonic "${m1/parrot/parrots}"
expect_error "12, 15, 18, 21 or 24 words, not 3" "$pleb" key from-mnemonic --mnemonic "garbage in here"
expect_error "checksum does not match" "$pleb" key from-mnemonic --mnemonic "${m1/bean/naive}"
expect_error "account must be below 2^31" "$pleb" key from-mnemonic --mnemonic "$m1" --account 2147483648
expect_error "no mnemonic" "$pleb" key from-mnemonic
expect_error "12, 15, 18, 21 or 24 words, not 13" "$pleb" key mnemonic --words 13
# A rejected mnemonic is not echoed back.
err=$("$pleb" key from-mnemonic --mnemonic "${m1/parrot/sekrit}" 2>&1 || true)
[[ $err != *sekrit* ]] || fail "error echoes a word: $err"
echo "ok: errors do not echo mnemonic words"

for cmd in "key from-mnemonic" "key mnemonic" "key encrypt" "key decrypt"; do
  # shellcheck disable=SC2086
  help=$("$pleb" $cmd --help) || fail "--help for '$cmd'"
  [[ -n $help ]] || fail "empty --help for '$cmd'"
done
"$pleb" key encrypt --help | grep -q PLEB_PASSWORD || fail "encrypt --help must document PLEB_PASSWORD"
"$pleb" key decrypt --help | grep -q stdin || fail "decrypt --help must document stdin"
echo "ok: --help on every command"
echo "all key secret command tests passed"
