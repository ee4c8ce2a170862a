// WebSocket frames as the network delivers them: many frames in one TCP segment, one frame spread over
// many segments, fragmented messages with control frames between the fragments, and messages larger
// than what the relay reads from a socket at once. A raw TCP client writes the bytes, so the test
// decides exactly how they arrive.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { startRelay, Client, newKey, sign, now } from './harness.mjs'

let relay, key
before(async () => {
  relay = await startRelay()
  key = newKey()
})
after(async () => { await relay.stop() })

const TEXT = 0x1, CONTINUATION = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xa

// A client frame: masked, as RFC 6455 requires of clients.
function frame(opcode, payload, fin = true) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload)
  const mask = randomBytes(4)
  let header
  if (data.length < 126) {
    header = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | data.length])
  } else if (data.length < 65536) {
    header = Buffer.alloc(4)
    header[0] = (fin ? 0x80 : 0) | opcode
    header[1] = 0x80 | 126
    header.writeUInt16BE(data.length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = (fin ? 0x80 : 0) | opcode
    header[1] = 0x80 | 127
    header.writeBigUInt64BE(BigInt(data.length), 2)
  }
  const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]))
  return Buffer.concat([header, mask, masked])
}

// Opens a raw connection, upgrades it, and parses the relay's (unmasked) frames as they come.
// `behind`: frames written in the same write as the upgrade request, before the 101 arrives.
async function rawConnect(behind = Buffer.alloc(0), port = relay.port) {
  const socket = net.connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(Buffer.concat([Buffer.from(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`), behind]))
  let pending = Buffer.alloc(0)
  let upgraded = false
  const frames = []
  const waiters = []
  socket.on('data', chunk => {
    pending = Buffer.concat([pending, chunk])
    if (!upgraded) {
      const end = pending.indexOf('\r\n\r\n')
      if (end < 0) return
      assert.match(pending.subarray(0, end).toString(), /^HTTP\/1\.1 101/)
      pending = pending.subarray(end + 4)
      upgraded = true
    }
    for (;;) {
      if (pending.length < 2) return
      let length = pending[1] & 0x7f, offset = 2
      if (length === 126) { if (pending.length < 4) return; length = pending.readUInt16BE(2); offset = 4 }
      else if (length === 127) { if (pending.length < 10) return; length = Number(pending.readBigUInt64BE(2)); offset = 10 }
      if (pending.length < offset + length) return
      frames.push({ opcode: pending[0] & 0x0f, head: pending[0] & 0xf0, masked: (pending[1] & 0x80) !== 0, lengthBytes: offset, payload: pending.subarray(offset, offset + length) })
      pending = pending.subarray(offset + length)
      for (const w of waiters.splice(0)) w()
    }
  })
  const closed = new Promise(resolve => socket.once('close', resolve))
  return {
    socket, closed,
    // Waits for `count` frames that match, removing them.
    async take(match, count = 1, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs
      const taken = []
      while (taken.length < count) {
        const i = frames.findIndex(match)
        if (i >= 0) { taken.push(frames.splice(i, 1)[0]); continue }
        if (Date.now() > deadline) throw new Error(`timed out after ${taken.length} of ${count} frames`)
        await Promise.race([new Promise(r => waiters.push(r)), new Promise(r => setTimeout(r, 50))])
      }
      return taken
    },
    // The frames received so far that match, without waiting.
    received(match) { return frames.filter(match) },
  }
}

const okFor = id => f => f.opcode === TEXT && f.payload.toString().startsWith(`["OK","${id}"`)
const isOk = f => f.opcode === TEXT && f.payload.toString().startsWith('["OK"')
const eventFrame = e => frame(TEXT, JSON.stringify(['EVENT', e]))

test('a hundred EVENT frames and a ping in one TCP write: every one is answered', async () => {
  const c = await rawConnect()
  const events = Array.from({ length: 100 }, (_, i) => sign(key, { content: `burst ${i}` }))
  const frames = events.map(eventFrame)
  frames.splice(50, 0, frame(PING, 'in the middle'))
  c.socket.write(Buffer.concat(frames))
  const oks = await c.take(isOk, 100)
  const answered = new Set(oks.map(f => JSON.parse(f.payload)[1]))
  assert.deepEqual([...answered].sort(), events.map(e => e.id).sort())
  assert.ok(oks.every(f => JSON.parse(f.payload)[2] === true))
  const [pong] = await c.take(f => f.opcode === PONG)
  assert.equal(pong.payload.toString(), 'in the middle')
  c.socket.destroy()
})

// The EVENTs of one read are verified together before any of its messages is handled: the answers must
// still come in the messages' order, each with its own reason, and the good ones must be stored.
test('good and bad messages in one TCP write are answered in their order, each for itself', async () => {
  const c = await rawConnect()
  const forged = { ...sign(key, { content: 'forged' }), sig: sign(key, { content: 'other' }).sig }
  const wrongId = { ...sign(key, { content: 'wrong id' }), content: 'changed after signing' }
  const good = Array.from({ length: 3 }, (_, i) => sign(key, { content: `good ${i}` }))
  c.socket.write(Buffer.concat([
    eventFrame(good[0]), eventFrame(forged), frame(TEXT, 'not json'), eventFrame(good[1]),
    frame(TEXT, JSON.stringify(['REQ', 'mid', { ids: [good[0].id] }])), eventFrame(wrongId), eventFrame(good[2]),
  ]))
  const refusals = await c.take(f => f.opcode === TEXT && /^\["(NOTICE|OK","[0-9a-f]{64}",false)/.test(f.payload.toString()), 3)
  const [first, second, third] = refusals.map(f => JSON.parse(f.payload))
  assert.deepEqual(first, ['OK', forged.id, false, 'invalid: signature does not verify'])
  assert.equal(second[0], 'NOTICE')
  assert.match(second[1], /^invalid: invalid JSON/)
  assert.deepEqual(third, ['OK', wrongId.id, false, 'invalid: id is not the hash of the event'])
  const oks = await c.take(f => isOk(f) && JSON.parse(f.payload)[2] === true, 3)
  assert.deepEqual(oks.map(f => JSON.parse(f.payload)[1]).sort(), good.map(e => e.id).sort())
  await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["EOSE","mid"'))
  c.socket.destroy()
  const check = await Client.connect(relay.url)
  const stored = (await check.query('q', { ids: [...good, forged, wrongId].map(e => e.id) })).map(e => e.id)
  assert.deepEqual(stored.sort(), good.map(e => e.id).sort())
  check.close()
})

// Enough EVENTs in one read for the relay to verify their signatures as one batch: bad signatures at
// the start, middle and end, a signature taken from another event, a bad id and a repeat among good
// events from several authors. Every event gets its own answer, and only the good ones are stored.
test('a read of thirty EVENTs verified as a batch answers each bad signature for itself', async () => {
  const c = await rawConnect()
  const keys = Array.from({ length: 4 }, () => newKey())
  const events = Array.from({ length: 30 }, (_, i) => sign(keys[i % keys.length], { content: `batch ${i}` }))
  const flip = e => ({ ...e, sig: (e.sig[0] === '0' ? '1' : '0') + e.sig.slice(1) })
  const bad = new Map([
    [0, flip(events[0])],
    [13, { ...events[13], sig: events[14].sig }],
    [21, { ...events[21], content: 'changed after signing' }],
    [29, flip(events[29])],
  ])
  const sent = events.map((e, i) => bad.get(i) ?? e)
  sent.splice(8, 0, events[7])  // a repeat of the event before it
  c.socket.write(Buffer.concat(sent.map(eventFrame)))
  // Refusals leave at once, acceptances after their commit: compare by id, not by order.
  const answers = (await c.take(isOk, sent.length)).map(f => JSON.parse(f.payload))
  const byId = new Map()
  for (const [, id, accepted, message] of answers) byId.set(id, [...(byId.get(id) ?? []), [accepted, message]])
  events.forEach((e, i) => {
    const id = sent[i < 8 ? i : i + 1].id
    let expected = [[true, '']]
    if (i === 21) expected = [[false, 'invalid: id is not the hash of the event']]
    else if (bad.has(i)) expected = [[false, 'invalid: signature does not verify']]
    const got = byId.get(id)
    if (i === 7) {
      assert.equal(got.length, 2)
      assert.equal(got.filter(([accepted, message]) => accepted && message === '').length, 1)
      assert.equal(got.filter(([, message]) => message.startsWith('duplicate:')).length, 1)
    } else {
      assert.deepEqual(got, expected, `event ${i}`)
    }
  })
  c.socket.destroy()
  const check = await Client.connect(relay.url)
  const stored = (await check.query('q', { ids: sent.map(e => e.id) })).map(e => e.id)
  const good = events.filter((_, i) => !bad.has(i)).map(e => e.id)
  assert.deepEqual(stored.sort(), good.sort())
  check.close()
})

// Regular events reach subscribers ahead of the writer when nothing can make the store refuse them. A
// watcher must still never see an event the store refuses: one deleted long ago, one whose deletion is
// in the same write just before it, or the second copy of one sent twice in one write.
test('live delivery ahead of the writer never shows what the store refuses', async () => {
  const author = newKey()
  const watcher = await Client.connect(relay.url)
  assert.deepEqual(await watcher.query('live', { authors: [author.pubkey] }), [])
  const publisher = await Client.connect(relay.url)
  const old = sign(author, { content: 'deleted long ago' })
  assert.equal((await publisher.publish(old))[2], true)
  const deletion = sign(author, { kind: 5, tags: [['e', old.id]] })
  assert.equal((await publisher.publish(deletion))[2], true)
  const again = await publisher.publish(old)
  assert.equal(again[2], false)
  assert.match(again[3], /^blocked:/)

  const c = await rawConnect()
  const doomed = sign(author, { content: 'deleted before it arrives' })
  const early = sign(author, { kind: 5, tags: [['e', doomed.id]] })
  const twice = sign(author, { content: 'sent twice in one write' })
  c.socket.write(Buffer.concat([eventFrame(early), eventFrame(doomed), eventFrame(twice), eventFrame(twice)]))
  const answers = new Map((await c.take(isOk, 4)).map(f => JSON.parse(f.payload)).map(a => [a[1] + a[2], a]))
  assert.ok(answers.has(early.id + 'true') && answers.has(twice.id + 'true'))
  assert.ok(answers.has(doomed.id + 'false') && answers.has(twice.id + 'false'))
  c.socket.destroy()

  const seen = (await watcher.quiet(m => m[0] === 'EVENT' && m[1] === 'live', 500)).map(m => m[2].id)
  assert.deepEqual(seen.sort(), [old.id, deletion.id, early.id, twice.id].sort())
  watcher.close()
  publisher.close()
})

// A REQ that overflows the outgoing queue makes the relay close the connection; what follows it in the
// same read must then go unhandled, as if it had come after the close.
test('in one TCP write, nothing behind a REQ that overflows the outgoing queue is handled', async () => {
  const own = await startRelay({ config: '[server]\nmax_outgoing_bytes = 65536\n' })
  try {
    // More than the kernel's socket buffers hold for a client that reads nothing.
    const writer = await Client.connect(own.url)
    const big = 'z'.repeat(100000)
    const stored = []
    for (let i = 0; i < 120; i++) {
      const event = sign(key, { content: big + i })
      assert.equal((await writer.publish(event)).at(2), true)
      stored.push(event)
    }
    writer.close()
    const c = await rawConnect(Buffer.alloc(0), own.port)
    await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["AUTH"'))
    c.socket.pause()  // reads nothing from now on
    // This query fills the socket, then waits with one event queued in the relay.
    c.socket.write(frame(TEXT, JSON.stringify(['REQ', 'fill', { ids: stored.map(e => e.id) }])))
    await new Promise(r => setTimeout(r, 1500))
    // The first event of this query goes past the bound; the EVENT behind it is in the same read.
    const late = sign(key, { content: 'behind the overflow' })
    c.socket.write(Buffer.concat([
      frame(TEXT, JSON.stringify(['REQ', 'over', { ids: stored.map(e => e.id) }])), eventFrame(late),
    ]))
    await new Promise(r => setTimeout(r, 300))  // read by the relay while the socket is still full
    c.socket.resume()
    const [notice] = await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["NOTICE"'))
    assert.match(JSON.parse(notice.payload)[1], /^error: connection closed, the client reads too slowly/)
    await c.take(f => f.opcode === CLOSE)
    c.socket.write(frame(CLOSE, Buffer.from([0x03, 0xe8])))
    await c.closed
    assert.equal(c.received(okFor(late.id)).length, 0)
    const check = await Client.connect(own.url)
    assert.deepEqual(await check.query('q', { ids: [late.id] }), [])
    check.close()
  } finally {
    await own.stop()
  }
})

test('in one TCP write, an AUTH admits the protected event behind it and the cheap rules still refuse', async () => {
  const c = await rawConnect()
  const [challengeFrame] = await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["AUTH"'))
  const challenge = JSON.parse(challengeFrame.payload)[1]
  // The raw upgrade names the host without a port, so that is the relay the tag must name.
  const auth = sign(key, { kind: 22242, tags: [['relay', 'ws://127.0.0.1'], ['challenge', challenge]] })
  const protectedByKey = sign(key, { content: 'mine alone', tags: [['-']] })
  const protectedByOther = sign(newKey(), { content: 'not mine', tags: [['-']] })
  const future = sign(key, { content: 'from next year', created_at: now() + 365 * 86400 })
  const plain = sign(key, { content: 'plain' })
  c.socket.write(Buffer.concat([eventFrame(protectedByKey), frame(TEXT, JSON.stringify(['AUTH', auth])),
    eventFrame(protectedByKey), eventFrame(protectedByOther), eventFrame(future), eventFrame(plain)]))
  // Refusals are answered at once, stored events after their commit: compare without the order.

  const answers = (await c.take(isOk, 6)).map(f => JSON.parse(f.payload))
  const summary = a => `${a[1]} ${a[2]} ${a[3].replace(/:.*/, '')}`
  assert.deepEqual(answers.map(summary).sort(), [
    [protectedByKey.id, false, 'auth-required'], [auth.id, true, ''], [protectedByKey.id, true, ''],
    [protectedByOther.id, false, 'auth-required'], [future.id, false, 'invalid'], [plain.id, true, ''],
  ].map(a => `${a[0]} ${a[1]} ${a[2]}`).sort())
  assert.ok(answers.some(a => a[1] === future.id && a[3] === 'invalid: created_at is too far in the future'))
  // The refusal of the first copy came before the AUTH's answer, the acceptance of the second after it.
  const at = (id, ok) => answers.findIndex(a => a[1] === id && a[2] === ok)
  assert.ok(at(protectedByKey.id, false) < at(auth.id, true))
  assert.ok(at(auth.id, true) < at(protectedByKey.id, true))
  c.socket.destroy()
  const check = await Client.connect(relay.url)
  const stored = (await check.query('q', { ids: [protectedByKey, protectedByOther, future, plain].map(e => e.id) }))
  assert.deepEqual(stored.map(e => e.id).sort(), [protectedByKey.id, plain.id].sort())
  check.close()
})

test('EVENT frames sent right behind the upgrade request, before the 101, are answered', async () => {
  const events = Array.from({ length: 3 }, (_, i) => sign(key, { content: `eager ${i}` }))
  const c = await rawConnect(Buffer.concat(events.map(eventFrame)))
  const oks = await c.take(isOk, 3)
  assert.deepEqual(oks.map(f => JSON.parse(f.payload)[1]).sort(), events.map(e => e.id).sort())
  assert.ok(oks.every(f => JSON.parse(f.payload)[2] === true))
  c.socket.destroy()
})

test('the relay frames events of every length encoding whole, with a pong between them', async () => {
  // 7-bit, 16-bit and 64-bit payload lengths: EOSE and pong (under 126 bytes), EVENT messages of ~400 B,
  // ~5 KB and ~100 KB.
  const sizes = [50, 5000, 100 * 1024]
  const events = sizes.map((n, i) => sign(key, { kind: 1, content: 'L'.repeat(n), created_at: 1700000000 + i, tags: [['t', 'lengths']] }))
  const writer = await rawConnect()
  writer.socket.write(Buffer.concat(events.map(eventFrame)))
  await writer.take(isOk, 3)
  writer.socket.destroy()

  const c = await rawConnect()
  c.socket.write(Buffer.concat([frame(TEXT, JSON.stringify(['REQ', 'len', { '#t': ['lengths'] }])), frame(PING, 'between')]))
  const got = await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["EVENT","len"'), 3)
  const [eose] = await c.take(f => f.opcode === TEXT && f.payload.toString() === '["EOSE","len"]')
  const [pong] = await c.take(f => f.opcode === PONG)
  assert.equal(pong.payload.toString(), 'between')
  for (const f of [...got, eose, pong]) {
    assert.equal(f.head, 0x80, 'FIN set, no reserved bits')
    assert.equal(f.masked, false, 'a server never masks')
  }
  // Newest first; each frame holds exactly its event, with the shortest length encoding.
  const byId = new Map(got.map(f => [JSON.parse(f.payload)[2].id, f]))
  for (const e of events) {
    const f = byId.get(e.id)
    assert.deepEqual(JSON.parse(f.payload)[2], e)
    assert.equal(f.lengthBytes, f.payload.length < 126 ? 2 : f.payload.length < 65536 ? 4 : 10)
  }
  assert.deepEqual([...got, eose].map(f => f.lengthBytes).sort((a, b) => a - b), [2, 4, 4, 10])
  c.socket.destroy()
})

test('one EVENT frame written a few bytes at a time is read whole', async () => {
  const c = await rawConnect()
  const e = sign(key, { content: 'dribbled' })
  const bytes = eventFrame(e)
  for (let i = 0; i < bytes.length; i += 7) {
    c.socket.write(bytes.subarray(i, i + 7))
    await new Promise(r => setTimeout(r, 1))
  }
  const [ok] = await c.take(okFor(e.id))
  assert.equal(JSON.parse(ok.payload)[2], true)
  c.socket.destroy()
})

test('a fragmented message with a ping between its fragments, behind other frames in the same write', async () => {
  const c = await rawConnect()
  const first = sign(key, { content: 'before the fragments' })
  const e = sign(key, { content: 'in three fragments' })
  const text = Buffer.from(JSON.stringify(['EVENT', e]))
  const third = Math.floor(text.length / 3)
  c.socket.write(Buffer.concat([
    eventFrame(first),
    frame(TEXT, text.subarray(0, third), false),
    frame(PING, 'between'),
    frame(CONTINUATION, text.subarray(third, 2 * third), false),
    frame(CONTINUATION, text.subarray(2 * third), true),
  ]))
  await c.take(okFor(first.id))
  const [ok] = await c.take(okFor(e.id))
  assert.equal(JSON.parse(ok.payload)[2], true)
  await c.take(f => f.opcode === PONG && f.payload.toString() === 'between')
  c.socket.destroy()
})

test('a message larger than one socket read, followed by a small one in the same write', async () => {
  const c = await rawConnect()
  // ~300 KB of REQ filters: bigger than the relay reads from a socket at once, within the limits.
  const filters = Array.from({ length: 5 }, () =>
    ({ authors: Array.from({ length: 900 }, () => randomBytes(32).toString('hex')), limit: 1 }))
  const big = frame(TEXT, JSON.stringify(['REQ', 'big', ...filters]))
  assert.ok(big.length > 256 * 1024)
  const e = sign(key, { content: 'after the big one' })
  c.socket.write(Buffer.concat([big, eventFrame(e)]))
  const [eose] = await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["EOSE","big"]'))
  assert.ok(eose)
  const [ok] = await c.take(okFor(e.id))
  assert.equal(JSON.parse(ok.payload)[2], true)
  c.socket.destroy()
})

test('a close frame in the same write as EVENTs: the EVENTs are answered, then the close', async () => {
  const c = await rawConnect()
  const events = Array.from({ length: 3 }, (_, i) => sign(key, { content: `closing ${i}` }))
  c.socket.write(Buffer.concat([...events.map(eventFrame), frame(CLOSE, Buffer.from([0x03, 0xe8]))]))
  const [close] = await c.take(f => f.opcode === CLOSE)
  assert.equal(close.payload.readUInt16BE(0), 1000)
  await c.closed
  // An OK may not make it out before the connection closes; whatever was acknowledged is stored.
  const acknowledged = c.received(isOk).map(f => JSON.parse(f.payload)).filter(m => m[2]).map(m => m[1])
  const check = await Client.connect(relay.url)
  const stored = (await check.query('q', { ids: events.map(e => e.id) })).map(e => e.id)
  for (const id of acknowledged) assert.ok(stored.includes(id), `acknowledged ${id} is stored`)
  check.close()
})

test('idle timeout: a peer that answers nothing is pinged, then dropped; one that answers pings stays', async () => {
  const idle = await startRelay({ config: '[server]\nidle_timeout_seconds = 2\n' })
  const saved = relay
  relay = idle  // rawConnect dials the relay in `relay`
  try {
    const opened = Date.now()
    const silent = await rawConnect()
    const answering = await Client.connect(idle.url)  // the ws library answers pings by itself
    await silent.take(f => f.opcode === PING, 1, 5000)
    await silent.closed
    const after = (Date.now() - opened) / 1000
    // Pinged after one or two half-timeouts without a frame; dropped one or two half-timeouts later.
    assert.ok(after >= 1.5 && after <= 5, `dropped after ${after} s`)
    const e = sign(key, { content: 'still here' })
    assert.equal((await answering.publish(e))[2], true)
    answering.close()
  } finally {
    relay = saved
    await idle.stop()
  }
})

// Each way a client can break RFC 6455 ends its connection with the close code the RFC names, after
// which the relay still serves everyone else.
test('protocol violations: a close frame with the RFC code, then the connection ends', async () => {
  const unmasked = Buffer.from([0x81, 0x01, 0x61])  // a client frame without a mask
  const cases = [
    ['a reserved bit set', (() => { const f = frame(TEXT, 'x'); f[0] |= 0x40; return f })(), 1002],
    ['an unmasked frame', unmasked, 1002],
    ['a reserved opcode', frame(0x3, 'x'), 1002],
    ['a fragmented ping', frame(PING, 'x', false), 1002],
    ['a ping longer than 125 bytes', frame(PING, 'p'.repeat(126)), 1002],
    ['a continuation outside a message', frame(CONTINUATION, 'x'), 1002],
    ['a new message inside a fragmented one', Buffer.concat([frame(TEXT, '["RE', false), frame(TEXT, 'Q"]')]), 1002],
    ['an invalid close code', frame(CLOSE, Buffer.from([0x03, 0xed])), 1002],
    ['a close reason that is not UTF-8', frame(CLOSE, Buffer.from([0x03, 0xe8, 0xff])), 1007],
  ]
  for (const [what, bytes, code] of cases) {
    const c = await rawConnect()
    c.socket.write(bytes)
    const [close] = await c.take(f => f.opcode === CLOSE)
    assert.equal(close.payload.readUInt16BE(0), code, what)
    await c.closed
  }
  const check = await Client.connect(relay.url)
  const e = sign(key, { content: 'still serving' })
  assert.equal((await check.publish(e))[2], true)
  check.close()
})

test('a message past twice the size limit: NOTICE, close 1009, and its payload is never waited for', async () => {
  const c = await rawConnect()
  // Only the header of a 2 MiB text frame; the relay refuses on the announced length.
  const header = Buffer.alloc(14)
  header[0] = 0x81
  header[1] = 0x80 | 127
  header.writeBigUInt64BE(2n * 1024n * 1024n, 2)
  c.socket.write(header)
  const [notice] = await c.take(f => f.opcode === TEXT && f.payload.toString().startsWith('["NOTICE"'))
  assert.match(notice.payload.toString(), /^\["NOTICE","invalid: message is larger than 524288 bytes/)
  const [close] = await c.take(f => f.opcode === CLOSE)
  assert.equal(close.payload.readUInt16BE(0), 1009)
  await c.closed
})

test('a close frame without a code is answered with one without a code, then the connection ends', async () => {
  const c = await rawConnect()
  c.socket.write(frame(CLOSE, Buffer.alloc(0)))
  const [close] = await c.take(f => f.opcode === CLOSE)
  assert.equal(close.payload.length, 0)
  await c.closed
})

test('nothing behind a close frame is read: a REQ and a ping after it go unanswered', async () => {
  const c = await rawConnect()
  const sub = frame(TEXT, JSON.stringify(['REQ', 'late', { kinds: [1], limit: 1 }]))
  c.socket.write(Buffer.concat([frame(CLOSE, Buffer.from([0x03, 0xe8])), sub, frame(PING, 'late')]))
  const [close] = await c.take(f => f.opcode === CLOSE)
  assert.equal(close.payload.readUInt16BE(0), 1000)
  await c.closed
  const answers = c.received(f => f.opcode === PONG || (f.opcode === TEXT && !f.payload.toString().startsWith('["AUTH"')))
  assert.equal(answers.length, 0)
})
