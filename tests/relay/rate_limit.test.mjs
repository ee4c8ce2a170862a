// [limits.events]: token buckets per connection, per IP, per author and global, answered with
// `rate-limited:` and the time to wait; nothing else is lost.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { PLEB, startRelay, Client, newKey, sign } from './harness.mjs'

const slow = (capacity) => `{ capacity = ${capacity}, per_second = 0.01 }`

test('per connection: the burst passes, the next EVENT is refused, another connection is not', async (t) => {
  const relay = await startRelay({ config: `[limits.events]\nper_connection = ${slow(3)}\n` })
  t.after(() => relay.stop())
  const key = newKey()
  const first = await Client.connect(relay.url)
  for (let i = 0; i < 3; i++) {
    const ok = await first.publish(sign(key, { content: `burst ${i}` }))
    assert.equal(ok[2], true, ok[3])
  }
  const refused = await first.publish(sign(key, { content: 'one too many' }))
  assert.equal(refused[2], false)
  assert.match(refused[3], /^rate-limited: too many events on this connection, try again in \d+ seconds?$/)
  const second = await Client.connect(relay.url)
  const ok = await second.publish(sign(key, { content: 'fresh connection' }))
  assert.equal(ok[2], true, ok[3])
  // Refused events were not stored; the accepted ones all were.
  const stored = await second.query('all', { authors: [key.pubkey] })
  assert.equal(stored.length, 4)
  first.close(); second.close()
})

test('per author: counted after the signature check, so forged events spend nothing', async (t) => {
  const relay = await startRelay({ config: `[limits.events]\nper_pubkey = ${slow(2)}\n` })
  t.after(() => relay.stop())
  const alice = newKey()
  const bob = newKey()
  const client = await Client.connect(relay.url)
  // Someone forges events in Alice's name: refused as invalid, and her bucket stays full.
  for (let i = 0; i < 5; i++) {
    const forged = { ...sign(alice, { content: `real ${i}` }), content: `forged ${i}` }
    assert.match((await client.publish(forged))[3], /^invalid:/)
  }
  assert.equal((await client.publish(sign(alice, { content: 'a1' })))[2], true)
  assert.equal((await client.publish(sign(alice, { content: 'a2' })))[2], true)
  const third = await client.publish(sign(alice, { content: 'a3' }))
  assert.match(third[3], /^rate-limited: too many events from this author/)
  // Another author on the same connection is not affected.
  assert.equal((await client.publish(sign(bob, { content: 'b1' })))[2], true)
  client.close()
})

test('global: every connection shares one bucket, and /metrics counts the refusals', async (t) => {
  const relay = await startRelay({ config: `[limits.events]\nglobal = ${slow(2)}\n` })
  t.after(() => relay.stop())
  const a = await Client.connect(relay.url)
  const b = await Client.connect(relay.url)
  assert.equal((await a.publish(sign(newKey(), {})))[2], true)
  assert.equal((await b.publish(sign(newKey(), {})))[2], true)
  assert.match((await a.publish(sign(newKey(), {})))[3], /^rate-limited: the relay is receiving too many events/)
  assert.match((await b.publish(sign(newKey(), {})))[3], /^rate-limited:/)
  const metrics = await (await fetch(relay.http + '/metrics')).text()
  assert.match(metrics, /nostr_events_processed_total\{result="rejected",reason="rate-limited"\} 2\n/)
  a.close(); b.close()
})

test('a malformed [limits.events] is refused at start with the key named', () => {
  for (const [config, expected] of [
    ['[limits.events]\nper_connection = 5\n', /per_connection must be \{ capacity = N, per_second = R \}/],
    ['[limits.events]\nper_connection = { capacity = 0, per_second = 1 }\n', /per_connection must be/],
    ['[limits.events]\nper_connection = { capacity = 5, per_second = 1, extra = 2 }\n', /per_connection must be/],
    ['[limits.events]\nper_socket = { capacity = 5, per_second = 1 }\n', /not per_socket/],
  ]) {
    const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim()
    spawnSync('sh', ['-c', `cat > ${dir}/pleb.toml`], { input: config })
    const run = spawnSync(PLEB, ['serve', '--listen', '127.0.0.1:0', '--data', dir, '--config', `${dir}/pleb.toml`], { timeout: 10000 })
    assert.notEqual(run.status, 0)
    assert.match(run.stderr.toString(), expected)
    spawnSync('rm', ['-rf', dir])
  }
})
