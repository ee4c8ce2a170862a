// [policy] nip05_required: only authors holding a NIP-05 name on this relay (claimed through the API),
// and the configured members, may publish.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent } from 'nostr-tools/pure'
import { spawnSync } from 'node:child_process'
import { PLEB, startRelay, Client, newKey, sign } from './harness.mjs'

async function call(relay, key, method, path, body) {
  const url = relay.http + path
  const headers = { Authorization: await getToken(url, method, e => finalizeEvent(e, key.secret), true, body) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

test('authors without a NIP-05 name here are refused; claiming one lets them in', async (t) => {
  const member = newKey()
  const relay = await startRelay({ config: `[policy]\nnip05_required = true\nmembers = ["${member.pubkey}"]\n` })
  t.after(() => relay.stop())
  const client = await Client.connect(relay.url)
  t.after(() => client.close())
  const alice = newKey()
  const refused = await client.publish(sign(alice, { content: 'no name yet' }))
  assert.deepEqual(refused.slice(2), [false, 'restricted: only authors with a NIP-05 name on this relay may publish here'])
  // Members need no name.
  assert.equal((await client.publish(sign(member, { content: 'member' })))[2], true)

  assert.ok([200, 201].includes((await call(relay, alice, 'POST', '/api/v1/members')).status))
  assert.equal((await call(relay, alice, 'POST', '/api/v1/nip05', { name: 'alice' })).status, 201)
  assert.equal((await client.publish(sign(alice, { content: 'now named' })))[2], true)
  // Claiming a name needs membership, and members are exempt at once: after releasing the name she is
  // still let in; leaving the community closes the door again.
  assert.equal((await call(relay, alice, 'DELETE', '/api/v1/nip05')).status, 204)
  assert.equal((await client.publish(sign(alice, { content: 'released, still a member' })))[2], true)
  assert.equal((await call(relay, alice, 'DELETE', '/api/v1/members/me')).status, 204)
  assert.match((await client.publish(sign(alice, { content: 'gone' })))[3], /^restricted:/)

  const metrics = await (await fetch(relay.http + '/metrics')).text()
  assert.match(metrics, /pleb_policy_decisions_total\{stage="nip05",verdict="reject",reason="no-name"\} 2/)
})
