// NIP-98 as a JavaScript client does it: nostr-tools signs requests with its own helper, and the API
// gateway (tests/api/api_test_server: the router with the test routes) accepts them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { getToken } from 'nostr-tools/nip98'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'

const SERVER = process.env.API_TEST_SERVER ?? new URL('../../build/t/api_test_server', import.meta.url).pathname

let child, base, exited
before(async () => {
  child = spawn(SERVER, [], { stdio: ['ignore', 'pipe', 'inherit'] })
  exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('api_test_server printed no port')), 20000)
    createInterface({ input: child.stdout }).once('line', line => { clearTimeout(timer); resolve(Number(line)) })
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`api_test_server exited with ${code}`)) })
  })
  base = `http://127.0.0.1:${port}`
})
after(async () => {
  child.kill('SIGTERM')
  assert.deepEqual(await exited, { code: 0, signal: null })
})

const secretKey = generateSecretKey()
const pubkey = getPublicKey(secretKey)
const sign = event => finalizeEvent(event, secretKey)

async function problem(response) {
  assert.equal(response.headers.get('content-type'), 'application/problem+json')
  return (await response.json()).detail
}

test('a GET signed by nostr-tools is accepted as its signer', async () => {
  const url = `${base}/api/v1/test/whoami?from=nostr-tools`
  const response = await fetch(url, { headers: { Authorization: await getToken(url, 'GET', sign, true) } })
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { pubkey, role: 'member', member: false, credential: 'nip98' })
})

test('a lowercase method, as in nostr-tools examples, is accepted', async () => {
  const url = `${base}/api/v1/test/whoami`
  const response = await fetch(url, { headers: { Authorization: await getToken(url, 'get', sign, true) } })
  assert.equal(response.status, 200)
})

test('a POST whose payload nostr-tools hashed is accepted, and a changed body is not', async () => {
  const url = `${base}/api/v1/test/echo`
  const payload = { content: 'hello', tags: [['t', 'pleb']] }
  const headers = { 'Content-Type': 'application/json', Authorization: await getToken(url, 'POST', sign, true, payload) }
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(payload) })
  assert.equal(response.status, 201)
  assert.deepEqual(await response.json(), payload)

  const tampered = await fetch(url, {
    method: 'POST',
    headers: { ...headers, Authorization: await getToken(url, 'POST', sign, true, { content: 'other' }) },
    body: JSON.stringify(payload),
  })
  assert.equal(tampered.status, 401)
  assert.equal(await problem(tampered), 'authorization payload tag is not the SHA-256 of the body')
})

test('the same token twice is a replay', async () => {
  const url = `${base}/api/v1/test/items/1`
  const token = await getToken(url, 'GET', sign, true)
  assert.equal((await fetch(url, { headers: { Authorization: token } })).status, 200)
  const replay = await fetch(url, { headers: { Authorization: token } })
  assert.equal(replay.status, 401)
  assert.equal(replay.headers.get('www-authenticate'), 'Nostr')
  assert.equal(await problem(replay), 'authorization event was already used')
})

test('a token for another URL is refused with the URL to sign', async () => {
  const url = `${base}/api/v1/test/whoami`
  const token = await getToken(`${base}/api/v1/test/other`, 'GET', sign, true)
  const response = await fetch(url, { headers: { Authorization: token } })
  assert.equal(response.status, 401)
  assert.equal(await problem(response), `authorization u tag does not match the request URL ${url}`)
})

test('a session opened with a nostr-tools token authenticates as Bearer', async () => {
  const sessionUrl = `${base}/api/v1/auth/session`
  const opened = await fetch(sessionUrl, {
    method: 'POST',
    headers: { Authorization: await getToken(sessionUrl, 'POST', sign, true) },
  })
  assert.equal(opened.status, 201)
  const session = await opened.json()
  assert.equal(session.token_type, 'Bearer')
  assert.equal(session.pubkey, pubkey)
  const whoami = await fetch(`${base}/api/v1/test/whoami`, { headers: { Authorization: `Bearer ${session.token}` } })
  assert.equal(whoami.status, 200)
  assert.equal((await whoami.json()).credential, 'session')
})
