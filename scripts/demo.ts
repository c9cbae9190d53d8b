// `npm run demo`: the bundled action against the local Zoho emulator, as a runner would run it,
// so a newcomer sees it work with no Zoho account: a load first, then each operation alone. The
// job summaries are shown as text; the result files are kept in demo-output/ to open.
import { strToU8, zipSync } from 'fflate'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { SAMPLE, sampleInputs, startSampleEmulator } from '../emulator/sample.ts'
import type { EmulatedJob } from '../emulator/zoho-emulator.ts'
import { type ActionRun, ROOT, runAction } from '../emulator/run-action.ts'

const { emulator, job, url } = await startSampleEmulator()
// Where the runs' result files stay, under the project, for the reader to open.
const OUTPUT = join(ROOT, 'demo-output')
await rm(OUTPUT, { recursive: true, force: true })
await mkdir(OUTPUT)
// A form of its own for the load: the sample jobs below are not over, and a form takes one job.
const LOAD_FORM = 'New_Hires'
emulator.addApp(SAMPLE.owner, SAMPLE.app, [SAMPLE.form, LOAD_FORM])

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
  // No time scale: the demo's runs are a user's, and the log does not mention a setting for tests.
  const run = await runAction(given, {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: OUTPUT,
    ZOHO_BULK_ACTION_TIME_SCALE: ''
  })
  const received = emulator.requests.slice(first).map(request => `${request.method} ${request.url}`)
  console.log(`\n── the emulator received\n${received.join('\n')}`)
  console.log(`\n── log (exit code ${run.exitCode})\n${run.stdout.trimEnd()}`)
  console.log(`\n── outputs\n${JSON.stringify(run.outputs, null, 2)}`)
  console.log(`\n── job summary (as text; GitHub shows it as a page)\n${summaryText(run.summary)}`)
  const kept = run.outputs['result-dir']
  if (kept !== undefined) {
    const files = await readdir(kept)
    console.log(`\n── result files, kept in ${relative(ROOT, kept)}: ${files.join(', ')}`)
  }
  console.log(`\nThe job is now: ${watched()?.state ?? 'unknown'}`)
  return run
}

try {
  const results = [
    await step(
      'Load a CSV in one step: create, upload, start, wait (one of its three rows fails)',
      {
        action: 'load',
        form: LOAD_FORM,
        'job-id': '',
        file: 'employees.csv',
        'poll-interval': '0.5'
      },
      () => emulator.jobById(emulator.requests.length > 0 ? lastCreatedId() : '')
    ),
    await step('Start a job uploaded earlier', { action: 'start' }),
    await step('Abort it', { action: 'abort' }),
    await step('Start it again, with an expired token (this one fails)', {
      action: 'start',
      token: '1000.expired'
    }),
    await step(
      'Start another job and wait for it (two of its ten rows fail, so the step fails)',
      { action: 'start', 'job-id': loadJob.id, wait: 'true', 'poll-interval': '0.5' },
      () => loadJob
    )
  ]
  const expected = [1, 0, 0, 1, 1]
  if (results.some((run, i) => run.exitCode !== expected[i])) {
    console.error('\nThe demo did not go as expected: see the exit codes above.')
    process.exitCode = 1
  } else console.log(`\nDone. The result files of the runs are in ${relative(ROOT, OUTPUT)}/.`)
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

/** A job summary's HTML as text for a terminal: headings, paragraphs, tables as rows of cells. */
function summaryText(html: string): string {
  const text = (cell: string): string =>
    cell
      .replace(/<br>/g, ' / ')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
  return html
    .replace(/<h[34]>(.*?)<\/h[34]>/g, (_, heading: string) => `\n${text(heading)}`)
    .replace(/<p>(.*?)<\/p>/g, (_, paragraph: string) => text(paragraph))
    .replace(/<details><summary>(.*?)<\/summary>/g, (_, title: string) => `\n▸ ${text(title)}\n`)
    .replace(/<\/details>/g, '')
    .replace(/<table>(.*?)<\/table>/g, (_, rows: string) =>
      [...rows.matchAll(/<tr>(.*?)<\/tr>/g)]
        .map(([, row = '']) =>
          [...row.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map(([, cell = '']) => text(cell)).join(' | ')
        )
        .map(line => `  ${line}`)
        .join('\n')
    )
    .replace(
      /```mermaid\n(?:%%.*\n)?pie showData title (.*)\n([\s\S]*?)```/g,
      (_, title: string, slices: string) =>
        `${title}: ${slices
          .trim()
          .replace(/"/g, '')
          .replace(/\s*\n\s*/g, ', ')}`
    )
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
