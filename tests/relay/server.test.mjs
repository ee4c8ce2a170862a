// Server behaviour: fair scheduling of heavy queries, per-IP limits, slow readers, keepalive pings,
// compression and graceful shutdown.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startRelay, Client, newKey, sign, PLEB } from './harness.mjs'

// Well-formed events with random ids and signatures, loaded with `pleb import --no-verify`: the relay
// serves stored events without verifying them again, and signing 100,000 events here would take minutes.
function unsignedEvents(count) {
  const pubkey = randomBytes(32).toString('hex')
  const lines = []
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({
      id: randomBytes(32).toString('hex'), pubkey, created_at: 1600000000 + i, kind: 1,
      tags: [['t', 'filler']], content: `filler note ${i} with some words in it`, sig: randomBytes(64).toString('hex'),
    }))
  }
  return lines.join('\n') + '\n'
}

test('a scan over the whole history does not hold up another client', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pleb-fair-'))
  try {
    const imported = spawnSync(PLEB, ['import', '--no-verify', '--data', dataDir], { input: unsignedEvents(100000) })
    assert.equal(imported.status, 0, String(imported.stderr))
    const relay = await startRelay({ dataDir })
    try {
      const heavy = await Client.connect(relay.url)
      const light = await Client.connect(relay.url)
      const key = newKey()
      const mine = sign(key, { content: 'a light query finds me' })
      assert.equal((await light.publish(mine))[2], true)
      // A search no event matches makes the store read every stored event.
      const order = []
      heavy.send(['REQ', 'heavy', { search: 'zebra' }])
      const heavyDone = heavy.nextOf('EOSE', 'heavy', 120000).then(() => order.push('heavy'))
      await new Promise(r => setTimeout(r, 20))
      const lightDone = light.query('light', { ids: [mine.id] }).then(events => { order.push('light'); return events })
      assert.deepEqual((await lightDone).map(e => e.id), [mine.id])
      await heavyDone
      assert.deepEqual(order, ['light', 'heavy'])
      heavy.close(); light.close()
    } finally {
      await relay.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('per-IP connection limit: the next upgrade gets 429 until a slot frees', async () => {
  const relay = await startRelay({ config: '[server]\nmax_connections_per_ip = 3\n' })
  try {
    const open = []
    for (let i = 0; i < 3; i++) open.push(await Client.connect(relay.url))
    const refused = await new Promise(resolve => {
      const ws = new WebSocket(relay.url)
      ws.on('unexpected-response', (req, res) => resolve(res.statusCode))
      ws.on('open', () => resolve('opened'))
      ws.on('error', () => {})
    })
    assert.equal(refused, 429)
    open[0].close()
    await open[0].closed
    await new Promise(r => setTimeout(r, 100))
    const again = await Client.connect(relay.url)
    assert.equal((await again.query('ok', { limit: 1 })).length, 0)
    again.close()
    for (const c of open.slice(1)) c.close()
  } finally {
    await relay.stop()
  }
})

test('a live subscriber that stops reading is told and disconnected; others are unaffected', async () => {
  const relay = await startRelay({ config: '[server]\nmax_outgoing_bytes = 65536\n' })
  try {
    const key = newKey()
    const slow = await Client.connect(relay.url, { perMessageDeflate: false })
    await slow.query('live', { authors: [key.pubkey], limit: 0 })
    slow.ws._socket.pause()  // reads nothing from now on
    const writer = await Client.connect(relay.url)
        // Until the kernel's socket buffers are full and the relay's own queue overflows (counted at
    // /metrics): the relay then gives the client 5 s to read what it has, so the test resumes at once.
    // Incompressible, in case compression were negotiated anyway.
    const big = randomBytes(60000).toString('hex')
    const disconnects = async () => {
      const text = await (await fetch(relay.http + '/metrics')).text()
      return Number(text.match(/^nostr_slow_reader_disconnects_total (\d+)$/m)[1])
    }
    let published = 0
    while (await disconnects() === 0) {
      assert.ok(published < 1000, 'the slow reader was never disconnected')
      for (let i = 0; i < 10; i++, published++) {
        assert.equal((await writer.publish(sign(key, { content: big + published }))).at(2), true)
      }
    }
    slow.ws._socket.resume()
    const notice = await slow.nextOf('NOTICE', undefined, 10000)
    assert.match(notice[1], /^error: connection closed, the client reads too slowly/)
    await slow.closed
    // The writer's connection still works, and a stored query larger than the bound is paced, not cut.
    assert.equal((await writer.query('mine', { authors: [key.pubkey], limit: 5 })).length, 5)
    writer.close()
  } finally {
    await relay.stop()
  }
})

test('a stored query follows a slow reader instead of filling its queue', async () => {
  const relay = await startRelay({ config: '[server]\nmax_outgoing_bytes = 65536\n' })
  try {
    const key = newKey()
    const writer = await Client.connect(relay.url)
    const big = 'y'.repeat(100000)
    for (let i = 0; i < 60; i++) assert.equal((await writer.publish(sign(key, { content: big + i }))).at(2), true)
    const reader = await Client.connect(relay.url)
    reader.ws._socket.pause()
    reader.send(['REQ', 'all', { authors: [key.pubkey] }])
    await new Promise(r => setTimeout(r, 1500))
    reader.ws._socket.resume()
    const events = []
    for (;;) {
      const m = await reader.next(m => m[1] === 'all' || m[0] === 'NOTICE', 10000)
      assert.notEqual(m[0], 'NOTICE', `unexpected NOTICE: ${m[1]}`)
      if (m[0] === 'EOSE') break
      events.push(m[2])
    }
    assert.equal(events.length, 60)
    reader.close(); writer.close()
  } finally {
    await relay.stop()
  }
})

test('keepalive pings go out at half the idle timeout', async () => {
  const relay = await startRelay({ config: '[server]\nidle_timeout_seconds = 2\n' })
  try {
    const c = await Client.connect(relay.url)
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ping')), 5000)
      c.ws.once('ping', () => { clearTimeout(timer); resolve() })
    })
    c.close()
  } finally {
    await relay.stop()
  }
})

test('permessage-deflate is negotiated when offered, and large events pass through it', async () => {
  const relay = await startRelay()
  try {
    const c = await Client.connect(relay.url, { perMessageDeflate: true })
    assert.match(c.ws.extensions, /permessage-deflate/)
    const plain = await Client.connect(relay.url, { perMessageDeflate: false })
    assert.equal(plain.ws.extensions, '')
    const key = newKey()
    const event = sign(key, { content: 'compressible '.repeat(8000) })
    assert.equal((await c.publish(event))[2], true)
    assert.deepEqual(await plain.query('q', { ids: [event.id] }), [event])
    assert.deepEqual(await c.query('q', { ids: [event.id] }), [event])
    c.close(); plain.close()
  } finally {
    await relay.stop()
  }
})

test('SIGTERM: acknowledged events are kept, connections get a clean close, exit status 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pleb-term-'))
  try {
    const relay = await startRelay({ dataDir })
    const c = await Client.connect(relay.url)
    const key = newKey()
    const events = Array.from({ length: 300 }, (_, i) => sign(key, { content: `t${i}`, created_at: 1700000000 + i }))
    const acknowledged = []
    c.ws.on('message', data => {
      const m = JSON.parse(data.toString())
      if (m[0] === 'OK' && m[2] === true) acknowledged.push(m[1])
    })
    for (const e of events) c.send(['EVENT', e])
    await new Promise(r => setTimeout(r, 50))
        const exit = await relay.stop({ keepData: true })
    const closed = await c.closed
        assert.equal(exit.code, 0, relay.log())
    assert.equal(closed.code, 1000)
    assert.ok(acknowledged.length > 0)
    const again = await startRelay({ dataDir })
    const r = await Client.connect(again.url)
    const stored = await r.query('all', { authors: [key.pubkey], limit: 1000 })
    const storedIds = new Set(stored.map(e => e.id))
    for (const id of acknowledged) assert.ok(storedIds.has(id), `acknowledged ${id} is missing`)
    r.close()
    await again.stop()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

// A burst's replies leave the relay gathered into few writes (the OKs of one commit, a subscriber's live
// events): every frame must still arrive whole, once, and be readable with and without compression,
// with control frames (a ping's pong) in among them.
for (const perMessageDeflate of [false, true]) {
  test(`a pipelined burst gets every OK whole and once, pings answered among them (deflate: ${perMessageDeflate})`, async () => {
    const relay = await startRelay()
    try {
      const c = await Client.connect(relay.url, { perMessageDeflate })
      const watcher = await Client.connect(relay.url, { perMessageDeflate })
      const key = newKey()
      watcher.send(['REQ', 'live', { authors: [key.pubkey], limit: 0 }])
      await watcher.nextOf('EOSE', 'live')
      const events = Array.from({ length: 1500 }, (_, i) => sign(key, { content: `burst ${i} ` + 'x'.repeat(i % 300) }))
      const pong = new Promise(resolve => c.ws.once('pong', data => resolve(String(data))))
      events.forEach((e, i) => {
        c.send(['EVENT', e])
        if (i === 700) c.ws.ping('among the OKs')
      })
      const oks = await Promise.all(events.map(e => c.nextOf('OK', e.id, 20000)))
      assert.ok(oks.every(m => m[2] === true), JSON.stringify(oks.find(m => m[2] !== true)))
      assert.equal(await pong, 'among the OKs')
      const live = await Promise.all(events.map(e => watcher.next(m => m[0] === 'EVENT' && m[2].id === e.id, 20000)))
      assert.deepEqual(live.map(m => m[2].content), events.map(e => e.content))
      assert.deepEqual(await c.quiet(m => m[0] === 'OK'), [], 'no OK twice')
      const stored = await c.query('all', { authors: [key.pubkey], limit: 5000 })
      assert.equal(stored.length, events.length)
            c.ws.close(1000)
      watcher.close()
      assert.equal((await c.closed).code, 1000)
    } finally {
      await relay.stop()
    }
  })
}
