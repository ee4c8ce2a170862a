// The write-policy pipeline ([policy] in pleb.toml): kind lists, NIP-13 proof of work, ban lists,
// shadow bans, and a reload on SIGHUP, each with the exact OK message over real WebSockets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getEventHash } from 'nostr-tools/pure'
import { startRelay, Client, newKey, sign, now } from './harness.mjs'

async function withRelay(config, body) {
  const relay = await startRelay({ config })
  try {
    await body(relay)
  } finally {
    await relay.stop()
  }
}

function leadingZeroBits(hex) {
  let bits = 0
  for (const c of hex) {
    const v = parseInt(c, 16)
    if (v === 0) { bits += 4; continue }
    return bits + Math.clz32(v) - 28
  }
  return bits
}

// NIP-13 mining: bump the nonce until the id has `bits` leading zero bits, committing to `target`.
function mine(key, bits, { kind = 1, target = bits } = {}) {
  const created_at = now()
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    const unsigned = { kind, created_at, content: 'worked for it', tags: [['nonce', String(nonce), String(target)]], pubkey: key.pubkey }
    if (leadingZeroBits(getEventHash(unsigned)) >= bits) return sign(key, unsigned)
  }
  throw new Error('no nonce found')
}

test('kinds: deny and allow lists', async () => {
  await withRelay('[policy]\nkinds_deny = [7]\n', async relay => {
    const c = await Client.connect(relay.url)
    const key = newKey()
    const reaction = sign(key, { kind: 7, content: '+' })
    assert.deepEqual(await c.publish(reaction), ['OK', reaction.id, false, 'blocked: kind 7 is not accepted by this relay'])
    assert.equal((await c.publish(sign(key, { kind: 1, content: 'fine' })))[2], true)
    c.close()
  })
  await withRelay('[policy]\nkinds_allow = [0, 1, 3]\n', async relay => {
    const c = await Client.connect(relay.url)
    const key = newKey()
    const article = sign(key, { kind: 30023, tags: [['d', 'x']] })
    assert.deepEqual(await c.publish(article), ['OK', article.id, false, 'blocked: kind 30023 is not accepted by this relay'])
    assert.equal((await c.publish(sign(key, { kind: 3 })))[2], true)
    c.close()
  })
})

test('NIP-13: minimum difficulty, per-kind override, committed target, advertised in NIP-11', async () => {
  await withRelay('[policy]\nmin_pow_difficulty = 8\npow_per_kind = { "0" = 0 }\n', async relay => {
    const info = await (await fetch(relay.http, { headers: { Accept: 'application/nostr+json' } })).json()
    assert.equal(info.limitation.min_pow_difficulty, 8)
    assert.deepEqual(info.supported_nips, [1, 9, 11, 13, 40, 42, 45, 50, 70])
    const c = await Client.connect(relay.url)
    const key = newKey()
    let lazy = sign(key, { content: 'no work' })
    while (leadingZeroBits(lazy.id) >= 8) lazy = sign(key, { content: 'no work ' + Math.random() })
    const refused = await c.publish(lazy)
    assert.equal(refused[2], false)
    assert.match(refused[3], /^pow: difficulty \d+ is less than 8$/)
    assert.equal((await c.publish(mine(key, 8)))[2], true)
    const lucky = mine(key, 8, { target: 4 })
    assert.deepEqual(await c.publish(lucky), ['OK', lucky.id, false, 'pow: committed target 4 is less than 8'])
    assert.equal((await c.publish(sign(key, { kind: 0, content: '{}' })))[2], true, 'kind 0 needs no work')
    c.close()
  })
})

test('bans: authors, events, addresses; shadow bans answer OK and store nothing', async () => {
  const banned = newKey(), shadowed = newKey(), fine = newKey()
  const bannedEvent = sign(fine, { content: 'this exact event is banned' })
  const config = `[policy]
banned_pubkeys = ["${banned.pubkey}"]
shadow_banned_pubkeys = ["${shadowed.pubkey}"]
banned_events = ["${bannedEvent.id}"]
`
  await withRelay(config, async relay => {
    const c = await Client.connect(relay.url)
    const listener = await Client.connect(relay.url)
    await listener.query('live', { kinds: [1] })
    const fromBanned = sign(banned, { content: 'hello' })
    assert.deepEqual(await c.publish(fromBanned), ['OK', fromBanned.id, false, 'blocked: this author is banned from this relay'])
    assert.deepEqual(await c.publish(bannedEvent), ['OK', bannedEvent.id, false, 'blocked: this event is banned from this relay'])
    const shadow = sign(shadowed, { content: 'into the void' })
    assert.deepEqual(await c.publish(shadow), ['OK', shadow.id, true, ''])
    assert.deepEqual(await c.query('gone', { ids: [shadow.id] }), [])
    const ok = sign(fine, { content: 'welcome' })
    assert.equal((await c.publish(ok))[2], true)
    assert.equal((await listener.nextOf('EVENT', 'live'))[2].id, ok.id, 'the first live event is the accepted one')
    assert.deepEqual(await listener.quiet(m => m[0] === 'EVENT'), [])
    c.close(); listener.close()
  })
  await withRelay('[policy]\nbanned_addresses = ["127.0.0.1"]\n', async relay => {
    const c = await Client.connect(relay.url)
    const e = sign(fine, { content: 'from a banned address' })
    assert.deepEqual(await c.publish(e), ['OK', e.id, false, 'blocked: this address is banned from this relay'])
    c.close()
  })
})

test('SIGHUP reloads the policy; a broken file keeps the previous one', async () => {
  const relay = await startRelay({ config: '[policy]\nkinds_deny = [7]\n' })
  try {
    const c = await Client.connect(relay.url)
    const key = newKey()
    assert.equal((await c.publish(sign(key, { kind: 7, content: '+' })))[2], false)
    const file = join(relay.dir, 'pleb.toml')
    writeFileSync(file, '[policy]\nkinds_deny = [1]\n')
    relay.child.kill('SIGHUP')
    await waitForLog(relay, /write policy reloaded/)
    assert.equal((await c.publish(sign(key, { kind: 7, content: '+' })))[2], true)
    assert.match((await c.publish(sign(key, { kind: 1, content: 'now denied' })))[3], /^blocked: kind 1/)
    writeFileSync(file, '[policy\n')
    relay.child.kill('SIGHUP')
    await waitForLog(relay, /reload failed, the previous write policy stays in force/)
    assert.match((await c.publish(sign(key, { kind: 1, content: 'still denied' })))[3], /^blocked: kind 1/)
    c.close()
  } finally {
    await relay.stop()
  }
})

async function waitForLog(relay, pattern) {
  for (let i = 0; i < 100; i++) {
    if (pattern.test(relay.log())) return
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error('log never matched ' + pattern + ': ' + relay.log())
}

test('rate limits per author and kind range', async () => {
  const config = `[[policy.rate_limits]]
kinds = [0, 3]
events = 2
seconds = 60

[[policy.rate_limits]]
kinds = ["30000-39999"]
events = 1
seconds = 3600
`
  await withRelay(config, async relay => {
    const c = await Client.connect(relay.url)
    const key = newKey(), other = newKey()
    const t = now()
    assert.equal((await c.publish(sign(key, { kind: 0, content: '{}', created_at: t - 2 })))[2], true)
    assert.equal((await c.publish(sign(key, { kind: 3, created_at: t - 1 })))[2], true)
    const third = sign(key, { kind: 0, content: '{"name":"again"}', created_at: t })
    assert.deepEqual(await c.publish(third), ['OK', third.id, false, 'rate-limited: at most 2 events of kinds 0, 3 per 60 seconds'])
    assert.equal((await c.publish(sign(other, { kind: 0, content: '{}' })))[2], true, 'another author has its own budget')
    assert.equal((await c.publish(sign(key, { kind: 1, content: 'notes are not limited' })))[2], true)
    assert.equal((await c.publish(sign(key, { kind: 30023, tags: [['d', 'a']] })))[2], true)
    const article = sign(key, { kind: 30001, tags: [['d', 'b']] })
    assert.deepEqual(await c.publish(article), ['OK', article.id, false, 'rate-limited: at most 1 event of kinds 30000-39999 per 3600 seconds'])
    c.close()
  })
})
