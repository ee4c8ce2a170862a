// Starts the scaled-out processes (`pleb processor`, `pleb relay`) against the PostgreSQL, NATS and
// Redis servers that tests/servers/run-with started (DATABASE_URL, NATS_URL, REDIS_URL), each on an
// ephemeral loopback port, and stops them.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PLEB } from '../relay/harness.mjs'

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
