// Every kind of bad input gets the right NIP-01 answer; afterwards a fresh connection works and every
// stored event is still there.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { startRelay, Client, newKey, sign } from './harness.mjs'

let relay, key, stored
before(async () => {
  relay = await startRelay()
  key = newKey()
  const c = await Client.connect(relay.url)
  stored = []
  for (let i = 0; i < 3; i++) {
    const e = sign(key, { content: `keep ${i}`, created_at: 1700000000 + i })
    assert.equal((await c.publish(e))[2], true)
    stored.push(e)
  }
  c.close()
})
after(async () => { await relay.stop() })

async function notice(raw) {
  const c = await Client.connect(relay.url)
  c.send(raw)
  const m = await c.nextOf('NOTICE')
  c.close()
  return m[1]
}

test('non-JSON, not an array, unknown verb, wrong arity', async () => {
  assert.match(await notice('this is not json'), /^invalid: invalid JSON/)
  assert.match(await notice('{"EVENT":1}'), /^invalid: message must be a JSON array/)
  assert.match(await notice('[]'), /^invalid: message must start with a verb/)
  assert.match(await notice('[1,2]'), /^invalid: message must start with a verb/)
  assert.match(await notice('["PUBLISH",{}]'), /^invalid: unknown message type PUBLISH/)
  assert.match(await notice('["EVENT"]'), /^invalid: EVENT must be/)
  assert.match(await notice('["EVENT",{},{}]'), /^invalid: EVENT must be/)
  assert.match(await notice('["REQ"]'), /^invalid: REQ must be/)
  assert.match(await notice('["CLOSE"]'), /^invalid: CLOSE must be/)
  assert.match(await notice('["CLOSE","a","b"]'), /^invalid: CLOSE must be/)
})

test('invalid event fields answer OK false with the exact reason', async () => {
  const c = await Client.connect(relay.url)
  const good = sign(key, { content: 'x' })
  const cases = [
    [{ ...good, kind: 1.5 }, 'invalid: kind must be an integer'],
    [{ ...good, kind: 70000 }, 'invalid: kind must be between 0 and 65535'],
    [{ ...good, created_at: '1' }, 'invalid: created_at must be an integer'],
    [{ ...good, tags: [['e', 1]] }, 'invalid: tags must be an array of arrays of strings'],
    [{ ...good, content: null }, 'invalid: content must be a string'],
    [{ ...good, pubkey: good.pubkey.toUpperCase() }, 'invalid: pubkey must be 64 lowercase hex characters'],
    [{ ...good, sig: 'abc' }, 'invalid: sig must be 128 lowercase hex characters'],
    [{ ...good, content: 'tampered' }, 'invalid: id is not the hash of the event'],
    [{ ...good, sig: good.sig.replace(/^./, c => (c === '0' ? '1' : '0')) }, 'invalid: signature does not verify'],
  ]
  for (const [event, reason] of cases) {
    c.send(['EVENT', event])
    assert.deepEqual(await c.nextOf('OK', event.id), ['OK', event.id, false, reason])
  }
  const { id, ...noId } = good
  c.send(['EVENT', noId])
  assert.equal((await c.nextOf('NOTICE'))[1], 'invalid: missing field: id')
  c.close()
})

test('oversize message: NOTICE, and the connection stays usable', async () => {
  const c = await Client.connect(relay.url)
  c.send(JSON.stringify(['EVENT', sign(key, { content: 'x'.repeat(600 * 1024) })]))
  assert.match((await c.nextOf('NOTICE'))[1], /^invalid: message is larger than 524288 bytes/)
  assert.equal((await c.query('after', { ids: [stored[0].id] })).length, 1)
  c.close()
})

test('binary frame gets a NOTICE', async () => {
  const c = await Client.connect(relay.url)
  c.ws.send(Buffer.from([1, 2, 3]), { binary: true })
  assert.match((await c.nextOf('NOTICE'))[1], /^invalid: binary messages are not supported/)
  c.close()
})

test('JSON nested 10,000 levels deep', async () => {
  const deep = '['.repeat(10000) + ']'.repeat(10000)
  assert.match(await notice(deep), /^invalid: JSON nested deeper than/)
  assert.match(await notice(`["REQ","d",${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`), /^invalid: JSON nested deeper than/)
})

test('invalid UTF-8 in a text frame', async () => {
  const c = await Client.connect(relay.url)
  // The ws library would refuse to send this as text; write the frame bytes ourselves via a raw buffer.
  c.ws._sender.sendFrame(frameOf(Buffer.from('["REQ","u",{"#t":["\xff"]}]', 'latin1')), () => {})
  const outcome = await Promise.race([c.nextOf('NOTICE').then(m => m[1]), c.closed.then(x => `closed ${x.code}`)])
  // Either answer is a NIP-01-correct refusal: a NOTICE, or the WebSocket-level close 1007 (invalid payload).
  assert.match(outcome, /^(invalid: invalid UTF-8|closed 1007)/)
})

function frameOf(payload) {
  const mask = Buffer.from([1, 2, 3, 4])
  const header = Buffer.from([0x81, 0x80 | payload.length])
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))
  return [Buffer.concat([header, mask, masked])]
}

test('1000 REQs on one connection: the limit is enforced with CLOSED and nothing breaks', async () => {
  const c = await Client.connect(relay.url)
  for (let i = 0; i < 1000; i++) c.send(['REQ', `s${i}`, { ids: [stored[0].id] }])
  let eose = 0, closed = 0
  for (let i = 0; i < 1000; i++) {
    const m = await c.next(m => m[0] === 'EOSE' || m[0] === 'CLOSED', 10000)
    if (m[0] === 'EOSE') eose++
    else { closed++; assert.match(m[2], /^error: too many subscriptions \(at most 50\)/) }
  }
  assert.equal(eose, 50)
  assert.equal(closed, 950)
  c.close()
})

test('subscription ids: 100 characters and empty are refused with CLOSED', async () => {
  const c = await Client.connect(relay.url)
  const long = 'x'.repeat(100)
  c.send(['REQ', long, {}])
  assert.deepEqual(await c.nextOf('CLOSED', long), ['CLOSED', long, 'invalid: subscription id must be 1 to 64 characters'])
  c.send(['REQ', '', {}])
  assert.equal((await c.nextOf('CLOSED', ''))[2], 'invalid: subscription id must be 1 to 64 characters')
  c.send(['REQ', 'nofilter'])
  assert.equal((await c.nextOf('CLOSED', 'nofilter'))[2], 'invalid: at least one filter is required')
  c.send(['REQ', 'badfilter', { kinds: 'all' }])
  assert.match((await c.nextOf('CLOSED', 'badfilter'))[2], /^invalid: kinds must be an array/)
  c.send(['REQ', 'toomany', ...Array(11).fill({})])
  assert.match((await c.nextOf('CLOSED', 'toomany'))[2], /^invalid: too many filters/)
  const authors = Array.from({ length: 5001 }, (_, i) => i.toString(16).padStart(64, '0'))
  c.send(['REQ', 'follows', { authors }])
  assert.equal((await c.nextOf('CLOSED', 'follows'))[2], 'invalid: authors has too many values (at most 5000)')
  c.close()
})

test('after all of that, a fresh connection works and every stored event is still there', async () => {
  const c = await Client.connect(relay.url)
  const got = await c.query('all', { authors: [key.pubkey] })
  assert.deepEqual(got.map(e => e.id), [...stored].reverse().map(e => e.id))
  const e = sign(key, { content: 'still writable' })
  assert.equal((await c.publish(e))[2], true)
  c.close()
})
