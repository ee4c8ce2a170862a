// Scaled out, bans and membership changes made through `pleb api` reach every running `pleb relay` and
// `pleb processor` on the bus (moderation.action, user.membership) within a bounded wait, without a reload;
// a process started afterwards reads them from the services' database, and re-reads it periodically;
// lifting a ban or leaving takes effect the same way. To see the processor enforce on its own, some tests
// give the relay a services' database of its own (empty) and start it after the change, so the relay knows
// nothing of it. Real PostgreSQL, NATS and Redis; real WebSockets and HTTP with NIP-98.
import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { Client, newKey, sign } from '../relay/harness.mjs'
import { configFile, eventually, sql, startApi, startProcessor, startScaledRelay } from './cluster.mjs'

let nonce = 0
async function call(api, key, method, path, body) {
  const url = api.http + path + '?n=' + ++nonce
  const headers = { Authorization: await getToken(url, method, e => finalizeEvent(e, key.secret), true, body) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

// Publishes fresh notes of `key` until one gets an answer that `wanted` accepts (bounded); returns it.
async function answerSoon(client, key, wanted, withinMs = 15000) {
  let i = 0
  return eventually(async () => {
    const ok = await client.publish(sign(key, { content: `try ${i++} ${Math.random()}` }))
    return wanted(ok) ? ok : undefined
  }, withinMs, 100)
}
const accepted = ok => ok[2] === true
const blocked = ok => ok[2] === false && ok[3] === 'blocked: this author is banned from this relay'
const restricted = ok => ok[2] === false && /^restricted:/.test(ok[3])

// pleb api, a processor and a relay sharing `config` (as the Kubernetes manifests do: the relay runs the same
// [policy]), and a client on the relay; all stopped after the test. restartProcessor() and restartRelay()
// replace one with a fresh process (the client reconnects to the new relay).
async function startCommunity(t, config, { processorArgs = [], relayArgs = [] } = {}) {
  const api = await startApi(['--config', config])
  const community = { api, processor: await startProcessor(['--config', config, ...processorArgs]) }
  const connectRelay = async () => {
    community.relay = await startScaledRelay(['--config', config, ...relayArgs])
    community.client = await Client.connect(community.relay.url)
  }
  await connectRelay()
  community.restartProcessor = async () => {
    await community.processor.stop()
    community.processor = await startProcessor(['--config', config, ...processorArgs])
  }
  community.restartRelay = async () => {
    community.client.close()
    await community.relay.stop()
    await connectRelay()
  }
  t.after(async () => {
    community.client.close()
    await community.relay.stop(); await community.processor.stop(); await api.stop()
  })
  return community
}

// A services' database nobody else uses: a relay given it knows no bans or members but what the bus tells it.
const isolatedServicesDb = () => ['--services-db', join(mkdtempSync(join(tmpdir(), 'pleb-services-')), 'services.db')]

// How many events the process's ban stage refused as from a banned author (its /metrics).
async function authorBans(process) {
  const metrics = await (await fetch(`http://127.0.0.1:${process.port}/metrics`)).text()
  const m = metrics.match(/pleb_policy_decisions_total\{stage="bans",verdict="reject",reason="author"\} (\d+)/)
  return m ? Number(m[1]) : 0
}

const adminConfig = key => configFile(`[api]\nadmins = ["${key.pubkey}"]\n`)

test('a ban posted to pleb api is applied at once by the relays and the processors; unban lifts it', async (t) => {
  const moderator = newKey(), author = newKey()
  const community = await startCommunity(t, adminConfig(moderator))
  assert.ok(await answerSoon(community.client, author, accepted), 'the author was refused before any ban')
  const made = await call(community.api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'pubkey', value: author.pubkey })
  assert.equal(made.status, 201, await made.text())
  assert.ok(await answerSoon(community.client, author, blocked), 'the ban was not applied')
  assert.ok(await authorBans(community.relay) >= 1, 'the relay did not refuse it itself')

  const lifted = await call(community.api, moderator, 'DELETE', `/api/v1/moderation/bans/pubkey/${author.pubkey}`)
  assert.equal(lifted.status, 204)
  assert.ok(await answerSoon(community.client, author, accepted), 'the unban was not applied')
})

test('the processor enforces a ban it heard on the bus, and one it read from the database at start', async (t) => {
  const moderator = newKey(), author = newKey()
  const community = await startCommunity(t, adminConfig(moderator), { relayArgs: isolatedServicesDb() })
  assert.ok(await answerSoon(community.client, author, accepted))
  // The relay is down while the ban is made: only the running processor hears of it.
  await community.relay.stop()
  const made = await call(community.api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'pubkey', value: author.pubkey })
  assert.equal(made.status, 201, await made.text())
  await community.restartRelay()
  assert.ok(await answerSoon(community.client, author, blocked), 'the running processor did not apply the ban')
  assert.equal(await authorBans(community.relay), 0, 'the relay was meant to know nothing of the ban')
  assert.ok(await authorBans(community.processor) >= 1)
  const metrics = await (await fetch(`http://127.0.0.1:${community.processor.port}/metrics`)).text()
  assert.match(metrics, /pleb_live_bans\{type="pubkey"\} 1\n/)
  assert.match(metrics, /pleb_followed_state_messages_total\{state="bans"\} [1-9]/)
  assert.match(metrics, /pleb_followed_state_failed_reads_total\{state="bans"\} 0\n/)

  // A processor that was not running when the ban was published reads it from the database.
  await community.restartProcessor()
  const first = await community.client.publish(sign(author, { content: 'to the new processor' }))
  assert.ok(blocked(first), JSON.stringify(first))
  assert.equal(await authorBans(community.processor), 1)

  const lifted = await call(community.api, moderator, 'DELETE', `/api/v1/moderation/bans/pubkey/${author.pubkey}`)
  assert.equal(lifted.status, 204)
  assert.ok(await answerSoon(community.client, author, accepted), 'the unban did not reach the processor')
})

test('a member who joins through pleb api is trusted by relay and processor, with whom they follow; leaving ends it', async (t) => {
  const admin = newKey(), carol = newKey(), friend = newKey()
  // Trust applies to notes only, so Carol's follow list is stored while she is nobody.
  const { api, client, restartProcessor } = await startCommunity(t,
    configFile(`[api]\nadmins = ["${admin.pubkey}"]\n[policy.trust]\ndistance = 1\nkinds = [1]\n`))

  assert.ok(restricted(await client.publish(sign(carol, { content: 'before' }))))
  assert.equal((await client.publish(sign(carol, { kind: 3, tags: [['p', friend.pubkey]] })))[2], true)
  assert.ok(restricted(await client.publish(sign(friend, { content: 'before' }))))

  const joined = await call(api, carol, 'POST', '/api/v1/members')
  assert.ok([200, 201].includes(joined.status), await joined.text())
  assert.ok(await answerSoon(client, carol, accepted), 'the new member was not trusted')
  assert.ok(await answerSoon(client, friend, accepted), "the new member's follow was not trusted")

  // A processor started now has her among its seeds from the database.
  await restartProcessor()
  assert.ok(accepted(await client.publish(sign(friend, { content: 'to the new processor' }))))

  assert.equal((await call(api, carol, 'DELETE', '/api/v1/members/me')).status, 204)
  assert.ok(await answerSoon(client, carol, restricted), 'a member who left was still trusted')
  assert.ok(await answerSoon(client, friend, restricted), 'whom a former member follows was still trusted')
})

test('a ban the bus never carried is enforced after the processor re-reads the database', async (t) => {
  const moderator = newKey(), author = newKey()
  // The API creates the services' tables; the ban is then written behind its back, as if its message
  // had been lost while NATS was away. The relay has a database of its own, so the processor decides.
  const community = await startCommunity(t, adminConfig(moderator),
    { processorArgs: ['--services-refresh-seconds', '1'], relayArgs: isolatedServicesDb() })
  assert.ok(await answerSoon(community.client, author, accepted))
  const id = createHash('sha256').update(`pubkey:${author.pubkey}`).digest('hex')
  await sql(`insert into bans (id, type, value, shadow, reason, banned_by, banned_at)
             values ('${id}', 'pubkey', '${author.pubkey}', 0, 'lost message', '${moderator.pubkey}', 1)`)
  assert.ok(await answerSoon(community.client, author, blocked, 10000), 'the periodic re-read did not find the ban')
  assert.ok(await authorBans(community.processor) >= 1)
})

test('banning a stored event through pleb api takes its copy down from PostgreSQL, also when no processor heard it', async (t) => {
  const moderator = newKey(), author = newKey()
  const community = await startCommunity(t, adminConfig(moderator), { processorArgs: ['--services-refresh-seconds', '1'] })
  const spam = sign(author, { content: 'scaled-out spam' })
  const other = sign(author, { content: 'scaled-out spam, not banned' })
  assert.equal((await community.client.publish(spam))[2], true)
  assert.equal((await community.client.publish(other))[2], true)
  const storedIds = async () => (await sql(`SELECT encode(event_id, 'hex') FROM events WHERE pubkey = '\\x${author.pubkey}'`)).map(r => r[0]).sort()
  assert.deepEqual(await storedIds(), [spam.id, other.id].sort())

  const made = await call(community.api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'event', value: spam.id })
  assert.equal(made.status, 201, await made.text())
    assert.ok(await eventually(async () => (await storedIds()).length === 1 || undefined, 15000, 100), 'the processor did not take it down')
  const metrics = await (await fetch(`http://127.0.0.1:${community.processor.port}/metrics`)).text()
  assert.match(metrics, /pleb_moderation_taken_down_total 1\n/)
  assert.deepEqual(await storedIds(), [other.id])
  assert.deepEqual(await community.client.query('q1', { ids: [spam.id] }), [])

  // Made while no processor runs (the message is lost): the next one takes it down at its first read.
  await community.processor.stop()
  const made2 = await call(community.api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'event', value: other.id })
  assert.equal(made2.status, 201, await made2.text())
  assert.deepEqual(await storedIds(), [other.id])
  await community.restartProcessor()
  assert.ok(await eventually(async () => (await storedIds()).length === 0 || undefined, 15000, 100), 'the new processor did not take it down')
})

test('a purging pubkey ban through pleb api takes the author\'s events down from PostgreSQL', async (t) => {
  const moderator = newKey(), spammer = newKey(), other = newKey()
  const community = await startCommunity(t, adminConfig(moderator))
  for (let i = 0; i < 3; i++) assert.equal((await community.client.publish(sign(spammer, { content: `spam ${i}` })))[2], true)
  const kept = sign(other, { content: 'not spam', tags: [['p', spammer.pubkey]] })
  assert.equal((await community.client.publish(kept))[2], true)
  const countOf = async key => Number((await sql(`SELECT count(*) FROM events WHERE pubkey = '\\x${key.pubkey}'`))[0][0])
  assert.equal(await countOf(spammer), 3)

  const made = await call(community.api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'pubkey', value: spammer.pubkey, purge: true })
  assert.equal(made.status, 201, await made.text())
  assert.ok(await eventually(async () => (await countOf(spammer)) === 0 || undefined, 15000, 100), 'the processor did not purge the author')
  assert.equal(await countOf(other), 1)
  assert.ok(await answerSoon(community.client, spammer, blocked), 'the purged author was not banned')
})
