import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'
const hexToBytes = h => Uint8Array.from(h.match(/../g).map(b => parseInt(b, 16)))
const sk = hexToBytes('0000000000000000000000000000000000000000000000000000000000000003')
let ctrl = ''; for (let i = 0; i < 0x20; i++) ctrl += String.fromCharCode(i)
const cases = [
  ['plain', 'hello world', []],
  ['quote-backslash-newline', 'line1\nline2 "quoted" back\\slash', [['t', 'a"b\\c\nd']]],
  ['all-control-characters', ctrl, [['x', ctrl]]],
  ['del', 'a\u007fb', []],
  ['u2028-u2029', 'a\u2028b\u2029c', []],
  ['emoji', '😀 nostr 🤙 ⚡️ zap', [['emoji', '🤙']]],
  ['empty-strings-in-tags', '', [['e', ''], [''], ['p', '', '']]],
  ['long-content', 'x'.repeat(100000), []],
  ['slash-not-escaped', 'a/b</script>', []],
  ['many-tags', 'tags', Array.from({length: 50}, (_, i) => ['t', 'tag' + i])],
]
for (const [name, content, tags] of cases) {
  const e = finalizeEvent({ kind: 1, created_at: 1700000000, tags, content }, sk)
  console.log(JSON.stringify({ name, event: e }))
}
