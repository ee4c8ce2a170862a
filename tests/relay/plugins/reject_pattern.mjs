#!/usr/bin/env node
// A write-policy plugin in the strfry protocol: rejects events whose content matches the regular
// expression given as the first argument, accepts the rest. Answers strictly in order, one line each.
import { createInterface } from 'node:readline'

const pattern = new RegExp(process.argv[2] ?? 'spam', 'i')
const lines = createInterface({ input: process.stdin, terminal: false })
lines.on('line', line => {
  const request = JSON.parse(line)
  if (request.type !== 'new') return
  const answer = { id: request.event.id, action: 'accept' }
  if (pattern.test(request.event.content)) {
    answer.action = 'reject'
    answer.msg = `blocked: content matches ${pattern.source} (from ${request.sourceType} ${request.sourceInfo})`
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
