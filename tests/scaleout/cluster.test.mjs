// Two relays, one processor, PostgreSQL and NATS: an event published on one relay is live on the other
// and stored for both; duplicates and deletions hold across relays.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Client, newKey, sign, now } from '../relay/harness.mjs'
import { startProcessor, startScaledRelay } from './cluster.mjs'

test('two relays and a processor act as one relay', async (t) => {
  const processor = await startProcessor()
  const relayA = await startScaledRelay()
  const relayB = await startScaledRelay()
  t.after(async () => { await relayA.stop(); await relayB.stop(); await processor.stop() })

  const a = await Client.connect(relayA.url)
  const b = await Client.connect(relayB.url)
  t.after(() => { a.close(); b.close() })
  const alice = newKey()

  // B subscribes before anything is published, so the event can only reach it live.
  assert.deepEqual(await b.query('live', { authors: [alice.pubkey] }), [])
  const note = sign(alice, { content: 'published on A' })
  assert.deepEqual(await a.publish(note), ['OK', note.id, true, ''])
  const live = await b.nextOf('EVENT', 'live', 10000)
  assert.deepEqual(live[2], note)

  // Stored for every relay: B finds it with a fresh query.
  const stored = await b.query('q1', { ids: [note.id] })
  assert.deepEqual(stored, [note])

  // The same event sent to B is a duplicate, whichever relay it first arrived on.
  const again = await b.publish(note)
  assert.equal(again[2], false)
  assert.match(again[3], /^duplicate:/)

  // A deletion on A hides the event on B and refuses its return.
  const deletion = sign(alice, { kind: 5, tags: [['e', note.id]] })
  assert.deepEqual(await a.publish(deletion), ['OK', deletion.id, true, ''])
  assert.deepEqual(await b.query('q2', { ids: [note.id] }), [])
  const back = await b.publish(note)
  assert.equal(back[2], false)
  assert.match(back[3], /^blocked:/)

  // Ephemeral events cross relays too, and are never stored.
  const ping = sign(alice, { kind: 20001, content: 'ephemeral' })
  assert.deepEqual(await a.publish(ping), ['OK', ping.id, true, ''])
  // (The deletion reached B's subscription live too; the ephemeral event comes after it.)
  const pinged = await b.next(m => m[0] === 'EVENT' && m[1] === 'live' && m[2].id === ping.id, 10000)
  assert.deepEqual(pinged[2], ping)
  assert.deepEqual(await b.query('q3', { ids: [ping.id] }), [])

  // Bad input is refused by the relay itself, before the bus.
  const forged = { ...sign(alice, { content: 'x' }), content: 'changed' }
  const refused = await a.publish(forged)
  assert.equal(refused[2], false)
  assert.match(refused[3], /^invalid:/)

  // The processor's probes and metrics.
  const ready = await fetch(processor.http + '/ready')
  assert.equal(ready.status, 200)
  const metrics = await (await fetch(processor.http + '/metrics')).text()
  assert.match(metrics, /nostr_events_processed_total\{result="stored"\} [1-9]/)
})

test('the number of PostgreSQL connections stays fixed however many clients subscribe', async (t) => {
  const processor = await startProcessor()
  const relay = await startScaledRelay(['--store-connections', '3'])
  t.after(async () => { await relay.stop(); await processor.stop() })
  const { execFileSync } = await import('node:child_process')
  const connections = () => Number(execFileSync('psql', [process.env.DATABASE_URL, '-tAc',
    "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"]).toString().trim())
  const clients = []
  for (let i = 0; i < 50; i++) clients.push(await Client.connect(relay.url))
  await Promise.all(clients.map((c, i) => c.query('s' + i, { kinds: [1], limit: 10, since: now() - 3600 })))
  const during = connections()
  for (const c of clients) c.close()
  // The relay: 3 for queries and at most 1 of its own for writes; the processor: 1 + 1; and each 1 to the
  // services' database (the live bans and members; here the same server).
  assert.ok(during <= 3 + 1 + 1 + 1 + 2, `50 subscribers made ${during} PostgreSQL connections`)
})
