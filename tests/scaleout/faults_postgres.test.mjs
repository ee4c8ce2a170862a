// PostgreSQL goes away and comes back under a running relay and processor: while it is away, EVENTs
// are answered `error:` promptly, REQs and COUNTs end with CLOSED "error: …", /ready says 503 and no
// process exits; once it is back, the same processes accept and serve events again, and the event
// refused meanwhile is stored when JetStream delivers it again.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Client, newKey, sign } from '../relay/harness.mjs'
import {
  eventually, publishWithin, servers, sleep, startProcessor, startScaledRelay, storedCopies, sustainedPublishFault,
} from './cluster.mjs'

const status = async url => (await fetch(url)).status

test('PostgreSQL unreachable: prompt errors, no exits, and recovery without restarting anything', async (t) => {
  const processor = await startProcessor(['--ack-wait-ms', '3000'])
  const relay = await startScaledRelay()
  t.after(async () => { await relay.stop(); await processor.stop() })
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const alice = newKey()
  const figures = {}

  const before = sign(alice, { content: 'before the outage' })
  assert.deepEqual(await publishWithin(client, before, 15000), ['OK', before.id, true, ''])
  assert.equal(await status(relay.http + '/ready'), 200)
  assert.equal(await status(processor.http + '/ready'), 200)

  await servers('stop_postgres')
  const stoppedAt = Date.now()

  // The probes notice.
  assert.ok(await eventually(async () => await status(relay.http + '/ready') === 503, 15000), 'relay /ready turns 503')
  const problem = await fetch(relay.http + '/ready')
  assert.equal(problem.headers.get('content-type'), 'application/problem+json')
  assert.equal((await problem.json()).status, 503)
  assert.ok(await eventually(async () => await status(processor.http + '/ready') === 503, 15000),
    'processor /ready turns 503')
  figures.readyTurned503Ms = Date.now() - stoppedAt

  // An EVENT is answered error:, promptly (well within the relay's 5 s verdict timeout).
  const during = sign(alice, { content: 'during the outage' })
  let started = Date.now()
  const refused = await publishWithin(client, during, 15000)
  figures.eventRefusedMs = Date.now() - started
  assert.ok(refused, 'the EVENT is answered')
  assert.equal(refused[2], false)
  assert.match(refused[3], /^error: /)
  figures.eventRefusal = refused[3]

  // A REQ ends with CLOSED error:, and so does a COUNT; the connection stays open for the next ones.
  started = Date.now()
  client.send(['REQ', 'down', { authors: [alice.pubkey] }])
  const closed = await client.next(m => m[1] === 'down', 15000)
  figures.reqClosedMs = Date.now() - started
  assert.equal(closed[0], 'CLOSED')
  assert.match(closed[2], /^error: /)
  figures.reqClosed = closed[2]
  client.send(['COUNT', 'count-down', { authors: [alice.pubkey] }])
  const countClosed = await client.next(m => m[1] === 'count-down', 15000)
  assert.equal(countClosed[0], 'CLOSED')
  assert.match(countClosed[2], /^error: /)

  // Nothing exited; the processes still answer.
  for (const p of [relay, processor]) {
    assert.equal(p.child.exitCode, null)
    assert.equal(p.child.signalCode, null)
    assert.equal(await status(p.http + '/health'), 200)
  }

  await servers('restart_postgres')
  const restartedAt = Date.now()
  assert.ok(await eventually(async () => await status(relay.http + '/ready') === 200, 15000), 'relay /ready turns 200')
  assert.ok(await eventually(async () => await status(processor.http + '/ready') === 200, 15000),
    'processor /ready turns 200')
  figures.readyAgainMs = Date.now() - restartedAt

  // The same processes accept and serve events again: the first EVENT after the restart is stored.
  const after = sign(alice, { content: 'after the outage' })
  started = Date.now()
  assert.deepEqual(await publishWithin(client, after, 15000), ['OK', after.id, true, ''])
  figures.firstEventAfterMs = Date.now() - started
  const found = await client.query('up', { authors: [alice.pubkey] })
  assert.ok(found.some(e => e.id === after.id) && found.some(e => e.id === before.id), 'REQ works again')
  client.send(['COUNT', 'count-up', { ids: [before.id, after.id] }])
  assert.deepEqual(await client.next(m => m[1] === 'count-up', 15000), ['COUNT', 'count-up', { count: 2 }])

  // The event refused during the outage was left unacknowledged on the bus: it comes again after the
  // ack wait and is stored then, so a client publishing it again hears `duplicate:`.
  const stored = await eventually(async () => {
    const copies = (await storedCopies(alice.pubkey)).copies
    return copies.has(during.id) ? copies : null
  }, 20000, 250)
  figures.refusedEventStoredAfterRestartMs = Date.now() - restartedAt
  assert.ok(stored, 'the event refused during the outage is stored after a redelivery')
  assert.deepEqual([...stored.values()], [1, 1, 1])
  const again = await publishWithin(client, during, 15000)
  assert.equal(again[2], false)
  assert.match(again[3], /^duplicate: /)
  const metrics = await (await fetch(processor.http + '/metrics')).text()
  figures.processorStorageErrors = Number(/result="storage_error"\} (\d+)/.exec(metrics)?.[1])
  figures.processorRedelivered = Number(/pleb_processor_redelivered_total (\d+)/.exec(metrics)?.[1])
  assert.ok(figures.processorStorageErrors >= 1)
  assert.ok(figures.processorRedelivered >= 1)
  t.diagnostic(JSON.stringify(figures))
})

// Under load: the batches that fail are answered `error:` and left on the bus; JetStream delivers them
// again after the ack wait and they are stored then, once each.
test('PostgreSQL restarting during a sustained publish: refused batches are stored later, once', async (t) => {
  const { figures, cluster } = await sustainedPublishFault(t, async () => {
    await servers('stop_postgres')
    await sleep(2000)
    await servers('restart_postgres')
  }, { processorArgs: ['--ack-wait-ms', '3000'], storedInTheEnd: [/^error: database/] })
  const metrics = await (await fetch(cluster.processor.http + '/metrics')).text()
  const errors = /result="storage_error"\} (\d+)/.exec(metrics)?.[1]
  const redelivered = /pleb_processor_redelivered_total (\d+)/.exec(metrics)?.[1]
  t.diagnostic(`processor: ${errors} storage errors, ${redelivered} redelivered; ${JSON.stringify(figures.okFalseByPrefix)}`)
})
