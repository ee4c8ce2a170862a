// Read-side scraping protection ([limits] broad_filter_*): global feeds are capped and may not page far
// back; filters naming ids, authors or tags are never affected.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startRelay, Client, newKey, sign, now } from './harness.mjs'

test('broad filters are capped and may not page back past the window; selective ones are not', async (t) => {
  const relay = await startRelay({ config: '[limits]\nbroad_filter_max_limit = 5\nbroad_filter_max_age_seconds = 3600\n' })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const alice = newKey()
  // Ten notes from a day ago and ten from now.
  for (let i = 0; i < 10; i++) {
    assert.equal((await client.publish(sign(alice, { content: `old ${i}`, created_at: now() - 86400 - i })))[2], true)
    assert.equal((await client.publish(sign(alice, { content: `new ${i}`, created_at: now() - i })))[2], true)
  }

  // A global feed gets at most 5, whatever it asks for.
  assert.equal((await client.query('global', { kinds: [1], limit: 100 })).length, 5)
  // Paging back a day with until is scraping: CLOSED blocked:, and the connection goes on.
  client.send(['REQ', 'scrape', { kinds: [1], until: now() - 7200, limit: 5 }])
  const closed = await client.nextOf('CLOSED', 'scrape')
  assert.match(closed[2], /^blocked: filters without ids, authors or tags may not reach back more than 3600 seconds$/)
  client.send(['COUNT', 'scrape-count', { until: now() - 7200 }])
  assert.match((await client.nextOf('CLOSED', 'scrape-count'))[2], /^blocked:/)

  // Naming the author lifts both rules: all twenty, including the old ones.
  assert.equal((await client.query('mine', { authors: [alice.pubkey], limit: 100 })).length, 20)
  assert.equal((await client.query('mine-old', { authors: [alice.pubkey], until: now() - 7200 })).length, 10)
})

test('without the settings every filter is served as before', async (t) => {
  const relay = await startRelay()
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const bob = newKey()
  for (let i = 0; i < 8; i++) assert.equal((await client.publish(sign(bob, { content: `n ${i}`, created_at: now() - 86400 * 30 - i })))[2], true)
  assert.equal((await client.query('all', { kinds: [1], until: now() - 86400 })).length, 8)
})
