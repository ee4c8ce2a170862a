// Bans made by moderators through the API take effect on `pleb serve` at once, without a reload: on a
// connection that is already open, an author ban refuses with blocked:, a shadow ban answers OK true and
// stores nothing, event-id and address bans refuse, lifting a ban lets the next event in, and bans survive
// a restart (they are in the service database). Real WebSockets, real HTTP with NIP-98.
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { startRelay, Client, newKey, sign } from './harness.mjs'

const signer = key => event => finalizeEvent(event, key.secret)

// NIP-98 accepts each signed event once: a counter in the query keeps repeated requests apart.
let nonce = 0
async function call(relay, key, method, path, body) {
  const url = relay.http + path + (path.includes('?') ? '&' : '?') + 'n=' + ++nonce
  const headers = { Authorization: await getToken(url, method, signer(key), true, body) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

async function ban(relay, moderator, body) {
  const response = await call(relay, moderator, 'POST', '/api/v1/moderation/bans', body)
  assert.equal(response.status, 201, await response.clone().text())
  return response.json()
}

async function unban(relay, moderator, type, value) {
  const response = await call(relay, moderator, 'DELETE', `/api/v1/moderation/bans/${type}/${value}`)
  assert.equal(response.status, 204, await response.text())
}

const served = (client, id) => client.query('q' + Math.random().toString(36).slice(2, 8), { ids: [id] })

test('a moderator bans an author, an event and an address; the open connection sees each at once', async (t) => {
  const moderator = newKey(), author = newKey(), other = newKey()
  const relay = await startRelay({ config: `[api]\nadmins = ["${moderator.pubkey}"]\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  assert.equal((await client.publish(sign(author, { content: 'before' })))[2], true)

  const made = await ban(relay, moderator, { type: 'pubkey', value: nip19.npubEncode(author.pubkey), reason: 'spam' })
  assert.deepEqual({ ...made, banned_at: 0 },
        { type: 'pubkey', value: author.pubkey, shadow: false, purge: false, reason: 'spam', banned_by: moderator.pubkey, banned_at: 0 })
  assert.ok(Math.abs(made.banned_at - Date.now() / 1000) < 60)
  const refused = sign(author, { content: 'after the ban' })
  assert.deepEqual(await client.publish(refused), ['OK', refused.id, false, 'blocked: this author is banned from this relay'])
  assert.deepEqual(await served(client, refused.id), [])
  assert.match(await (await fetch(relay.http + '/metrics')).text(), /pleb_live_bans\{type="pubkey"\} 1\n/)
  // Other authors are untouched.
  assert.equal((await client.publish(sign(other, { content: 'fine' })))[2], true)

  await unban(relay, moderator, 'pubkey', author.pubkey)
  const again = sign(author, { content: 'after the unban' })
  assert.deepEqual(await client.publish(again), ['OK', again.id, true, ''])

  // An event id, given as a note.
  const banned = sign(other, { content: 'this one exactly' })
  await ban(relay, moderator, { type: 'event', value: nip19.noteEncode(banned.id) })
  assert.deepEqual(await client.publish(banned), ['OK', banned.id, false, 'blocked: this event is banned from this relay'])
  await unban(relay, moderator, 'event', banned.id)
  assert.equal((await client.publish(banned))[2], true)

  // The test's own address: every client here connects from 127.0.0.1.
  await ban(relay, moderator, { type: 'address', value: '127.0.0.1' })
  const fromAddress = sign(other, { content: 'from a banned address' })
  assert.deepEqual(await client.publish(fromAddress), ['OK', fromAddress.id, false, 'blocked: this address is banned from this relay'])
  await unban(relay, moderator, 'address', '127.0.0.1')
  assert.equal((await client.publish(fromAddress))[2], true)
})

test('a shadow-banned author is told OK and nothing is stored or sent', async (t) => {
  const moderator = newKey(), author = newKey()
  const relay = await startRelay({ config: `[api]\nadmins = ["${moderator.pubkey}"]\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  const reader = await Client.connect(relay.url)
  t.after(() => { client.close(); reader.close() })
  reader.send(['REQ', 'live', { authors: [author.pubkey] }])
  await reader.nextOf('EOSE', 'live')

  await ban(relay, moderator, { type: 'pubkey', value: author.pubkey, shadow: true })
  const hidden = sign(author, { content: 'nobody sees this' })
  assert.deepEqual(await client.publish(hidden), ['OK', hidden.id, true, ''])
  assert.deepEqual(await served(client, hidden.id), [])
  assert.deepEqual(await reader.quiet(m => m[0] === 'EVENT' && m[1] === 'live'), [])
})

test('bans are kept in the service database: a restarted relay still enforces them', async (t) => {
  const moderator = newKey(), author = newKey()
  const config = `[api]\nadmins = ["${moderator.pubkey}"]\n`
  const first = await startRelay({ config })
  await ban(first, moderator, { type: 'pubkey', value: author.pubkey })
  await first.stop({ keepData: true })
  const second = await startRelay({ config, dataDir: first.dir })
  t.after(async () => { await second.stop(); rmSync(first.dir, { recursive: true, force: true }) })
  const client = await Client.connect(second.url)
  t.after(() => client.close())
  const note = sign(author, { content: 'after the restart' })
  assert.deepEqual(await client.publish(note), ['OK', note.id, false, 'blocked: this author is banned from this relay'])
  const listed = await (await call(second, moderator, 'GET', '/api/v1/moderation/bans')).json()
  assert.deepEqual(listed.bans.map(b => [b.type, b.value]), [['pubkey', author.pubkey]])
})

// Polls (bounded) until the relay no longer serves the id: the takedown runs in the writer's order, just
// after the ban's answer.
async function gone(client, id) {
  for (let i = 0; i < 100; i++) {
    if ((await served(client, id)).length === 0) return true
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return false
}

test('banning a stored event takes it down: it is no longer served, counted or found by its tags', async (t) => {
  const moderator = newKey(), author = newKey()
  const relay = await startRelay({ config: `[api]\nadmins = ["${moderator.pubkey}"]\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const spam = sign(author, { content: 'buy now', tags: [['t', 'takedown-test']] })
  const fine = sign(author, { content: 'a good note', tags: [['t', 'takedown-test']] })
  assert.equal((await client.publish(spam))[2], true)
  assert.equal((await client.publish(fine))[2], true)
  assert.equal((await served(client, spam.id)).length, 1)

  await ban(relay, moderator, { type: 'event', value: spam.id, reason: 'spam' })
  assert.ok(await gone(client, spam.id), 'the banned event is still served')
  const tagged = await client.query('tagged', { '#t': ['takedown-test'] })
  assert.deepEqual(tagged.map(e => e.id), [fine.id])
  client.send(['COUNT', 'c', { authors: [author.pubkey] }])
  assert.deepEqual((await client.nextOf('COUNT', 'c'))[2], { count: 1 })
  // A fresh connection does not see it either, and sending it again is refused by the ban.
  const fresh = await Client.connect(relay.url)
  t.after(() => fresh.close())
  assert.deepEqual(await served(fresh, spam.id), [])
  assert.deepEqual(await client.publish(spam), ['OK', spam.id, false, 'blocked: this event is banned from this relay'])
  // Lifting the ban does not bring the copy back; the author may publish it again.
  await unban(relay, moderator, 'event', spam.id)
  assert.deepEqual(await served(client, spam.id), [])
  assert.deepEqual(await client.publish(spam), ['OK', spam.id, true, ''])
})

test('a purging author ban takes every stored event of the author down, and keeps the ban after a restart', async (t) => {
  const moderator = newKey(), spammer = newKey(), bystander = newKey()
  const config = `[api]\nadmins = ["${moderator.pubkey}"]\n`
  const relay = await startRelay({ config })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
    // More than two of the takedown's 1,000-event transactions, published 100 at a time.
  const spam = Array.from({ length: 2049 }, (_, i) => sign(spammer, { content: `spam ${i}` }))
  spam.push(sign(spammer, { kind: 0, content: '{"name":"spammer"}' }))
  for (let i = 0; i < spam.length; i += 100) {
    const answers = await Promise.all(spam.slice(i, i + 100).map(e => client.publish(e)))
    assert.ok(answers.every(ok => ok[2] === true), JSON.stringify(answers.find(ok => ok[2] !== true)))
  }
  const mention = sign(bystander, { content: 'who is this?', tags: [['p', spammer.pubkey]] })
  assert.equal((await client.publish(mention))[2], true)
    client.send(['COUNT', 'before', { authors: [spammer.pubkey] }])
  assert.deepEqual((await client.nextOf('COUNT', 'before'))[2], { count: 2050 })

  const made = await ban(relay, moderator, { type: 'pubkey', value: spammer.pubkey, purge: true })
  assert.equal(made.purge, true)
    let left = -1
  for (let i = 0; i < 200 && left !== 0; i++) {
    client.send(['COUNT', 'after' + i, { authors: [spammer.pubkey] }])
    left = (await client.nextOf('COUNT', 'after' + i))[2].count
    if (left !== 0) await new Promise(resolve => setTimeout(resolve, 50))
  }
    assert.equal(left, 0, "the author's events were not taken down")
  const metrics = await (await fetch(relay.http + '/metrics')).text()
  assert.match(metrics, /pleb_moderation_taken_down_total 2050\n/)
  assert.match(metrics, /pleb_moderation_takedown_failures_total 0\n/)
  // Others' events stay, also those that mention the author.
  assert.deepEqual((await client.query('mentions', { '#p': [spammer.pubkey] })).map(e => e.id), [mention.id])
  const listed = await (await call(relay, moderator, 'GET', '/api/v1/moderation/bans?type=pubkey')).json()
  assert.deepEqual(listed.bans.map(b => [b.value, b.purge]), [[spammer.pubkey, true]])
})
