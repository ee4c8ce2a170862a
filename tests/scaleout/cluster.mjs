// Starts the scaled-out processes (`pleb processor`, `pleb relay`) against the PostgreSQL, NATS and
// Redis servers that tests/servers/run-with started (DATABASE_URL, NATS_URL, REDIS_URL), each on an
// ephemeral loopback port, and stops them.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import assert from 'node:assert/strict'
import { Client, PLEB, newKey, sign } from '../relay/harness.mjs'

function engines() {
  for (const name of ['DATABASE_URL', 'NATS_URL']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run this test under tests/servers/run-with`)
  }
  return ['--store', process.env.DATABASE_URL, '--bus', process.env.NATS_URL]
}

// Spawns `pleb <args>` and waits for the line that tells its port.
export async function startProcess(args, pattern) {
  const child = spawn(PLEB, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pleb ${args[0]} did not start: ${log}`)), 30000)
    child.stderr.on('data', chunk => {
      log += chunk
      const m = log.match(pattern)
      if (m) { clearTimeout(timer); resolve(Number(m[1])) }
    })
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`pleb ${args[0]} exited with ${code}: ${log}`)) })
  })
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  return {
    port, child,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      return exited
    },
  }
}

export async function startProcessor(extra = []) {
  const p = await startProcess(['processor', '--listen', '127.0.0.1:0', ...engines(), ...extra],
    /processor listening on http:\/\/[^:]+:(\d+)/)
  p.http = `http://127.0.0.1:${p.port}`
  return p
}

export async function startScaledRelay(extra = []) {
  const r = await startProcess(['relay', '--listen', '127.0.0.1:0', ...engines(), ...extra],
    /listening on ws:\/\/[^:]+:(\d+)/)
  r.url = `ws://127.0.0.1:${r.port}`
  r.http = `http://127.0.0.1:${r.port}`
  return r
}

export async function startApi(extra = []) {
  if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set: run this test under tests/servers/run-with --redis')
  const a = await startProcess(['api', '--listen', '127.0.0.1:0', ...engines(), '--cache', process.env.REDIS_URL, ...extra],
    /api listening on http:\/\/[^:]+:(\d+)/)
  a.http = `http://127.0.0.1:${a.port}`
  return a
}

// A pleb.toml in a temporary folder, for --config.
export function configFile(text) {
  const dir = mkdtempSync(join(tmpdir(), 'pleb-config-'))
  const file = join(dir, 'pleb.toml')
  writeFileSync(file, text)
  return file
}

// ---- For the fault tests ----

const run = promisify(execFile)
const serversScript = new URL('../servers/servers.sh', import.meta.url).pathname

// Runs one function of tests/servers/servers.sh (stop_nats, restart_postgres, …) on the servers that
// run-with started; asynchronous, so the test's clients keep going meanwhile.
export async function servers(command) {
  await run('bash', ['-c', `source '${serversScript}' && ${command}`], { timeout: 60000 })
}

// Runs SQL on DATABASE_URL and returns the rows, each an array of column texts.
export async function sql(statement) {
  const { stdout } = await run('psql', [process.env.DATABASE_URL, '-XtA', '-F', '\t', '-c', statement],
    { maxBuffer: 64 << 20, timeout: 30000 })
  return stdout.split('\n').filter(line => line !== '').map(line => line.split('\t'))
}

// How many times each event of `pubkey` is stored: Map(event id → rows in `events`), and the ids that
// `event_ids` holds more than once (it cannot, being keyed by id; counted to be sure).
export async function storedCopies(pubkey) {
  const rows = await sql(`select encode(event_id, 'hex'), count(*) from events
                          where pubkey = decode('${pubkey}', 'hex') group by event_id`)
  const copies = new Map(rows.map(([id, n]) => [id, Number(n)]))
  const doubled = await sql(`select encode(i.event_id, 'hex') from event_ids i
                             join events e using (event_id) where e.pubkey = decode('${pubkey}', 'hex')
                             group by i.event_id having count(*) > 1`)
  return { copies, idsTwice: doubled.map(([id]) => id) }
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// Polls `probe` (async, returns a truthy value when done) every `everyMs` until it succeeds or
// `withinMs` passes; returns its value, or undefined.
export async function eventually(probe, withinMs, everyMs = 200) {
  const deadline = Date.now() + withinMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() >= deadline) return undefined
    await sleep(everyMs)
  }
}

// Publishes `total` events by `key` through `client`, `inFlight` at a time and at most `perSecond`,
// and records each one's OK message (null if none came within `answerMs`) with when it was sent and
// answered. `progress.sent` and `progress.answered` let the test time its fault.
export function publishSteadily(client, key, { total, inFlight = 16, perSecond = 300, answerMs = 15000 }) {
  const records = []
  const progress = { sent: 0, answered: 0 }
  const start = Date.now()
  let next = 0
  const worker = async () => {
    while (next < total) {
      const i = next++
      const due = start + (i * 1000) / perSecond
      if (due > Date.now()) await sleep(due - Date.now())
      const event = sign(key, { content: `steady ${i} ${Math.random()}` })
      const record = { event, ok: null, sentAt: Date.now(), answeredAt: null }
      records.push(record)
      progress.sent++
      client.send(['EVENT', event])
      try {
        record.ok = await client.nextOf('OK', event.id, answerMs)
        record.answeredAt = Date.now()
      } catch { /* left null: no answer within answerMs */ }
      progress.answered++
    }
  }
  const done = Promise.all(Array.from({ length: inFlight }, worker)).then(() => records)
  return { progress, done }
}

// Sorts the records of publishSteadily: accepted, refused by the reason's prefix, unanswered.
export function tally(records) {
  const accepted = records.filter(r => r.ok && r.ok[2] === true)
  const refused = records.filter(r => r.ok && r.ok[2] === false)
  const byPrefix = {}
  for (const r of refused) {
    const prefix = /^([a-z-]+):/.exec(r.ok[3])?.[1] ?? '(none)'
    byPrefix[prefix] = (byPrefix[prefix] ?? 0) + 1
  }
  const unanswered = records.filter(r => !r.ok)
  return { accepted, refused, byPrefix, unanswered }
}

export const NIP01_PREFIXES = ['duplicate', 'pow', 'blocked', 'rate-limited', 'invalid', 'restricted',
  'auth-required', 'error']

// Sends `event` and waits up to `withinMs` for its OK (null if none came).
export async function publishWithin(client, event, withinMs) {
  client.send(['EVENT', event])
  try {
    return await client.nextOf('OK', event.id, withinMs)
  } catch {
    return null
  }
}

// The fault scenario shared by the sustained-publish tests: relays A and B and a processor; a client
// publishes `total` events steadily on A while a subscriber on B listens live; once half are sent,
// `fault(cluster)` runs (cluster.processor may be replaced by it). Then: every EVENT answered, each
// refusal with a NIP-01 prefix, every accepted event stored exactly once, every event the relay said
// "is stored and will still be handled" stored in the end, and a new event published on A is accepted,
// reaches B's subscriber live and is found by a query on B, without restarting anything but what the
// fault restarted. `processors` start in the queue group (cluster.processor and cluster.others); the
// fault may replace cluster.processor. `storedInTheEnd` lists more refusals (patterns) whose events must be stored in the
// end, because the processor left them on the bus. Returns the figures for the report.
export async function sustainedPublishFault(t, fault,
  { total = 2000, processorArgs = [], settleMs = 30000, storedInTheEnd = [], processors = 1 } = {}) {
  const cluster = { processor: await startProcessor(processorArgs), others: [] }
  while (cluster.others.length < processors - 1) cluster.others.push(await startProcessor(processorArgs))
  cluster.relayA = await startScaledRelay()
  cluster.relayB = await startScaledRelay()
  t.after(async () => {
    await cluster.relayA.stop()
    await cluster.relayB.stop()
    for (const p of [cluster.processor, ...cluster.others]) await p.stop()
  })
  const a = await Client.connect(cluster.relayA.url)
  const b = await Client.connect(cluster.relayB.url)
  t.after(() => { a.close(); b.close() })
  const author = newKey()

  const live = new Set()
  b.ws.on('message', data => {
    const m = JSON.parse(data.toString())
    if (m[0] === 'EVENT' && m[1] === 'live') live.add(m[2].id)
  })
  assert.deepEqual(await b.query('live', { authors: [author.pubkey] }), [])

  const publishing = publishSteadily(a, author, { total })
  assert.ok(await eventually(() => publishing.progress.sent >= total / 2, 60000, 10), 'half the events sent')
  const faultStarted = Date.now()
  await fault(cluster)
  const faultEnded = Date.now()
  const records = await publishing.done
  const { accepted, refused, byPrefix, unanswered } = tally(records)

  // Everything answered, and every refusal says why in NIP-01 terms.
  assert.equal(records.length, total)
  assert.deepEqual(unanswered.map(r => r.event.id), [], 'every EVENT gets an OK')
  for (const r of refused) {
    assert.ok(NIP01_PREFIXES.some(p => r.ok[3].startsWith(p + ': ')), `refusal without a NIP-01 prefix: ${r.ok[3]}`)
  }

  // The cluster recovers by itself: a new event on A is accepted, live on B, and stored for B.
  let probe = null
  const probes = new Set()  // a refused probe may still be stored later
  const probeOk = await eventually(async () => {
    probe = sign(author, { content: `after the fault ${Math.random()}` })
    probes.add(probe.id)
    const ok = await publishWithin(a, probe, 15000)
    return ok && ok[2] === true ? ok : null
  }, 30000, 250)
  assert.deepEqual(probeOk, ['OK', probe.id, true, ''])
  const delivered = await b.next(m => m[0] === 'EVENT' && m[1] === 'live' && m[2].id === probe.id, 10000)
  assert.deepEqual(delivered[2], probe)
  assert.deepEqual(await b.query('after', { ids: [probe.id] }), [probe])

  // What the relay said is stored on the bus ends up in the store (after a redelivery at the latest).
  const promised = refused.filter(r => r.ok[3].includes('the message is stored and will still be handled') ||
    storedInTheEnd.some(pattern => pattern.test(r.ok[3])))
  const settled = await eventually(async () => {
    const stored = await storedCopies(author.pubkey)
    return promised.every(r => stored.copies.has(r.event.id)) ? stored : null
  }, settleMs, 500)
  const stored = settled ?? await storedCopies(author.pubkey)
  assert.deepEqual(promised.filter(r => !stored.copies.has(r.event.id)).map(r => r.ok[3]), [],
    'events the relay said were stored on the bus are stored in the end')

  // Every accepted event stored exactly once; nothing stored twice; nothing stored that was not sent.
  assert.deepEqual(accepted.filter(r => stored.copies.get(r.event.id) !== 1).map(r => r.event.id), [],
    'every OK-true event stored exactly once')
  assert.deepEqual([...stored.copies].filter(([, n]) => n !== 1), [], 'no event stored twice')
  assert.deepEqual(stored.idsTwice, [])
  const sent = new Set(records.map(r => r.event.id))
  const strays = [...stored.copies.keys()].filter(id => !sent.has(id) && !probes.has(id))
  assert.deepEqual(strays, [], 'only sent events are stored')
  assert.equal(stored.copies.get(probe.id), 1)

  for (const p of [cluster.relayA, cluster.relayB, cluster.processor]) {
    assert.equal(p.child.exitCode, null, 'no process exited')
    assert.equal(p.child.signalCode, null, 'no process exited')
    assert.equal((await fetch(p.http + '/ready')).status, 200)
  }

  const storedOfSent = [...stored.copies.keys()].filter(id => sent.has(id)).length
  const refusedStored = refused.filter(r => stored.copies.has(r.event.id)).length
  const figures = {
    sent: total,
    okTrue: accepted.length,
    okFalseByPrefix: byPrefix,
    okFalseReasons: countBy(refused.map(r => r.ok[3].replace(/[0-9a-f]{64}/g, '…').replace(/\d+ ms/g, 'N ms'))),
    stored: storedOfSent,
    okFalseButStored: refusedStored,
    liveOnB: [...live].filter(id => sent.has(id)).length,
    faultMs: faultEnded - faultStarted,
    // How long after the fault ended (the server or processor back) the first EVENT was accepted.
    firstOkTrueAfterFaultMs: Math.min(...accepted.map(r => r.answeredAt).filter(at => at >= faultEnded)) - faultEnded,
    refusedAfterFault: refused.filter(r => r.answeredAt >= faultEnded).length,
    probesUntilAccepted: probes.size,
    slowestAnswerMs: Math.max(...records.map(r => r.answeredAt - r.sentAt)),
  }
  t.diagnostic(JSON.stringify(figures))
  return { figures, records, cluster }
}

function countBy(values) {
  const counts = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return counts
}
