#!/usr/bin/env node
// A write-policy plugin that exits when an event's content contains the first argument, and accepts
// everything else; each start is announced on stderr, so a test can count restarts in the relay's log.
import { createInterface } from 'node:readline'

const trigger = process.argv[2] ?? 'crash'
process.stderr.write('crash_on plugin started\n')
createInterface({ input: process.stdin, terminal: false }).on('line', line => {
  const request = JSON.parse(line)
  if (request.event.content.includes(trigger)) process.exit(7)
  process.stdout.write(JSON.stringify({ id: request.event.id, action: 'accept' }) + '\n')
})
