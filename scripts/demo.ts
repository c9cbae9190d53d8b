// `npm run demo`: the bundled action against the local Zoho emulator, as a runner would run it,
// so a newcomer sees it work with no Zoho account. Runs on Node 24, which reads TypeScript as is.
import { sampleInputs, startSampleEmulator } from '../__tests__/emulator/sample.ts'
import { type ActionRun, runAction } from '../__tests__/support/run-action.ts'

const { emulator, job, url } = await startSampleEmulator()

async function step(title: string, inputs: Record<string, string>): Promise<ActionRun> {
  const given = { ...sampleInputs(url), dc: 'eu', ...inputs }
  console.log(`\n━━━ ${title}`)
  console.log(`with: ${JSON.stringify({ ...given, token: '(secret)' }, null, 2)}`)
  const run = await runAction(given)
  const request = emulator.requests.at(-1)
  console.log(`\n── the emulator received\n${request?.method} ${request?.url}\n${request?.body}`)
  console.log(`\n── log (exit code ${run.exitCode})\n${run.stdout.trimEnd()}`)
  console.log(`\n── outputs\n${JSON.stringify(run.outputs, null, 2)}`)
  console.log(`\n── job summary\n${run.summary.trimEnd()}`)
  console.log(`\nThe job is now: ${job.state}`)
  return run
}

try {
  const results = [
    await step('Start the job', { action: 'start' }),
    await step('Abort it', { action: 'abort' }),
    await step('Start it again, with an expired token (this one fails)', {
      action: 'start',
      token: '1000.expired'
    })
  ]
  const expected = [0, 0, 1]
  if (results.some((run, i) => run.exitCode !== expected[i])) {
    console.error('\nThe demo did not go as expected: see the exit codes above.')
    process.exitCode = 1
  }
} finally {
  await emulator.stop()
}
