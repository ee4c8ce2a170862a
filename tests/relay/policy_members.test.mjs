// The write policy's members come from the user service too, live: who joins through the API is trusted
// (and whom they follow) on the next event, without a reload, as the configured admins are from the start;
// who leaves is refused again.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { startRelay, Client, newKey, sign } from './harness.mjs'

let nonce = 0
async function membership(relay, key, method, path) {
  const url = relay.http + path + '?n=' + ++nonce
  const response = await fetch(url, { method, headers: { Authorization: await getToken(url, method, e => finalizeEvent(e, key.secret), true) } })
  return response.status
}

// The first event of `key` the relay accepts within a bounded number of tries: a membership change reaches
// the trust graph on its own thread, so whom a new member follows may take a moment.
async function acceptedSoon(client, key, label) {
  for (let i = 0; i < 50; i++) {
    const ok = await client.publish(sign(key, { content: `${label} ${i}` }))
    if (ok[2]) return true
    await new Promise(r => setTimeout(r, 100))
  }
  return false
}

test('web of trust seeded by the admins and, live, by members who join and leave through the API', async (t) => {
  const admin = newKey()
  const relay = await startRelay({ config: `[api]\nadmins = ["${admin.pubkey}"]\n[policy.trust]\ndistance = 1\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const carol = newKey()
  const friend = newKey()
  // The admin is a member from the start.
  assert.equal((await client.publish(sign(admin, { content: 'admin' })))[2], true)
  // Carol is nobody yet; her follow list is refused, but it is stored when she follows later.
  assert.match((await client.publish(sign(carol, { content: 'before' })))[3], /^restricted:/)
  assert.match((await client.publish(sign(friend, { content: 'before' })))[3], /^restricted:/)

  assert.ok([200, 201].includes(await membership(relay, carol, 'POST', '/api/v1/members')))
  // No SIGHUP: her very next note is accepted (a new member is a seed at once).
  const next = sign(carol, { content: 'after joining' })
  assert.deepEqual(await client.publish(next), ['OK', next.id, true, ''])
  assert.equal((await client.publish(sign(carol, { kind: 3, tags: [['p', friend.pubkey]] })))[2], true)
  assert.ok(await acceptedSoon(client, friend, 'friend'), "a member's follow was not trusted")

  // She leaves: neither she nor whom she follows is trusted any longer.
  assert.equal(await membership(relay, carol, 'DELETE', '/api/v1/members/me'), 204)
  let refusedAgain = false
  for (let i = 0; i < 50 && !refusedAgain; i++) {
    const carolNote = await client.publish(sign(carol, { content: `gone ${i}` }))
    const friendNote = await client.publish(sign(friend, { content: `gone ${i}` }))
    refusedAgain = /^restricted:/.test(carolNote[3]) && /^restricted:/.test(friendNote[3])
    if (!refusedAgain) await new Promise(r => setTimeout(r, 100))
  }
  assert.ok(refusedAgain, 'a member who left was still trusted')
})

test("a member who joins brings in the follows they published before joining", async (t) => {
  const admin = newKey()
  const relay = await startRelay({
    config: `[api]\nadmins = ["${admin.pubkey}"]\n[policy.trust]\ndistance = 1\nkinds = [1]\n`,
  })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const dave = newKey(), erin = newKey()
  // Kind 3 is outside the trust rule here: Dave's follow list is stored while he is nobody.
  assert.equal((await client.publish(sign(dave, { kind: 3, tags: [['p', erin.pubkey]] })))[2], true)
  assert.match((await client.publish(sign(erin, { content: 'before' })))[3], /^restricted:/)
  assert.ok([200, 201].includes(await membership(relay, dave, 'POST', '/api/v1/members')))
  assert.ok(await acceptedSoon(client, erin, 'erin'), 'the follow list stored before joining was not used')
})
