// The plugin stage over real WebSockets: real strfry-protocol plugins (tests/relay/plugins) that
// reject by pattern, never answer, or crash; the relay answers every event and never stops serving.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRelay, Client, newKey, sign } from './harness.mjs'

const plugins = new URL('./plugins/', import.meta.url).pathname
const pluginConfig = (command, extra = '') =>
  `[policy.plugin]\ncommand = ${JSON.stringify(command)}\n${extra}`

async function withRelay(config, body) {
  const relay = await startRelay({ config })
  try {
    await body(relay)
  } finally {
    await relay.stop()
  }
}

async function waitForLog(relay, pattern) {
  for (let i = 0; i < 200; i++) {
    if (pattern.test(relay.log())) return
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error('log never matched ' + pattern + ': ' + relay.log())
}

test('a plugin rejects by pattern; its verdicts reach the client and the store', async () => {
  await withRelay(pluginConfig([plugins + 'reject_pattern.mjs', 'buy now']), async relay => {
    const c = await Client.connect(relay.url)
    const key = newKey()
    const fine = sign(key, { content: 'hello friends' })
    assert.deepEqual(await c.publish(fine), ['OK', fine.id, true, ''])
    const spam = sign(key, { content: 'BUY NOW: cheap sats' })
    assert.deepEqual(await c.publish(spam), ['OK', spam.id, false, 'blocked: content matches buy now (from IP4 127.0.0.1)'])
    assert.deepEqual((await c.query('q', { ids: [fine.id, spam.id] })).map(e => e.id), [fine.id])

    // Many events in flight at once: each gets its own answer.
    const events = Array.from({ length: 60 }, (_, i) => sign(key, { content: i % 3 ? `note ${i}` : `buy now ${i}` }))
    for (const e of events) c.send(['EVENT', e])
    for (const [i, e] of events.entries()) {
      const ok = await c.nextOf('OK', e.id)
      assert.equal(ok[2], i % 3 !== 0, `event ${i}: ${ok[3]}`)
    }
    c.close()
  })
})

test('a stuck plugin: error: within the timeout, and the relay keeps serving meanwhile', async () => {
  await withRelay(pluginConfig([plugins + 'stuck.sh'], 'timeout_ms = 1500\n'), async relay => {
    const writer = await Client.connect(relay.url)
    const reader = await Client.connect(relay.url)
    const key = newKey()
    const e = sign(key, { content: 'anyone there?' })
    const started = Date.now()
    writer.send(['EVENT', e])
    // While the plugin holds the event, both this connection and another one are served.
    assert.deepEqual(await writer.query('mine', { kinds: [1] }), [])
    assert.deepEqual(await reader.query('other', { kinds: [1] }), [])
    assert.deepEqual(await writer.quiet(m => m[0] === 'OK', 0), [], 'the OK is still pending while queries are answered')
    const ok = await writer.nextOf('OK', e.id, 10000)
    assert.deepEqual(ok, ['OK', e.id, false, "error: the relay's write-policy plugin did not answer in time"])
    assert.ok(Date.now() - started >= 1400, 'not before the timeout')
    await waitForLog(relay, /did not answer within 1500 ms .*restarting/)
    // Events from another connection get the same bounded answer from the replacement.
    const second = sign(key, { content: 'still there?' })
    assert.match((await reader.publish(second))[3], /^error: /)
    writer.close(); reader.close()
  })
})

test('a plugin that exits is restarted; the event it died on gets error:, the next ones are decided', async () => {
  await withRelay(pluginConfig([plugins + 'crash_on.mjs', 'poison']), async relay => {
    const c = await Client.connect(relay.url)
    const key = newKey()
    const before = sign(key, { content: 'before' })
    assert.equal((await c.publish(before))[2], true)
    const poison = sign(key, { content: 'poison pill' })
    assert.deepEqual(await c.publish(poison), ['OK', poison.id, false, "error: the relay's write-policy plugin failed"])
    const after = sign(key, { content: 'after' })
    assert.deepEqual(await c.publish(after), ['OK', after.id, true, ''])
    assert.equal(relay.log().match(/crash_on plugin started/g).length, 2)
    assert.match(relay.log(), /exited \(exited with status 7\); restarting in 0 ms/)
    c.close()
  })
})

test('SIGHUP starts the plugin of the new configuration and ends the old one', async () => {
  const relay = await startRelay({ config: pluginConfig([plugins + 'reject_pattern.mjs', 'apples']) })
  try {
    const c = await Client.connect(relay.url)
    const key = newKey()
    assert.equal((await c.publish(sign(key, { content: 'apples' })))[2], false)
    writeFileSync(join(relay.dir, 'pleb.toml'), pluginConfig([plugins + 'reject_pattern.mjs', 'pears']))
    relay.child.kill('SIGHUP')
    await waitForLog(relay, /write policy reloaded/)
    assert.equal((await c.publish(sign(key, { content: 'apples' })))[2], true)
    assert.match((await c.publish(sign(key, { content: 'pears' })))[3], /^blocked: content matches pears/)
    await waitForLog(relay, /policy decisions: .*plugin\/reject\/plugin=1/)  // the old pipeline's counts
    c.close()
  } finally {
    await relay.stop()
  }
})

test('bad [policy.plugin] settings are refused at start', async () => {
  await assert.rejects(startRelay({ config: '[policy.plugin]\ncommand = []\n' }),
    /\[policy.plugin\] command must be a program path or a list of the program and its arguments/)
  await assert.rejects(startRelay({ config: pluginConfig(['x'], 'timeout_ms = 0\n') }),
    /\[policy.plugin\] timeout_ms must be a number from 1 to 600000/)
})
