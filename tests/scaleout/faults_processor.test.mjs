// The processor is killed (SIGKILL) while a client publishes steadily, and a new one takes its place:
// events it had taken but not acknowledged come again from JetStream after the ack wait, so nothing
// acknowledged is lost, nothing is stored twice, and new events flow through the new processor.
import { test } from 'node:test'
import { sleep, startProcessor, sustainedPublishFault } from './cluster.mjs'

// Short, so that the test sees the redeliveries; it applies when the first processor creates the
// consumer (each test file has its own servers), and every later processor binds to that consumer.
const processorArgs = ['--ack-wait-ms', '3000']

const replaceProcessorAfter = ms => async (cluster) => {
  await cluster.processor.kill9()
  await sleep(ms)
  cluster.processor = await startProcessor(processorArgs)
}

async function scenario(t, gapMs) {
  const { figures, cluster } = await sustainedPublishFault(t, replaceProcessorAfter(gapMs), { processorArgs })
  const metrics = await (await fetch(cluster.processor.http + '/metrics')).text()
  const redelivered = /pleb_processor_redelivered_total (\d+)/.exec(metrics)?.[1]
  t.diagnostic(`the new processor took ${redelivered} redelivered messages; refusals: ${JSON.stringify(figures.okFalseByPrefix)}`)
}

test('a processor killed during a sustained publish and replaced at once loses and doubles nothing', async (t) => {
  await scenario(t, 1000)
})

// Longer than the relay's 5 s verdict timeout: the EVENTs waiting meanwhile are answered `error:` but
// stay on the bus, and the new processor stores them.
test('a processor replaced only after the verdict timeout: waiting EVENTs get error: and are stored later', async (t) => {
  await scenario(t, 6000)
})

// Two processors share the queue group: what the killed one had taken comes again after the ack wait,
// to the survivor, which answers the relays still waiting (the ack wait is below their verdict timeout).
test('one of two processors killed during a sustained publish: the other takes over its events', async (t) => {
  const { figures, cluster } = await sustainedPublishFault(t, async (cluster) => {
    await cluster.processor.kill9()
    cluster.processor = cluster.others.pop()
  }, { processorArgs, processors: 2 })
  const metrics = await (await fetch(cluster.processor.http + '/metrics')).text()
  const redelivered = /pleb_processor_redelivered_total (\d+)/.exec(metrics)?.[1]
  const stored = /result="stored"\} (\d+)/.exec(metrics)?.[1]
  t.diagnostic(`the survivor stored ${stored} and took ${redelivered} redelivered messages; refusals: ${JSON.stringify(figures.okFalseByPrefix)}`)
})
