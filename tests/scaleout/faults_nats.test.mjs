// nats-server stops and comes back while a client publishes steadily to a scaled-out relay: nothing
// acknowledged is lost or stored twice, every EVENT is answered, and relays and processor carry on by
// themselves (nats.c reconnects; subscriptions and the JetStream consumer survive).
import { test } from 'node:test'
import { servers, sleep, sustainedPublishFault } from './cluster.mjs'

const outage = ms => async () => {
  await servers('stop_nats')
  await sleep(ms)
  await servers('restart_nats')
}

test('nats-server restarting during a sustained publish loses no accepted event and heals by itself', async (t) => {
  await sustainedPublishFault(t, outage(1000), { processorArgs: ['--ack-wait-ms', '5000'] })
})

// Longer than the relay's 5 s verdict timeout: the EVENTs waiting meanwhile are answered `error:`.
test('nats-server away for longer than the verdict timeout: waiting EVENTs get error:, then all is well', async (t) => {
  await sustainedPublishFault(t, outage(6000), { processorArgs: ['--ack-wait-ms', '5000'] })
})
