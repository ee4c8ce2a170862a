// NIP-42 AUTH, restricted kinds (DMs, gift wraps) and NIP-70 protected events.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startRelay, Client, newKey, sign, now } from './harness.mjs'

let relay
before(async () => { relay = await startRelay() })
after(async () => { await relay.stop() })

async function authenticate(c, key, { relayUrl = relay.url, challenge } = {}) {
  const [, ch] = await c.nextOf('AUTH')
  const event = sign(key, { kind: 22242, tags: [['relay', relayUrl], ['challenge', challenge ?? ch]] })
  c.send(['AUTH', event])
  return c.nextOf('OK', event.id)
}

test('a challenge arrives on connect and a correct AUTH is accepted', async () => {
  const c = await Client.connect(relay.url)
  assert.deepEqual((await authenticate(c, newKey())).slice(2), [true, ''])
  c.close()
})

test('bad AUTH events are refused with reasons', async () => {
  const c = await Client.connect(relay.url)
  const [, challenge] = await c.nextOf('AUTH')
  const key = newKey()
  const cases = [
    [sign(key, { kind: 22242, tags: [['relay', relay.url], ['challenge', 'wrong']] }), /challenge does not match/],
    [sign(key, { kind: 22242, tags: [['relay', 'wss://elsewhere.example'], ['challenge', challenge]] }), /relay tag/],
    [sign(key, { kind: 1, tags: [['relay', relay.url], ['challenge', challenge]] }), /kind 22242/],
    [sign(key, { kind: 22242, created_at: now() - 3600, tags: [['relay', relay.url], ['challenge', challenge]] }), /too old/],
  ]
  for (const [event, reason] of cases) {
    c.send(['AUTH', event])
    const ok = await c.nextOf('OK', event.id)
    assert.equal(ok[2], false)
    assert.match(ok[3], /^invalid: /)
    assert.match(ok[3], reason)
  }
  c.close()
})

test('DMs are served only to their author or p-tagged recipient, in REQ, COUNT and live', async () => {
  const alice = newKey(), bob = newKey(), eve = newKey()
  const writer = await Client.connect(relay.url)
  const dm = sign(alice, { kind: 4, content: 'secret?iv=x', tags: [['p', bob.pubkey]] })
  const aliceConn = await Client.connect(relay.url)
  await authenticate(aliceConn, alice)
  assert.equal((await aliceConn.publish(dm))[2], true)

  // Unauthenticated, asking for kind 4 by name: CLOSED auth-required.
  writer.send(['REQ', 'dms', { kinds: [4], '#p': [bob.pubkey] }])
  assert.match((await writer.nextOf('CLOSED', 'dms'))[2], /^auth-required:/)
  // Unauthenticated, not naming kinds: the DM is silently left out, also from COUNT.
  assert.deepEqual(await writer.query('any', { authors: [alice.pubkey] }), [])
  writer.send(['COUNT', 'n', { authors: [alice.pubkey] }])
  assert.deepEqual((await writer.nextOf('COUNT', 'n'))[2], { count: 0 })

  const eveConn = await Client.connect(relay.url)
  await authenticate(eveConn, eve)
  assert.deepEqual(await eveConn.query('peek', { kinds: [4] }), [])

  const bobConn = await Client.connect(relay.url)
  await authenticate(bobConn, bob)
  assert.deepEqual((await bobConn.query('inbox', { kinds: [4], '#p': [bob.pubkey] })).map(e => e.id), [dm.id])
  bobConn.send(['COUNT', 'c', { kinds: [4] }])
  assert.deepEqual((await bobConn.nextOf('COUNT', 'c'))[2], { count: 1 })
  assert.deepEqual((await aliceConn.query('sent', { kinds: [4], authors: [alice.pubkey] })).map(e => e.id), [dm.id])

  // Live: bob gets the next DM, eve does not.
  await eveConn.query('live', { kinds: [4] })
  const dm2 = sign(alice, { kind: 4, content: 'again?iv=y', tags: [['p', bob.pubkey]] })
  await aliceConn.publish(dm2)
  assert.equal((await bobConn.nextOf('EVENT', 'inbox'))[2].id, dm2.id)
  assert.deepEqual(await eveConn.quiet(m => m[0] === 'EVENT'), [])
  for (const c of [writer, aliceConn, eveConn, bobConn]) c.close()
})

test('NIP-70: a protected event is accepted only from its authenticated author', async () => {
  const author = newKey()
  const c = await Client.connect(relay.url)
  const event = sign(author, { content: 'protected', tags: [['-']] })
  const refused = await c.publish(event)
  assert.equal(refused[2], false)
  assert.match(refused[3], /^auth-required:/)
  await authenticate(c, author)
  assert.equal((await c.publish(event))[2], true)
  const other = await Client.connect(relay.url)
  await authenticate(other, newKey())
  const foreign = sign(author, { content: 'protected 2', tags: [['-']] })
  assert.match((await other.publish(foreign))[3], /^auth-required:/)
  c.close(); other.close()
})

test('auth-required relay: writes and reads need AUTH', async () => {
  const strict = await startRelay({ config: '[relay]\nauth_required_for_writes = true\nauth_required_for_reads = true\n' })
  try {
    const info = await (await fetch(strict.http, { headers: { Accept: 'application/nostr+json' } })).json()
    assert.equal(info.limitation.auth_required, true)
    const c = await Client.connect(strict.url)
    const key = newKey()
    const e = sign(key, { content: 'hi' })
    assert.match((await c.publish(e))[3], /^auth-required:/)
    c.send(['REQ', 'r', {}])
    assert.match((await c.nextOf('CLOSED', 'r'))[2], /^auth-required:/)
    const [, challenge] = await c.nextOf('AUTH')
    const auth = sign(key, { kind: 22242, tags: [['relay', strict.url], ['challenge', challenge]] })
    c.send(['AUTH', auth])
    assert.equal((await c.nextOf('OK', auth.id))[2], true)
    assert.equal((await c.publish(e))[2], true)
    assert.equal((await c.query('r2', { ids: [e.id] })).length, 1)
    c.close()
  } finally {
    await strict.stop()
  }
})
