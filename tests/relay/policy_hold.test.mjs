// Holding writes from outside the web of trust for moderators, on `pleb serve`: the author is told
// "held for moderation", nobody is served the event until a moderator approves it (then it is stored and
// sent live), a rejected one is never served, and with hold_admit_after_seconds a held event is admitted
// on its own after the wait. Real WebSockets, real HTTP with NIP-98.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { startRelay, Client, newKey, sign } from './harness.mjs'

function signer(key) { return event => finalizeEvent(event, key.secret) }

// NIP-98 accepts each signed event once, and two identical requests in one second sign the same event:
// a counter in the query keeps repeated requests apart.
let nonce = 0
async function call(relay, key, method, path) {
  const url = relay.http + path + (path.includes('?') ? '&' : '?') + 'n=' + ++nonce
  return fetch(url, { method, headers: { Authorization: await getToken(url, method, signer(key), true) } })
}

function holdConfig(seed, moderator, extra = '') {
  return `[api]\nadmins = ["${moderator.pubkey}"]\n\n` +
    `[policy.trust]\nseeds = ["${seed.pubkey}"]\ndistance = 0\naction = "hold"\n${extra}`
}

async function served(client, id) {
  return client.query('by-id-' + id.slice(0, 8) + Math.random().toString(36).slice(2, 6), { ids: [id] })
}

// The ids a query finds once the event is committed: live subscribers get an event as soon as it is
// applied, before its commit, so a query right after the live copy may run before the commit (bounded).
async function servedSoon(client, id) {
  for (let i = 0; i < 50; i++) {
    const ids = (await served(client, id)).map(e => e.id)
    if (ids.length > 0) return ids
    await new Promise(r => setTimeout(r, 100))
  }
  return []
}

test('held notes wait for a moderator: approved ones are served and sent live, rejected ones never', async (t) => {
  const seed = newKey(), moderator = newKey(), outsider = newKey(), member = newKey()
  const relay = await startRelay({ config: holdConfig(seed, moderator) })
  t.after(() => relay.stop())
  const author = await Client.connect(relay.url)
  const reader = await Client.connect(relay.url)
  t.after(() => { author.close(); reader.close() })
  reader.send(['REQ', 'live', { kinds: [1], authors: [outsider.pubkey] }])
  await reader.nextOf('EOSE', 'live')

  // The seed writes as usual.
  const trusted = sign(seed, { content: 'from the community' })
  assert.deepEqual(await author.publish(trusted), ['OK', trusted.id, true, ''])

  const note = sign(outsider, { content: 'please let me in' })
  assert.deepEqual(await author.publish(note), ['OK', note.id, true, 'held for moderation'])
  // Sending it again gives the same answer and does not queue it twice.
  assert.deepEqual(await author.publish(note), ['OK', note.id, true, 'held for moderation'])
  assert.deepEqual(await served(reader, note.id), [])
  assert.deepEqual(await reader.quiet(m => m[0] === 'EVENT' && m[1] === 'live'), [])

  // A member who is not a moderator may not see the queue; nobody anonymous either.
  assert.ok([200, 201].includes((await call(relay, member, 'POST', '/api/v1/members')).status))
  assert.equal((await call(relay, member, 'GET', '/api/v1/moderation/held')).status, 403)
  assert.equal((await fetch(relay.http + '/api/v1/moderation/held')).status, 401)

  const listed = await call(relay, moderator, 'GET', '/api/v1/moderation/held')
  assert.equal(listed.status, 200)
  const page = await listed.json()
  assert.equal(page.events.length, 1)
  assert.equal(page.events[0].id, note.id)
  assert.equal(page.events[0].pubkey, outsider.pubkey)
  assert.equal(page.events[0].reason, 'untrusted')
  assert.equal(page.events[0].event.sig, note.sig)
  assert.equal(page.next_cursor, null)

  const approved = await call(relay, moderator, 'POST', `/api/v1/moderation/held/${note.id}/approve`)
  assert.equal(approved.status, 200, await approved.clone().text())
  assert.deepEqual(await approved.json(), { id: note.id, status: 'approved' })
  const live = await reader.next(m => m[0] === 'EVENT' && m[1] === 'live')
  assert.equal(live[2].id, note.id)
  assert.deepEqual(await servedSoon(reader, note.id), [note.id])
  assert.equal((await (await call(relay, moderator, 'GET', '/api/v1/moderation/held')).json()).events.length, 0)

  // Another note, rejected: never served; a second decision is a conflict; an unknown id is 404.
  const spam = sign(outsider, { content: 'buy now' })
  assert.deepEqual(await author.publish(spam), ['OK', spam.id, true, 'held for moderation'])
  const rejected = await call(relay, moderator, 'POST', `/api/v1/moderation/held/${spam.id}/reject`)
  assert.equal(rejected.status, 200)
  const again = await call(relay, moderator, 'POST', `/api/v1/moderation/held/${spam.id}/approve`)
  assert.equal(again.status, 409)
  assert.equal(again.headers.get('content-type'), 'application/problem+json')
  assert.equal((await call(relay, moderator, 'POST', `/api/v1/moderation/held/${note.id}/reject`)).status, 409)
  assert.equal((await call(relay, moderator, 'POST', `/api/v1/moderation/held/${'0'.repeat(64)}/approve`)).status, 404)
  assert.equal((await call(relay, moderator, 'POST', '/api/v1/moderation/held/not-an-id/approve')).status, 400)
  assert.equal((await call(relay, moderator, 'GET', '/api/v1/moderation/held?limit=0')).status, 400)
  assert.equal((await call(relay, moderator, 'GET', '/api/v1/moderation/held?cursor=nonsense')).status, 400)
  assert.deepEqual(await served(reader, spam.id), [])
  assert.deepEqual(await reader.quiet(m => m[0] === 'EVENT' && m[1] === 'live' && m[2].id === spam.id), [])
})

test('the held queue pages through its events', async (t) => {
  const seed = newKey(), moderator = newKey(), outsider = newKey()
  const relay = await startRelay({ config: holdConfig(seed, moderator) })
  t.after(() => relay.stop())
  const author = await Client.connect(relay.url)
  t.after(() => author.close())
  const ids = []
  for (let i = 0; i < 3; i++) {
    const note = sign(outsider, { content: 'note ' + i })
    assert.equal((await author.publish(note))[2], true)
    ids.push(note.id)
  }
  const seen = []
  let cursor = ''
  for (let pages = 0; pages < 5; pages++) {
    const path = '/api/v1/moderation/held?limit=2' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')
    const page = await (await call(relay, moderator, 'GET', path)).json()
    seen.push(...page.events.map(e => e.id))
    if (page.next_cursor === null) break
    cursor = page.next_cursor
  }
  assert.deepEqual(seen.sort(), ids.sort())
})

test('with hold_admit_after_seconds, a held note is admitted on its own, unless its author was rejected', async (t) => {
  const seed = newKey(), moderator = newKey(), patient = newKey(), rejectedAuthor = newKey()
  const relay = await startRelay({ config: holdConfig(seed, moderator, 'hold_admit_after_seconds = 1\n') })
  t.after(() => relay.stop())
  const author = await Client.connect(relay.url)
  const reader = await Client.connect(relay.url)
  t.after(() => { author.close(); reader.close() })
  reader.send(['REQ', 'live', { kinds: [1], authors: [patient.pubkey] }])
  await reader.nextOf('EOSE', 'live')

  // An author a moderator rejected once: their later notes are not admitted automatically.
  const first = sign(rejectedAuthor, { content: 'spam' })
  assert.equal((await author.publish(first))[3], 'held for moderation')
  assert.equal((await call(relay, moderator, 'POST', `/api/v1/moderation/held/${first.id}/reject`)).status, 200)
  const later = sign(rejectedAuthor, { content: 'more spam' })
  assert.equal((await author.publish(later))[3], 'held for moderation')

  const note = sign(patient, { content: 'I can wait' })
  assert.deepEqual(await author.publish(note), ['OK', note.id, true, 'held for moderation'])
  const live = await reader.next(m => m[0] === 'EVENT' && m[1] === 'live', 15000)
  assert.equal(live[2].id, note.id)
  assert.deepEqual(await servedSoon(reader, note.id), [note.id])

  // By now the rejected author's note has waited as long; it is still held and not served.
  const page = await (await call(relay, moderator, 'GET', '/api/v1/moderation/held')).json()
  assert.deepEqual(page.events.map(e => e.id), [later.id])
  assert.deepEqual(await served(reader, later.id), [])
})

test('without action = "hold" the trust stage still refuses writes from outside', async (t) => {
  const seed = newKey(), outsider = newKey()
  const relay = await startRelay({ config: `[policy.trust]\nseeds = ["${seed.pubkey}"]\ndistance = 0\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const note = sign(outsider, { content: 'hello' })
  const ok = await client.publish(note)
  assert.equal(ok[2], false)
  assert.match(ok[3], /^restricted: /)
})
