// The write policy's members come from the user service too: who joined through the API is trusted (and
// their follows) once the policy is reloaded, as the configured admins are from the start.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { startRelay, Client, newKey, sign } from './harness.mjs'

async function join(relay, key) {
  const url = relay.http + '/api/v1/members'
  const response = await fetch(url, { method: 'POST', headers: { Authorization: await getToken(url, 'POST', e => finalizeEvent(e, key.secret), true) } })
  assert.ok([200, 201].includes(response.status), await response.text())
}

test('web of trust seeded by the admins and by members who joined through the API', async (t) => {
  const admin = newKey()
  const relay = await startRelay({ config: `[api]\nadmins = ["${admin.pubkey}"]\n[policy.trust]\ndistance = 1\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const carol = newKey()
  const friend = newKey()
  // The admin is a member from the start.
  assert.equal((await client.publish(sign(admin, { content: 'admin' })))[2], true)
  // Carol is nobody yet.
  assert.match((await client.publish(sign(carol, { content: 'before' })))[3], /^restricted:/)
  await join(relay, carol)
  relay.child.kill('SIGHUP')
  // After the reload Carol is a seed, and whom she follows is within distance 1.
  let accepted = false
  for (let i = 0; i < 50 && !accepted; i++) {
    accepted = (await client.publish(sign(carol, { content: `after ${i}` })))[2]
    if (!accepted) await new Promise(r => setTimeout(r, 100))
  }
  assert.ok(accepted, 'a member who joined was not trusted after the reload')
  assert.equal((await client.publish(sign(carol, { kind: 3, tags: [['p', friend.pubkey]] })))[2], true)
  let friendAccepted = false
  for (let i = 0; i < 50 && !friendAccepted; i++) {
    friendAccepted = (await client.publish(sign(friend, { content: `friend ${i}` })))[2]
    if (!friendAccepted) await new Promise(r => setTimeout(r, 100))
  }
  assert.ok(friendAccepted, "a member's follow was not trusted")
})
