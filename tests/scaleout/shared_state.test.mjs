// What several processes share through Redis and PostgreSQL: rate-limit buckets (API and relay), used
// NIP-98 ids, and the user service's data; profiles follow kind-0 events from any relay via the bus.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { Client, newKey, sign } from '../relay/harness.mjs'
import { configFile, startApi, startProcessor, startScaledRelay } from './cluster.mjs'

const signer = key => event => finalizeEvent(event, key.secret)

async function signedFetch(base, key, method, path, body) {
  const url = base + path
  const headers = { Authorization: await getToken(url, method, signer(key), true, body) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

test('two API processes share one per-IP bucket in Redis: 429 with Retry-After from either', async (t) => {
  const config = configFile('[api.rate_limits]\nper_ip = { capacity = 4, per_second = 0.01 }\n')
  const one = await startApi(['--config', config])
  const two = await startApi(['--config', config])
  t.after(async () => { await one.stop(); await two.stop() })
  const statuses = []
  for (const api of [one, two, one, two, one, two]) statuses.push((await fetch(api.http + '/api/v1/members')).status)
  assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429])
  const limited = await fetch(two.http + '/api/v1/members')
  assert.equal(limited.status, 429)
  assert.ok(Number(limited.headers.get('retry-after')) >= 1)
})

test('a NIP-98 header used on one API process is refused on the other', async (t) => {
  const key = newKey()
  // The u tag must match each process's URL, so sign for a path both serve behind one public URL.
  const config = configFile('[api]\npublic_url = "https://api.example"\n')
  const a = await startApi(['--config', config])
  const b = await startApi(['--config', config])
  t.after(async () => { await a.stop(); await b.stop() })
  const header = await getToken('https://api.example/api/v1/members', 'POST', signer(key), true)
  const first = await fetch(a.http + '/api/v1/members', { method: 'POST', headers: { Authorization: header } })
  assert.ok([200, 201].includes(first.status), await first.text())
  const replay = await fetch(b.http + '/api/v1/members', { method: 'POST', headers: { Authorization: header } })
  assert.equal(replay.status, 401)
  assert.match((await replay.json()).detail, /already|replay|used/i)
})

test('names claimed on one API process resolve on another; profiles follow kind 0 from any relay', async (t) => {
  const processor = await startProcessor()
  const relay = await startScaledRelay()
  const one = await startApi()
  const two = await startApi()
  t.after(async () => { await relay.stop(); await processor.stop(); await one.stop(); await two.stop() })
  const dave = newKey()
  assert.ok([200, 201].includes((await signedFetch(one.http, dave, 'POST', '/api/v1/members')).status))
  const claimed = await signedFetch(one.http, dave, 'POST', '/api/v1/nip05', { name: 'dave' })
  assert.equal(claimed.status, 201, await claimed.text())
  const names = await (await fetch(two.http + '/.well-known/nostr.json?name=dave')).json()
  assert.deepEqual(names.names, { dave: dave.pubkey })

  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const metadata = sign(dave, { kind: 0, content: JSON.stringify({ display_name: 'Dave on the relay' }) })
  assert.equal((await client.publish(metadata))[2], true)
  let profile
  for (let i = 0; i < 50; i++) {
    profile = await (await fetch(`${two.http}/api/v1/users/${dave.pubkey}`)).json()
    if (profile.display_name === 'Dave on the relay') break
    await new Promise(r => setTimeout(r, 100))
  }
  assert.equal(profile.display_name, 'Dave on the relay')
})

test('relays share event rate limits per author through Redis: rate-limited: on either', async (t) => {
  const config = configFile('[limits.events]\nper_pubkey = { capacity = 3, per_second = 0.01 }\n')
  const processor = await startProcessor()
  const a = await startScaledRelay(['--config', config, '--cache', process.env.REDIS_URL])
  const b = await startScaledRelay(['--config', config, '--cache', process.env.REDIS_URL])
  t.after(async () => { await a.stop(); await b.stop(); await processor.stop() })
  const ca = await Client.connect(a.url)
  const cb = await Client.connect(b.url)
  t.after(() => { ca.close(); cb.close() })
  const erin = newKey()
  assert.equal((await ca.publish(sign(erin, { content: '1' })))[2], true)
  assert.equal((await cb.publish(sign(erin, { content: '2' })))[2], true)
  assert.equal((await ca.publish(sign(erin, { content: '3' })))[2], true)
  const refused = await cb.publish(sign(erin, { content: '4' }))
  assert.equal(refused[2], false)
  assert.match(refused[3], /^rate-limited: too many events from this author, try again in \d+ seconds?$/)
  // Another author is not affected.
  assert.equal((await cb.publish(sign(newKey(), { content: 'other' })))[2], true)
})
