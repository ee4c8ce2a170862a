// Duplicate and near-duplicate text across authors, and the web of trust, over real WebSockets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startRelay, Client, newKey, sign } from './harness.mjs'

async function withRelay(config, body) {
  const relay = await startRelay({ config })
  try {
    await body(relay)
  } finally {
    await relay.stop()
  }
}

const spamText = 'claim your free bitcoin airdrop today at the best site on nostr before it runs out'

test('duplicates: the author past max_authors is refused, for copies and near copies; members are exempt', async () => {
  const member = newKey()
  const config = `[policy]
members = ["${member.pubkey}"]

[policy.duplicates]
max_authors = 2
similarity = 0.7
`
  await withRelay(config, async relay => {
    const c = await Client.connect(relay.url)
    const [a, b, d, e] = [newKey(), newKey(), newKey(), newKey()]
    assert.equal((await c.publish(sign(a, { content: spamText })))[2], true)
    assert.equal((await c.publish(sign(b, { content: spamText.toUpperCase() + '!!' })))[2], true)
    const copy = sign(d, { content: spamText })
    assert.deepEqual(await c.publish(copy), ['OK', copy.id, false, 'blocked: the same text was posted by at least 2 other authors recently'])
    const near = sign(e, { content: spamText + ' ref7x9q' })
    assert.deepEqual(await c.publish(near), ['OK', near.id, false, 'blocked: the same text was posted by at least 2 other authors recently'])
    assert.equal((await c.publish(sign(member, { content: spamText })))[2], true, 'members are exempt')
    assert.equal((await c.publish(sign(e, { content: 'my own words about gardening and the weather this spring' })))[2], true)
    assert.equal((await c.publish(sign(d, { kind: 30023, content: spamText, tags: [['d', 'x']] })))[2], true, 'only kind 1 is compared')
    c.close()
  })
  await withRelay('[policy.duplicates]\nmax_authors = 1\naction = "shadow-reject"\n', async relay => {
    const c = await Client.connect(relay.url)
    assert.equal((await c.publish(sign(newKey(), { content: spamText })))[2], true)
    const hidden = sign(newKey(), { content: spamText })
    assert.deepEqual(await c.publish(hidden), ['OK', hidden.id, true, ''])
    assert.deepEqual(await c.query('q', { ids: [hidden.id] }), [], 'shadow-rejected: told OK, not stored')
    c.close()
  })
})

// Follow lists are stored and the graph rebuilt on its own thread: the test waits, within a bound.
async function publishUntilAccepted(c, key, content) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await c.publish(sign(key, { content: `${content} ${attempt}` }))
    if (ok[2]) return ok
    assert.match(ok[3], /^restricted: /)
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error('never accepted')
}

test('web of trust: members and whom they follow may write, others get restricted:', async () => {
  const seed = newKey(), friend = newKey(), friendOfFriend = newKey(), stranger = newKey()
  const config = `[policy]
members = ["${seed.pubkey}"]

[policy.trust]
distance = 2
`
  const relay = await startRelay({ config })
  try {
    const c = await Client.connect(relay.url)
    const refused = sign(friend, { content: 'hello?' })
    assert.deepEqual(await c.publish(refused), ['OK', refused.id, false,
      'restricted: this relay accepts events only from its members and the people they follow'])
    assert.equal((await c.publish(sign(seed, { kind: 3, tags: [['p', friend.pubkey]] })))[2], true)
    await publishUntilAccepted(c, friend, 'now I may write')
    // The friend's own follow list counts at distance 2, so it may be stored and extends the graph.
    assert.equal((await c.publish(sign(friend, { kind: 3, tags: [['p', friendOfFriend.pubkey]] })))[2], true)
    await publishUntilAccepted(c, friendOfFriend, 'two hops away')
    // A stranger's follow list cannot bring anyone in: the stranger may not even store it.
    const list = sign(stranger, { kind: 3, tags: [['p', stranger.pubkey]] })
    assert.equal((await c.publish(list))[3].startsWith('restricted: '), true)
    c.close()
    await relay.stop({ keepData: true })
    // After a restart the graph is read back from the stored follow lists before the first event.
    const again = await startRelay({ config, dataDir: relay.dir })
    try {
      const c2 = await Client.connect(again.url)
      assert.equal((await c2.publish(sign(friendOfFriend, { content: 'still trusted' })))[2], true)
      assert.equal((await c2.publish(sign(stranger, { content: 'still not' })))[2], false)
      c2.close()
    } finally {
      await again.stop()
    }
  } finally {
    await relay.stop()
  }
})

test('bad [policy.duplicates] and [policy.trust] settings are refused at start', async () => {
  await assert.rejects(startRelay({ config: '[policy.duplicates]\nsimilarity = 2\n' }),
    /\[policy.duplicates\] similarity must be a number from 0.1 to 1/)
  await assert.rejects(startRelay({ config: '[policy.duplicates]\naction = "hold"\n' }),
    /\[policy.duplicates\] action must be "reject" or "shadow-reject"/)
  await assert.rejects(startRelay({ config: '[policy.trust]\ndistance = 1\n' }),
    /\[policy.trust\] needs seeds, or members in \[policy\], or admins in \[api\]/)
  await assert.rejects(startRelay({ config: `[policy.trust]\nseeds = ["${'a'.repeat(64)}"]\ndistance = 3\n` }),
    /\[policy.trust\] distance must be a number from 0 to 2/)
  await assert.rejects(startRelay({ config: `[policy.trust]\nseeds = ["${'a'.repeat(64)}"]\naction = "queue"\n` }),
    /\[policy.trust\] action must be "reject" or "hold"/)
  await assert.rejects(startRelay({ config: `[policy.trust]\nseeds = ["${'a'.repeat(64)}"]\nhold_admit_after_seconds = -1\n` }),
    /\[policy.trust\] hold_admit_after_seconds must be a number from 0/)
})
