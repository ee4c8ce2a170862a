// Starts a real `pleb serve` on an ephemeral loopback port with a fresh data folder, and gives tests a
// small WebSocket client that waits for the relay's messages.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'

export const PLEB = process.env.PLEB_BIN ?? new URL('../../build/test/pleb', import.meta.url).pathname

export async function startRelay({ config = '', dataDir } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'pleb-relay-'))
  const args = ['serve', '--listen', '127.0.0.1:0', '--data', dir]
  if (config) {
    const file = join(dir, 'pleb.toml')
    writeFileSync(file, config)
    args.push('--config', file)
  }
  const child = spawn(PLEB, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay did not start: ' + log)), 20000)
    child.stderr.on('data', chunk => {
      log += chunk
      const m = log.match(/listening on ws:\/\/[^:]+:(\d+)/)
      if (m) { clearTimeout(timer); resolve(Number(m[1])) }
    })
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`relay exited with ${code}: ${log}`)) })
  })
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  return {
    port, dir, child,
    url: `ws://127.0.0.1:${port}`,
    http: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const result = await exited
      if (!keepData && !dataDir) rmSync(dir, { recursive: true, force: true })
      return result
    },
    async kill9() {
      child.kill('SIGKILL')
      return exited
    },
  }
}

// A client that queues every message the relay sends and lets a test wait for the next matching one.
export class Client {
  static async connect(url, options = {}) {
    const client = new Client(new WebSocket(url, options))
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve)
      client.ws.once('error', reject)
    })
    return client
  }

  constructor(ws) {
    this.ws = ws
    this.queue = []
    this.waiters = []
    this.closed = new Promise(resolve => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })))
    ws.on('message', (data, isBinary) => {
      const message = JSON.parse(data.toString())
      const waiter = this.waiters.findIndex(w => w.match(message))
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(message)
      else this.queue.push(message)
    })
  }

  send(message) { this.ws.send(typeof message === 'string' ? message : JSON.stringify(message)) }

  next(match = () => true, timeoutMs = 5000) {
    const index = this.queue.findIndex(match)
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0])
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: m => { clearTimeout(timer); resolve(m) } }
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(new Error('timed out waiting; queued: ' + JSON.stringify(this.queue).slice(0, 500)))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  nextOf(verb, id, timeoutMs) { return this.next(m => m[0] === verb && (id === undefined || m[1] === id), timeoutMs) }

  async publish(event) {
    this.send(['EVENT', event])
    return this.nextOf('OK', event.id)
  }

  // Sends a REQ and collects the stored events up to EOSE.
  async query(id, ...filters) {
    this.send(['REQ', id, ...filters])
    const events = []
    for (;;) {
      const m = await this.next(m => (m[0] === 'EVENT' || m[0] === 'EOSE' || m[0] === 'CLOSED') && m[1] === id)
      if (m[0] === 'EVENT') events.push(m[2])
      else if (m[0] === 'EOSE') return events
      else throw new Error('subscription closed: ' + m[2])
    }
  }

  // Resolves to messages received within `ms` that match; for checking that nothing arrives.
  async quiet(match, ms = 300) {
    await new Promise(r => setTimeout(r, ms))
    return this.queue.filter(match)
  }

  close() { this.ws.close() }
}

export function newKey() {
  const secret = generateSecretKey()
  return { secret, pubkey: getPublicKey(secret) }
}

export function sign(key, { kind = 1, content = '', tags = [], created_at = now() } = {}) {
  // A plain copy: nostr-tools marks its events with a symbol that a relay round trip cannot carry.
  return JSON.parse(JSON.stringify(finalizeEvent({ kind, content, tags, created_at }, key.secret)))
}

export function now() { return Math.floor(Date.now() / 1000) }
