// NIP-05 end to end with a client library's own resolver: a member claims a name through the REST API
// (NIP-98 signed by nostr-tools), and nostr-tools' nip05 module — the code Nostr clients run to verify
// `name@domain` — resolves it against `pleb serve`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { isNip05, isValid, queryProfile, useFetchImplementation } from 'nostr-tools/nip05'
import { startRelay, newKey } from './harness.mjs'

// The domain the test's identifiers name. nostr-tools always fetches https://<domain>/.well-known/
// nostr.json and its NIP-05 pattern admits no port (checked below), so `alice@127.0.0.1:PORT` cannot be
// resolved as written. The fetch below stands in for what a deployment has in front of pleb — DNS for the
// domain and a TLS-terminating proxy — by sending https://pleb.test/... to http://127.0.0.1:PORT/...
// unchanged otherwise (same path, query and options). Everything after the URL is nostr-tools' own code.
const DOMAIN = 'pleb.test'

function routeDomainTo(relay, seen) {
  useFetchImplementation((url, options) => {
    const prefix = `https://${DOMAIN}/`
    assert.ok(String(url).startsWith(prefix), `nostr-tools fetched an unexpected URL: ${url}`)
    const local = relay.http + '/' + String(url).slice(prefix.length)
    seen.push(local)
    return fetch(local, options)
  })
}

async function call(relay, key, method, path, body) {
  const url = relay.http + path
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const sign = event => finalizeEvent(event, key.secret)
  const headers = { Authorization: await getToken(url, method, sign, true, body) }
  if (payload) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: payload })
}

test('nostr-tools resolves a name claimed through the API, with its relays', async (t) => {
  const relays = ['wss://relay.pleb.test', 'wss://backup.pleb.test']
  const relay = await startRelay({ config: `[api]\nnip05_relays = ${JSON.stringify(relays)}\n` })
  t.after(() => relay.stop())
  const seen = []
  routeDomainTo(relay, seen)

  // Why the domain stand-in: the library's pattern refuses a host with a port.
  assert.equal(isNip05(`alice@127.0.0.1:${relay.port}`), false)
  assert.equal(await queryProfile(`alice@127.0.0.1:${relay.port}`), null)
  assert.equal(seen.length, 0)

  const alice = newKey()
  // Before the claim the library finds nobody (our answer is {"names":{}}, not an error).
  assert.equal(await queryProfile(`alice@${DOMAIN}`), null)

  const joined = await call(relay, alice, 'POST', '/api/v1/members')
  assert.ok([200, 201].includes(joined.status), await joined.text())
  const claimed = await call(relay, alice, 'POST', '/api/v1/nip05', { name: 'alice' })
  assert.equal(claimed.status, 201, await claimed.text())

  const profile = await queryProfile(`alice@${DOMAIN}`)
  assert.deepEqual(profile, { pubkey: alice.pubkey, relays })
  assert.equal(await isValid(alice.pubkey, `alice@${DOMAIN}`), true)
  assert.equal(await isValid(newKey().pubkey, `alice@${DOMAIN}`), false)
  // The library asked for exactly the name it resolves, at the well-known path.
  assert.equal(seen.at(-1), `${relay.http}/.well-known/nostr.json?name=alice`)

  // Names are compared in lowercase, and the answer is keyed by the name as asked, so the library finds
  // `Alice@` too (it looks up names[<the name it sent>]).
  assert.deepEqual(await queryProfile(`Alice@${DOMAIN}`), { pubkey: alice.pubkey, relays })

  // Released: the library stops resolving it at once.
  const released = await call(relay, alice, 'DELETE', '/api/v1/nip05')
  assert.equal(released.status, 204, await released.text())
  assert.equal(await queryProfile(`alice@${DOMAIN}`), null)
  assert.equal(await isValid(alice.pubkey, `alice@${DOMAIN}`), false)
})

test('nostr-tools resolves the bare domain as `_@domain` once the operator frees `_` and someone claims it', async (t) => {
  // `_` is reserved by default; this operator keeps only `admin`.
  const relay = await startRelay({ config: '[api]\nreserved_names = ["admin"]\n' })
  t.after(() => relay.stop())
  routeDomainTo(relay, [])
  const root = newKey()
  assert.ok([200, 201].includes((await call(relay, root, 'POST', '/api/v1/members')).status))

  assert.equal(await queryProfile(DOMAIN), null)
  const reserved = await call(relay, root, 'POST', '/api/v1/nip05', { name: 'admin' })
  const refusal = await reserved.text()
  assert.equal(reserved.status, 409, refusal)
  assert.equal(JSON.parse(refusal).title, 'Name Reserved')
  const claimed = await call(relay, root, 'POST', '/api/v1/nip05', { name: '_' })
  assert.equal(claimed.status, 201, await claimed.text())
  assert.equal((await queryProfile(DOMAIN))?.pubkey, root.pubkey)
  assert.equal(await isValid(root.pubkey, `_@${DOMAIN}`), true)
})
