// /metrics over HTTP: the Prometheus exposition counts what the relay did, by outcome and reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { startRelay, Client } from './harness.mjs';

function sample(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(name + labels + ' '));
  assert.ok(line, `no sample ${name}${labels} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('metrics count stored, duplicate and invalid events, connections and the duration histogram', async (t) => {
  const relay = await startRelay();
  t.after(() => relay.stop());
  const client = await Client.connect(relay.url);
  const sk = generateSecretKey();
  const event = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'counted' }, sk);
  assert.deepEqual(await client.publish(event), ['OK', event.id, true, '']);
  const again = await client.publish(event);
  assert.equal(again[2], false);
  assert.match(again[3], /^duplicate:/);
  const forged = { ...event, content: 'changed' };
  const bad = await client.publish(forged);
  assert.match(bad[3], /^invalid:/);

  const response = await fetch(relay.http + '/metrics');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /# TYPE nostr_events_processed_total counter/);
  assert.equal(sample(text, 'nostr_events_processed_total', '{result="stored"}'), 1);
  assert.equal(sample(text, 'nostr_events_processed_total', '{result="rejected",reason="duplicate"}'), 1);
  assert.equal(sample(text, 'nostr_events_processed_total', '{result="rejected",reason="invalid"}'), 1);
  assert.equal(sample(text, 'nostr_events_received_total'), 3);
  assert.equal(sample(text, 'nostr_active_connections'), 1);
  assert.equal(sample(text, 'nostr_event_processing_duration_seconds_count'), 3);
  assert.equal(sample(text, 'nostr_event_processing_duration_seconds_bucket', '{le="+Inf"}'), 3);
  assert.ok(sample(text, 'pleb_writer_events_total') >= 2);
  client.close();
});
