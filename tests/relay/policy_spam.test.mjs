// The spam scenario: 1,000 near-identical notes from 200 fresh keys against a community relay, while
// the members keep posting. Over real WebSockets; the relay's own decision counts (logged when it
// stops) must agree with what the clients were told.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startRelay, Client, newKey, sign } from './harness.mjs'

const SPAMMERS = 200
const NOTES = 1000

// Near-identical: the same sentence with a different referral code and number in each note.
function spamNote(i) {
  const code = ((i * 2654435761) >>> 0).toString(36)
  return `Claim your FREE bitcoin airdrop now at https://airdrop.example/claim?ref=${code} before the offer ends, only ${1000 - i} spots left for nostr users`
}

// Sends everything at once on one connection (answers keep the order) and tallies the answers.
async function publishAll(client, events) {
  for (const e of events) client.send(['EVENT', e])
  const answers = []
  for (const e of events) answers.push(await client.nextOf('OK', e.id, 60000))
  return answers
}

function loggedCounts(log) {
  const line = log.split('\n').find(l => l.startsWith('pleb: policy decisions:'))
  assert.ok(line, 'the relay logs its decision counts when it stops: ' + log.slice(-500))
  return Object.fromEntries(line.slice('pleb: policy decisions:'.length).trim().split(' ').map(kv => {
    const [key, value] = kv.split('=')
    return [key, Number(value)]
  }))
}

function scenario(members) {
  const spammers = Array.from({ length: SPAMMERS }, newKey)
  const events = []
  const memberIds = new Set()
  for (let i = 0; i < NOTES; i++) {
    events.push(sign(spammers[i % SPAMMERS], { content: spamNote(i) }))
    if (i % 100 === 50) {
      const member = members[(i / 100) % members.length | 0]
      const own = sign(member, { content: `member update number ${i}: the meetup moved to the library, bring snacks` })
      const copy = sign(member, { content: spamNote(i) + ' (beware, this is a scam)' })
      events.push(own, copy)
      memberIds.add(own.id).add(copy.id)
    }
  }
  return { events, memberIds }
}

test('open relay: similarity spam from 200 fresh keys is refused, members pass', async () => {
  const members = [newKey(), newKey(), newKey()]
  const relay = await startRelay({
    config: `[policy]
members = ${JSON.stringify(members.map(m => m.pubkey))}
log_per_minute = 3

[policy.duplicates]
max_authors = 3
similarity = 0.6
window_seconds = 600
`,
  })
  let answers, memberIds, events
  try {
    ;({ events, memberIds } = scenario(members))
    const c = await Client.connect(relay.url)
    answers = await publishAll(c, events)
    const reader = await Client.connect(relay.url)
    const stored = await reader.query('all', { kinds: [1], limit: 5000 })
    const accepted = answers.filter(a => a[2]).map(a => a[1])
    assert.deepEqual(new Set(stored.map(e => e.id)), new Set(accepted), 'exactly the accepted notes are stored')
    c.close(); reader.close()
  } finally {
    await relay.stop()
  }
  const memberAnswers = answers.filter(a => memberIds.has(a[1]))
  assert.equal(memberAnswers.length, 20)
  assert.ok(memberAnswers.every(a => a[2] === true), 'every member note passes')
  const spamAnswers = answers.filter(a => !memberIds.has(a[1]))
  const refused = spamAnswers.filter(a => !a[2])
  assert.equal(spamAnswers.length, NOTES)
  assert.ok(refused.every(a => a[3] === 'blocked: the same text was posted by at least 3 other authors recently'))
  // The first note of each of the first three spammers got in; once a fourth author posted the text,
  // everyone posting it was refused, the first three included.
  assert.equal(refused.length, NOTES - 3, `refused ${refused.length}`)
  const counts = loggedCounts(relay.log())
  assert.equal((counts['duplicates/reject/duplicate'] ?? 0) + (counts['duplicates/reject/similar'] ?? 0), refused.length)
  assert.equal(counts['pipeline/accept'], answers.length - refused.length)
  assert.match(relay.log(), /more in the last minute were not logged|policy duplicates\/reject/)
})

test('community relay: a web of trust refuses all 1,000 spam notes with restricted:, members and friends pass', async () => {
  const members = [newKey(), newKey()]
  const friend = newKey()
  const relay = await startRelay({
    config: `[policy]
members = ${JSON.stringify(members.map(m => m.pubkey))}

[policy.trust]
distance = 1
`,
  })
  let answers, memberIds
  try {
    const c = await Client.connect(relay.url)
    assert.equal((await c.publish(sign(members[0], { kind: 3, tags: [['p', friend.pubkey]] })))[2], true)
    let friendNote
    for (let attempt = 0; attempt < 100; attempt++) {  // the graph is rebuilt on its own thread
      friendNote = await c.publish(sign(friend, { content: `hello from a friend ${attempt}` }))
      if (friendNote[2]) break
      await new Promise(r => setTimeout(r, 50))
    }
    assert.equal(friendNote[2], true)
    let events
    ;({ events, memberIds } = scenario(members))
    answers = await publishAll(c, events)
    c.close()
  } finally {
    await relay.stop()
  }
  const spamAnswers = answers.filter(a => !memberIds.has(a[1]))
  assert.equal(spamAnswers.length, NOTES)
  assert.ok(spamAnswers.every(a => a[2] === false &&
    a[3] === 'restricted: this relay accepts events only from its members and the people they follow'))
  assert.ok(answers.filter(a => memberIds.has(a[1])).every(a => a[2] === true))
  const counts = loggedCounts(relay.log())
  assert.ok(counts['trust/reject/untrusted'] >= NOTES)
  assert.equal(counts['pipeline/accept'], 1 + 1 + memberIds.size, 'follow list, friend note, member notes')
})
