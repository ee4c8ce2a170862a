// kill -9 during a sustained ingest: after a restart every event that got OK true is there.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRelay, Client, newKey, sign } from './harness.mjs'

// With the default id index, and with runs of 16 ids, so that the kill lands among seals and merges.
for (const [name, config] of [['default store', ''], ['id index in runs of 16', '[storage]\nid_run_entries = 16\n']]) {
  test(`every acknowledged event survives kill -9 (${name})`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pleb-crash-'))
    try {
      const relay = await startRelay({ dataDir, config })
      const acknowledged = new Set()
      const writers = []
      for (let w = 0; w < 4; w++) {
        const c = await Client.connect(relay.url)
        c.ws.on('error', () => {})
        const key = newKey()
        const events = Array.from({ length: 2000 }, (_, i) => sign(key, { content: `w${w} n${i}`, created_at: 1700000000 + i }))
        c.ws.on('message', data => {
          const m = JSON.parse(data.toString())
          if (m[0] === 'OK' && m[2] === true) acknowledged.add(m[1])
        })
        writers.push({ c, events })
      }
      // Keep a bounded window of events in flight on each connection until the kill.
      let killed = false
      const pumps = writers.map(async ({ c, events }) => {
        for (let i = 0; i < events.length && !killed; i++) {
          if (c.ws.readyState !== 1) break
          c.send(['EVENT', events[i]])
          if (i % 50 === 49) await new Promise(r => setTimeout(r, 5))
        }
      })
      await new Promise(r => setTimeout(r, 1000))
      const exit = await relay.kill9()
      killed = true
      await Promise.all(pumps)
      assert.equal(exit.signal, 'SIGKILL')
      assert.ok(acknowledged.size > 100, `only ${acknowledged.size} events were acknowledged before the kill`)

      const again = await startRelay({ dataDir, config })
      const c = await Client.connect(again.url)
      const ids = [...acknowledged]
      let found = 0
      for (let i = 0; i < ids.length; i += 1000) {
        found += (await c.query(`chunk${i}`, { ids: ids.slice(i, i + 1000), limit: 1000 })).length
      }
      assert.equal(found, ids.length, `${ids.length - found} acknowledged events were lost`)
      c.close()
      await again.stop()
      console.log(`acknowledged before kill -9: ${ids.length}, all found after restart`)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
}
