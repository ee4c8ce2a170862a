// Scaled out, bans and membership changes made through `pleb api` reach every running `pleb processor`
// on the bus (moderation.action, user.membership) within a bounded wait, without a reload; a processor
// started afterwards reads them from the services' database; lifting a ban or leaving takes effect the same
// way. Real PostgreSQL, NATS and Redis; real WebSockets and HTTP with NIP-98.
import { createHash } from 'node:crypto'
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

// pleb api, a processor and a relay sharing `config`, and a client on the relay; all stopped after the test.
// restartProcessor() replaces `community.processor` with a fresh one.
async function startCommunity(t, config, processorArgs = []) {
  const api = await startApi(['--config', config])
  const community = { api, processor: await startProcessor(['--config', config, ...processorArgs]) }
  community.relay = await startScaledRelay()
  community.client = await Client.connect(community.relay.url)
  community.restartProcessor = async () => {
    await community.processor.stop()
    community.processor = await startProcessor(['--config', config, ...processorArgs])
  }
  t.after(async () => {
    community.client.close()
    await community.relay.stop(); await community.processor.stop(); await api.stop()
  })
  return community
}

test('a ban posted to pleb api is enforced by running and newly started processors; unban lifts it', async (t) => {
  const moderator = newKey(), author = newKey()
  const { api, client, restartProcessor } =
    await startCommunity(t, configFile(`[api]\nadmins = ["${moderator.pubkey}"]\n`))
  assert.ok(await answerSoon(client, author, accepted), 'the author was refused before any ban')

  const made = await call(api, moderator, 'POST', '/api/v1/moderation/bans', { type: 'pubkey', value: author.pubkey })
  assert.equal(made.status, 201, await made.text())
  assert.ok(await answerSoon(client, author, blocked), 'the running processor did not apply the ban')

  // A processor that was not running when the ban was published reads it from the database.
  await restartProcessor()
  const first = await client.publish(sign(author, { content: 'to the new processor' }))
  assert.ok(blocked(first), JSON.stringify(first))

  const lifted = await call(api, moderator, 'DELETE', `/api/v1/moderation/bans/pubkey/${author.pubkey}`)
  assert.equal(lifted.status, 204)
  assert.ok(await answerSoon(client, author, accepted), 'the unban did not reach the processor')
})

test('a member who joins through pleb api is trusted by the processor, with whom they follow; leaving ends it', async (t) => {
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
  // had been lost while NATS was away.
  const { client } = await startCommunity(t, configFile(`[api]\nadmins = ["${moderator.pubkey}"]\n`),
    ['--services-refresh-seconds', '1'])
  assert.ok(await answerSoon(client, author, accepted))
  const id = createHash('sha256').update(`pubkey:${author.pubkey}`).digest('hex')
  await sql(`insert into bans (id, type, value, shadow, reason, banned_by, banned_at)
             values ('${id}', 'pubkey', '${author.pubkey}', 0, 'lost message', '${moderator.pubkey}', 1)`)
  assert.ok(await answerSoon(client, author, blocked, 10000), 'the periodic re-read did not find the ban')
})
