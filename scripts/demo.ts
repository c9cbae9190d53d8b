// `npm run demo`: the bundled action against the local Zoho emulator, as a runner would run it,
// so a newcomer sees it work with no Zoho account. Runs on Node 24, which reads TypeScript as is.
import { strToU8, zipSync } from 'fflate'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SAMPLE, sampleInputs, startSampleEmulator } from '../__tests__/emulator/sample.ts'
import type { EmulatedJob } from '../__tests__/emulator/zoho-emulator.ts'
import { type ActionRun, runAction } from '../__tests__/support/run-action.ts'

const { emulator, job, url } = await startSampleEmulator()

// A second job that runs for two seconds once started, and in which two of ten rows fail.
const loadJob = emulator.addJob({
  owner: SAMPLE.owner,
  app: SAMPLE.app,
  form: SAMPLE.form,
  id: '3888833000000114099',
  state: 'Ready-to-upload',
  uploaded: true,
  run: {
    forMs: 2000,
    ends: 'Completed',
    records: { total: 10, success: 8, failed: 2, unprocessed: 0 }
  },
  results: {
    failure: zipSync({
      'Employee_Details_failure.csv': strToU8(
        'Employee_ID,Email,Error\nE-7,ada@example,Invalid email address\nE-9,grace@example.com,Duplicate value for Employee_ID\n'
      )
    })
  }
})

// A CSV to load end to end: the emulator fails the row whose email is not one.
const workspace = await mkdtemp(join(tmpdir(), 'zoho-demo-'))
await writeFile(
  join(workspace, 'employees.csv'),
  'Employee_ID,Name.first_name,Email\n' +
    'E-1,Ada,ada@example.com\n' +
    'E-2,Grace,grace@example\n' +
    'E-3,Linus,linus@example.com\n'
)

async function step(
  title: string,
  inputs: Record<string, string>,
  watched: () => EmulatedJob | undefined = () => job
): Promise<ActionRun> {
  const given = { ...sampleInputs(url), ...inputs }
  console.log(`\n━━━ ${title}`)
  console.log(`with: ${JSON.stringify({ ...given, token: '(secret)' }, null, 2)}`)
  const first = emulator.requests.length
  const run = await runAction(given, { GITHUB_WORKSPACE: workspace })
  const received = emulator.requests.slice(first).map(request => `${request.method} ${request.url}`)
  console.log(`\n── the emulator received\n${received.join('\n')}`)
  console.log(`\n── log (exit code ${run.exitCode})\n${run.stdout.trimEnd()}`)
  console.log(`\n── outputs\n${JSON.stringify(run.outputs, null, 2)}`)
  console.log(`\n── job summary\n${run.summary.trimEnd()}`)
  console.log(`\nThe job is now: ${watched()?.state ?? 'unknown'}`)
  return run
}

try {
  const results = [
    await step('Start the job', { action: 'start' }),
    await step('Abort it', { action: 'abort' }),
    await step('Start it again, with an expired token (this one fails)', {
      action: 'start',
      token: '1000.expired'
    }),
    await step(
      'Start another job and wait for it (two of its ten rows fail, so the step fails)',
      { action: 'start', 'job-id': loadJob.id, wait: 'true', 'poll-interval': '0.5' },
      () => loadJob
    ),
    await step(
      'Load a CSV in one step: create, upload, start, wait (one of its three rows fails)',
      { action: 'load', 'job-id': '', file: 'employees.csv', 'poll-interval': '0.5' },
      () => emulator.jobById(emulator.requests.length > 0 ? lastCreatedId() : '')
    )
  ]
  const expected = [0, 0, 1, 1, 1]
  if (results.some((run, i) => run.exitCode !== expected[i])) {
    console.error('\nThe demo did not go as expected: see the exit codes above.')
    process.exitCode = 1
  }
} finally {
  await emulator.stop()
  await rm(workspace, { recursive: true, force: true })
}

/** The ID of the job the last create made, from the emulator's record of the upload. */
function lastCreatedId(): string {
  const upload = emulator.requests.findLast(
    request => request.method === 'POST' && /\/insert(\/|\?job_id=)\d+/.test(request.url)
  )
  return /(\d{10,})/.exec(upload?.url ?? '')?.[1] ?? ''
}
