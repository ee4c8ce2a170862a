// The REST API and NIP-05 on `pleb serve`'s one port, driven as a web client would: nostr-tools signs
// NIP-98 requests; the relay and the user service meet on stored kind-0 events.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { startRelay, Client, newKey, sign } from './harness.mjs'

function signer(key) { return event => finalizeEvent(event, key.secret) }

async function call(relay, key, method, path, body) {
  const url = relay.http + path
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const headers = { Authorization: await getToken(url, method, signer(key), true, payload && JSON.parse(payload)) }
  if (payload) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: payload })
}

test('sign in, join, claim a NIP-05 name, and the name resolves for every client', async (t) => {
  const relay = await startRelay()
  t.after(() => relay.stop())
  const alice = newKey()

  const joined = await call(relay, alice, 'POST', '/api/v1/members')
  assert.ok([200, 201].includes(joined.status), await joined.text())
  const claimed = await call(relay, alice, 'POST', '/api/v1/nip05', { name: 'alice' })
  assert.equal(claimed.status, 201, await claimed.text())

  const resolved = await fetch(relay.http + '/.well-known/nostr.json?name=alice')
  assert.equal(resolved.status, 200)
  assert.equal(resolved.headers.get('access-control-allow-origin'), '*')
  assert.deepEqual((await resolved.json()).names, { alice: alice.pubkey })
  const unknown = await (await fetch(relay.http + '/.well-known/nostr.json?name=nobody')).json()
  assert.deepEqual(unknown.names, {})

  // Someone else cannot take the name: 409 problem+json.
  const bob = newKey()
  await call(relay, bob, 'POST', '/api/v1/members')
  const taken = await call(relay, bob, 'POST', '/api/v1/nip05', { name: 'Alice' })
  assert.equal(taken.status, 409)
  assert.equal(taken.headers.get('content-type'), 'application/problem+json')
  const invalid = await call(relay, bob, 'POST', '/api/v1/nip05', { name: 'no spaces' })
  assert.equal(invalid.status, 422)

  // A member may not promote anyone: 403.
  const promote = await call(relay, bob, 'POST', `/api/v1/members/${alice.pubkey}/role`, { role: 'moderator' })
  assert.equal(promote.status, 403)
  // Without credentials: 401 with the NIP-98 challenge.
  const anonymous = await fetch(relay.http + '/api/v1/members', { method: 'POST' })
  assert.equal(anonymous.status, 401)
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Nostr/)
})

test("a member's profile follows the kind-0 events the relay stores", async (t) => {
  const relay = await startRelay()
  t.after(() => relay.stop())
  const carol = newKey()
  assert.ok([200, 201].includes((await call(relay, carol, 'POST', '/api/v1/members')).status))

  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const metadata = sign(carol, { kind: 0, content: JSON.stringify({ display_name: 'Carol', about: 'relay tester' }) })
  assert.equal((await client.publish(metadata))[2], true)

  const profile = await (await fetch(`${relay.http}/api/v1/users/${carol.pubkey}`)).json()
  assert.equal(profile.display_name, 'Carol')
  assert.equal(profile.about, 'relay tester')
  assert.equal(profile.pubkey, carol.pubkey)
})

test('the OpenAPI document is served, and unknown API paths are problem+json 404s', async (t) => {
  const relay = await startRelay()
  t.after(() => relay.stop())
  const doc = await (await fetch(relay.http + '/api/v1/openapi.json')).json()
  assert.match(doc.openapi, /^3\./)
  assert.ok(doc.paths['/api/v1/nip05'])
  const missing = await fetch(relay.http + '/api/v1/nothing-here')
  assert.equal(missing.status, 404)
  assert.equal(missing.headers.get('content-type'), 'application/problem+json')
  // The relay's own routes are unchanged.
  assert.equal((await fetch(relay.http + '/health')).status, 200)
})

test('[api.rate_limits]: past the per-IP bucket the API answers 429 with Retry-After', async (t) => {
  const relay = await startRelay({ config: '[api.rate_limits]\nper_ip = { capacity = 3, per_second = 0.01 }\n' })
  t.after(() => relay.stop())
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await fetch(relay.http + '/api/v1/members')).status)
  assert.deepEqual(statuses, [200, 200, 200, 429, 429])
  const limited = await fetch(relay.http + '/api/v1/members')
  assert.ok(Number(limited.headers.get('retry-after')) >= 1)
  assert.equal(limited.headers.get('content-type'), 'application/problem+json')
})
