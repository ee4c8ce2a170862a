// NIP-01 and the storage rules over real WebSockets against a real `pleb serve`.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startRelay, Client, newKey, sign, now } from './harness.mjs'

let relay
before(async () => { relay = await startRelay() })
after(async () => { await relay.stop() })

test('an event is acknowledged, stored, served and a duplicate is refused', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const event = sign(key, { content: 'hello relay' })
  assert.deepEqual(await c.publish(event), ['OK', event.id, true, ''])
  const again = await c.publish(event)
  assert.equal(again[2], false)
  assert.match(again[3], /^duplicate:/)
  const stored = await c.query('q', { ids: [event.id] })
  assert.deepEqual(stored, [event])
  c.close()
})

test('REQ returns stored events newest first, honours limit, then EOSE, then live events', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const t = now() - 100
  const events = []
  for (let i = 0; i < 5; i++) events.push(sign(key, { content: `n${i}`, created_at: t + i }))
  for (const e of events) assert.equal((await c.publish(e))[2], true)
  const got = await c.query('s', { authors: [key.pubkey], limit: 3 })
  assert.deepEqual(got.map(e => e.content), ['n4', 'n3', 'n2'])
  const live = sign(key, { content: 'live' })
  const other = await Client.connect(relay.url)
  await other.publish(live)
  const delivered = await c.nextOf('EVENT', 's')
  assert.equal(delivered[2].id, live.id)
  c.close(); other.close()
})

test('several filters are OR-ed and no event is sent twice', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const a = sign(key, { kind: 1, content: 'a', tags: [['t', 'both']] })
  const b = sign(key, { kind: 7, content: '+', tags: [['t', 'both']] })
  await c.publish(a); await c.publish(b)
  const got = await c.query('or', { authors: [key.pubkey], kinds: [1] }, { '#t': ['both'] }, { authors: [key.pubkey] })
  assert.equal(got.length, 2)
  assert.deepEqual(new Set(got.map(e => e.id)), new Set([a.id, b.id]))
  // A live event matching two filters of one subscription arrives once.
  const c2 = sign(key, { kind: 1, content: 'c', tags: [['t', 'both']] })
  await c.publish(c2)
  await c.nextOf('EVENT', 'or')
  assert.deepEqual(await c.quiet(m => m[0] === 'EVENT' && m[1] === 'or'), [])
  c.close()
})

test('live events reach each subscription by whatever its filter names: ids, authors, a tag, kinds, nothing', async () => {
  const reader = await Client.connect(relay.url)
  const writer = await Client.connect(relay.url)
  const alice = newKey(), bob = newKey(), carol = newKey()
  const t = now()
  const byId = sign(carol, { kind: 30, content: 'wanted by id', created_at: t })
  const fromAlice = sign(alice, { kind: 1, content: 'alice note', created_at: t })
  const tagsBob = sign(carol, { kind: 1, content: 'hi bob', tags: [['p', bob.pubkey], ['t', 'live']], created_at: t })
  const reaction = sign(carol, { kind: 9735, content: '', created_at: t })
  const old = sign(carol, { kind: 31, content: 'older than every since', created_at: t - 5000 })
  const subscriptions = {
    ids: { ids: [byId.id] },
    author: { authors: [alice.pubkey], kinds: [1] },
    tag: { '#t': ['live', 'other'], '#p': [bob.pubkey] },  // filed under the narrower #p, both must hold
    kinds: { kinds: [9735] },
    broad: { since: t - 60 },
  }
  for (const [id, filter] of Object.entries(subscriptions)) await reader.query(id, filter)
  for (const e of [byId, fromAlice, tagsBob, reaction, old]) assert.equal((await writer.publish(e))[2], true)
  const expected = {
    ids: [byId.id],
    author: [fromAlice.id],
    tag: [tagsBob.id],
    kinds: [reaction.id],
    broad: [byId.id, fromAlice.id, tagsBob.id, reaction.id],
  }
  for (const [id, ids] of Object.entries(expected)) {
    const got = []
    for (let i = 0; i < ids.length; i++) got.push((await reader.nextOf('EVENT', id))[2].id)
    assert.deepEqual(got.sort(), [...ids].sort(), id)
  }
  assert.deepEqual(await reader.quiet(m => m[0] === 'EVENT'), [])
  reader.close()
  writer.close()
})

test('a REQ with an existing id replaces the subscription; CLOSE ends it', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  await c.query('same', { kinds: [1], authors: [key.pubkey] })
  await c.query('same', { kinds: [7], authors: [key.pubkey] })
  await c.publish(sign(key, { kind: 1, content: 'not for the new filter' }))
  const reaction = sign(key, { kind: 7, content: '+' })
  await c.publish(reaction)
  const m = await c.nextOf('EVENT', 'same')
  assert.equal(m[2].id, reaction.id)
  c.send(['CLOSE', 'same'])
  await c.publish(sign(key, { kind: 7, content: '-' }))
  assert.deepEqual(await c.quiet(x => x[0] === 'EVENT'), [])
  c.close()
})

test('replaceable events keep only the newest, lowest id on a tie', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const t = now() - 50
  const old = sign(key, { kind: 0, content: '{"name":"old"}', created_at: t })
  const fresh = sign(key, { kind: 0, content: '{"name":"new"}', created_at: t + 10 })
  assert.equal((await c.publish(old))[2], true)
  assert.equal((await c.publish(fresh))[2], true)
  const older = await c.publish(sign(key, { kind: 0, content: '{"name":"older"}', created_at: t - 10 }))
  assert.equal(older[2], false)
  assert.match(older[3], /^duplicate:/)
  assert.deepEqual((await c.query('p', { kinds: [0], authors: [key.pubkey] })).map(e => e.id), [fresh.id])

  const x = sign(key, { kind: 10002, content: 'x', created_at: t })
  const y = sign(key, { kind: 10002, content: 'y', created_at: t })
  await c.publish(x); await c.publish(y)
  const lowest = [x.id, y.id].sort()[0]
  assert.deepEqual((await c.query('r', { kinds: [10002], authors: [key.pubkey] })).map(e => e.id), [lowest])
  c.close()
})

test('addressable events are replaced per d tag', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const t = now() - 50
  await c.publish(sign(key, { kind: 30023, content: 'a1', tags: [['d', 'a']], created_at: t }))
  await c.publish(sign(key, { kind: 30023, content: 'b1', tags: [['d', 'b']], created_at: t }))
  await c.publish(sign(key, { kind: 30023, content: 'a2', tags: [['d', 'a']], created_at: t + 1 }))
  const got = await c.query('a', { kinds: [30023], authors: [key.pubkey] })
  assert.deepEqual(got.map(e => e.content).sort(), ['a2', 'b1'])
  c.close()
})

test('ephemeral events are delivered live and never stored', async () => {
  const listener = await Client.connect(relay.url)
  const key = newKey()
  await listener.query('eph', { kinds: [20001], authors: [key.pubkey] })
  const c = await Client.connect(relay.url)
  const e = sign(key, { kind: 20001, content: 'now or never' })
  assert.equal((await c.publish(e))[2], true)
  assert.equal((await listener.nextOf('EVENT', 'eph'))[2].id, e.id)
  assert.deepEqual(await c.query('later', { kinds: [20001], authors: [key.pubkey] }), [])
  listener.close(); c.close()
})

test('NIP-09: deletion by e and a reference; deleted events stay deleted', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const stranger = newKey()
  const t = now() - 30
  const note = sign(key, { content: 'regret', created_at: t })
  const article = sign(key, { kind: 30023, content: 'draft', tags: [['d', 'post']], created_at: t })
  await c.publish(note); await c.publish(article)
  const fake = sign(stranger, { kind: 5, tags: [['e', note.id]] })
  assert.equal((await c.publish(fake))[2], true)
  assert.equal((await c.query('still', { ids: [note.id] })).length, 1, "another author's deletion has no effect")
  const deletion = sign(key, { kind: 5, tags: [['e', note.id], ['a', `30023:${key.pubkey}:post`]], created_at: t + 5 })
  assert.equal((await c.publish(deletion))[2], true)
  assert.deepEqual(await c.query('gone', { ids: [note.id, article.id] }), [])
  assert.deepEqual((await c.query('del', { kinds: [5], authors: [key.pubkey] })).map(e => e.id), [deletion.id])
  const republished = await c.publish(note)
  assert.equal(republished[2], false)
  assert.match(republished[3], /^blocked:/)
  const newer = sign(key, { kind: 30023, content: 'final', tags: [['d', 'post']], created_at: t + 10 })
  assert.equal((await c.publish(newer))[2], true, 'an address deleted up to t+5 accepts a later version')
  c.close()
})

test('NIP-40: expired events are refused and not served', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  const expired = await c.publish(sign(key, { tags: [['expiration', String(now() - 10)]] }))
  assert.equal(expired[2], false)
  assert.match(expired[3], /^invalid: .*expired/)
  const soon = sign(key, { content: 'soon gone', tags: [['expiration', String(now() + 2)]] })
  assert.equal((await c.publish(soon))[2], true)
  assert.equal((await c.query('before', { ids: [soon.id] })).length, 1)
  await new Promise(r => setTimeout(r, 3100))
  assert.deepEqual(await c.query('after', { ids: [soon.id] }), [])
  c.close()
})

test('NIP-45 COUNT', async () => {
  const c = await Client.connect(relay.url)
  const key = newKey()
  for (let i = 0; i < 4; i++) await c.publish(sign(key, { content: `c${i}`, created_at: now() - i }))
  c.send(['COUNT', 'n', { authors: [key.pubkey], kinds: [1] }])
  assert.deepEqual(await c.nextOf('COUNT', 'n'), ['COUNT', 'n', { count: 4 }])
  c.close()
})

test('created_at too far in the future is refused', async () => {
  const c = await Client.connect(relay.url)
  const r = await c.publish(sign(newKey(), { created_at: now() + 3600 }))
  assert.equal(r[2], false)
  assert.match(r[3], /^invalid: created_at/)
  c.close()
})

test('a home feed over a follow list of 4,000 authors: the notes of those who wrote, newest first', async () => {
  const c = await Client.connect(relay.url)
  const writers = Array.from({ length: 3 }, () => newKey())
  const t = now() - 50
  const notes = writers.map((k, i) => sign(k, { content: `feed ${i}`, created_at: t + i }))
  for (const e of notes) assert.equal((await c.publish(e))[2], true)
  // Unknown authors around the three that wrote: a follow list mostly names people with nothing here.
  const follows = Array.from({ length: 3997 }, () => randomBytes(32).toString('hex'))
    .concat(writers.map(k => k.pubkey))
  const got = await c.query('feed', { authors: follows, kinds: [1, 6], limit: 500 })
  assert.deepEqual(got.map(e => e.id), [...notes].reverse().map(e => e.id))
  c.close()
})

test('NIP-11 information document lists exactly what is enabled', async () => {
  const res = await fetch(relay.http + '/', { headers: { Accept: 'application/nostr+json' } })
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type'), /application\/nostr\+json/)
  assert.equal(res.headers.get('access-control-allow-origin'), '*')
  const info = await res.json()
  assert.deepEqual(info.supported_nips, [1, 9, 11, 40, 42, 45, 50, 70])
  assert.equal(info.limitation.max_subscriptions, 50)
  assert.equal(info.limitation.max_message_length, 524288)
  assert.equal(info.limitation.auth_required, false)
  assert.equal(info.limitation.max_filter_values, 5000)
  assert.equal((await fetch(relay.http + '/health')).status, 200)
  assert.equal((await fetch(relay.http + '/ready')).status, 200)
  const missing = await fetch(relay.http + '/nope')
  assert.equal(missing.status, 404)
  assert.match(missing.headers.get('content-type'), /application\/problem\+json/)
  assert.deepEqual(await missing.json(), { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such resource' })
})
