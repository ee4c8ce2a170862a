// A real client library against our relay: nostr-tools' SimplePool publishes, subscribes and queries.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { useWebSocketImplementation, SimplePool } from 'nostr-tools/pool'
import { Relay, useWebSocketImplementation as useRelayWebSocket } from 'nostr-tools/relay'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { startRelay } from './harness.mjs'

// Node 20 has no global WebSocket; nostr-tools' Relay and SimplePool both take the ws package.
useWebSocketImplementation(WebSocket)
useRelayWebSocket(WebSocket)

let relay
before(async () => { relay = await startRelay() })
after(async () => { await relay.stop() })

test('nostr-tools Relay: publish, live subscription, then query', async () => {
  const sk = generateSecretKey()
  const pk = getPublicKey(sk)
  const r = await Relay.connect(relay.url)
  const live = []
  let eose = false
  const sub = r.subscribe([{ kinds: [1], authors: [pk] }], {
    onevent: e => live.push(e),
    oneose: () => { eose = true },
  })
  await new Promise(res => { const t = setInterval(() => { if (eose) { clearInterval(t); res() } }, 10) })
  const notes = []
  for (let i = 0; i < 3; i++) {
    const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000) - i, tags: [['t', 'pleb']], content: `note ${i}` }, sk)
    assert.equal(await r.publish(e), '')
    notes.push(e)
  }
  await new Promise(res => { const t = setInterval(() => { if (live.length === 3) { clearInterval(t); res() } }, 10) })
  assert.deepEqual(live.map(e => e.id), notes.map(e => e.id))
  sub.close()
  await assert.rejects(r.publish(notes[0]), /duplicate:/)
  r.close()

  const pool = new SimplePool()
  const got = await pool.querySync([relay.url], { authors: [pk], '#t': ['pleb'] })
  assert.deepEqual(new Set(got.map(e => e.id)), new Set(notes.map(e => e.id)))
  const one = await pool.get([relay.url], { ids: [notes[1].id] })
  assert.equal(one.content, 'note 1')
  pool.close([relay.url])
})

test('nostr-tools: an invalid event is rejected with the relay reason', async () => {
  const r = await Relay.connect(relay.url)
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'x' }, generateSecretKey())
  await assert.rejects(r.publish({ ...e, content: 'changed' }), /invalid: id is not the hash/)
  r.close()
})
