// The Kubernetes manifests in deploy/kubernetes against the binary they run: every command and flag is
// one `pleb` knows, the probes and ports are the ones it serves, the engines' variables are the ones it
// reads, and the configuration it mounts is one `pleb` accepts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { PLEB } from '../relay/harness.mjs'

const dir = new URL('../../deploy/kubernetes/', import.meta.url).pathname
const documents = readdirSync(dir).filter(f => f.endsWith('.yaml')).flatMap(file =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map(doc => {
    assert.deepEqual(doc.errors, [], `${file} does not parse`)
    return { file, value: doc.toJS() }
  }))
const deployments = documents.filter(d => d.value.kind === 'Deployment')
const help = command => execFileSync(PLEB, [command, '--help']).toString()

test('the manifests parse and run each scaled-out command', () => {
  const commands = deployments.map(d => d.value.spec.template.spec.containers[0].args[0]).sort()
  assert.deepEqual(commands, ['api', 'processor', 'relay'])
})

for (const { file, value } of deployments) {
  const container = value.spec.template.spec.containers[0]
  const [command, ...args] = container.args
  test(`${file}: ${command}'s flags, ports, probes and engines are the binary's`, () => {
    assert.match(container.command[0], /\/pleb$/)
    const text = help(command)
    for (const flag of args.filter(a => a.startsWith('--'))) assert.ok(text.includes(flag), `pleb ${command} has no ${flag}`)
    // The engines come from the environment: the help names the variables the Secret provides.
    for (const variable of ['DATABASE_URL', 'NATS_URL']) assert.ok(text.includes('$' + variable), `${command} does not read ${variable}`)
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'pleb-engines' } }])
    const listen = args[args.indexOf('--listen') + 1]
    const port = Number(listen.split(':').pop())
    assert.equal(container.ports[0].containerPort, port)
    assert.equal(container.livenessProbe.httpGet.path, '/health')
    assert.equal(container.readinessProbe.httpGet.path, '/ready')
    const annotations = value.spec.template.metadata.annotations
    if (annotations) assert.equal(Number(annotations['prometheus.io/port']), port)
  })
}

test('the mounted pleb.toml is one the binary accepts', async () => {
  const config = documents.find(d => d.value.kind === 'ConfigMap' && d.value.metadata.name === 'pleb-config')
  assert.ok(config, 'no pleb-config ConfigMap')
  const work = mkdtempSync(join(tmpdir(), 'pleb-deploy-'))
  try {
    writeFileSync(join(work, 'pleb.toml'), config.value.data['pleb.toml'])
    // `pleb serve` reads the same file format; it starts only if every key is valid.
    const child = spawn(PLEB, ['serve', '--listen', '127.0.0.1:0', '--data', join(work, 'data'), '--config', join(work, 'pleb.toml')],
      { stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    const started = await new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), 20000)
      child.stderr.on('data', chunk => {
        log += chunk
        if (/listening on ws:/.test(log)) { clearTimeout(timer); resolve(true) }
      })
      child.on('exit', () => { clearTimeout(timer); resolve(false) })
    })
    child.kill('SIGTERM')
    assert.ok(started, `pleb refused the ConfigMap's pleb.toml: ${log}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})
