// A load in parts on the bundle: a file with more records than max-records-per-job goes in as
// consecutive jobs, each part with the header and whole records; a part that fails stops the load
// with the skip-records that resumes it; the parts' failed rows come back as one CSV.
import { describe, expect, it } from '@jest/globals'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { once } from 'node:events'
import { createWriteStream, readdirSync } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { constants, deflateRawSync } from 'node:zlib'
import { parseCsv } from '../src/csv/reader.ts'
import { sampleLoadInputs } from '../emulator/sample.ts'
import type { EmulatedJob } from '../emulator/zoho-emulator.ts'
import { type ActionRun, IN_PROCESS, runAction } from '../emulator/run-action.ts'
import { csvOf, HEADER, RECORDS } from './support/employees.ts'
import { useSampleLoads } from './support/sample-zoho.ts'
import { zipOf } from './support/zips.ts'

const { zoho, workspace, load: loadFile } = useSampleLoads()

/** Loads `records` as employees.csv, two to a part, with `overrides` over those inputs. */
const load = (records: readonly string[], overrides: Record<string, string> = {}) =>
  loadFile('employees.csv', HEADER + records.join(''), {
    'max-records-per-job': '2',
    ...overrides
  })

/** The jobs the run created, in order, by its job-ids output. */
function jobsOf(run: ActionRun): EmulatedJob[] {
  return (run.outputs['job-ids'] ?? '')
    .split(',')
    .filter(id => id !== '')
    .map(id => {
      const job = zoho.emulator.jobById(id)
      if (job === undefined) throw new Error(`no job ${id}`)
      return job
    })
}

const uploaded = (job: EmulatedJob): string => job.file?.bytes.toString('utf8') ?? ''

describe('a load in parts', () => {
  it('loads each part as its own job, in order, every record in exactly one part', async () => {
    const run = await load(RECORDS)
    expect(run.errors).toEqual([])
    const jobs = jobsOf(run)
    expect(jobs.map(uploaded)).toEqual([csvOf([1, 2]), csvOf([3, 4]), csvOf([5])])
    expect(jobs.map(job => job.file?.name)).toEqual([
      'employees.part-1.csv',
      'employees.part-2.csv',
      'employees.part-3.csv'
    ])
    expect(jobs.map(job => job.state)).toEqual(['Completed', 'Completed', 'Completed'])
    expect(run.outputs['job-id']).toBe(jobs[2]?.id)
    expect(run.outputs['total-records']).toBe('5')
    expect(run.outputs['success-records']).toBe('5')
    expect(run.outputs['failed-records']).toBe('0')
    // The state of the last part's job, with the counts of them all.
    expect(run.outputs['job-status']).toBe('Completed')
    expect(run.summary).toContain('<td>4–5 (2 records)</td>')
    expect(run.stdout).toContain('employees.csv: 5 records to load, in 3 parts.')
    expect(run.stdout).toContain('Part 2: rows 4 to 5 of employees.csv (2 records,')
    // The parts were written under RUNNER_TEMP and are gone, with their folder.
    expect(Object.keys(run.files).filter(path => path.includes('.part-'))).toEqual([])
    expect(run.folders.filter(path => path.includes('zoho-bulk-parts-'))).toEqual([])
  })

  it('stops at a part with failed rows, says which skip-records resumes, and creates no later part', async () => {
    const records = [...RECORDS]
    records[2] = 'E-3,"Line\r\nbreak",not-an-email\r\n'
    const run = await load(records)
    expect(run.exitCode).toBe(1)
    expect(jobsOf(run)).toHaveLength(2)
    expect(run.errors[0]).toBe(
      'Part 2 completed, but 1 of its 2 records failed: see failure.csv in result-dir and the job summary, or set fail-on-failed-records: false. The load stopped at part 2 of employees.csv (rows 4 to 5). To load the rest of the file, run again with skip-records: 4.'
    )
    expect(run.outputs['total-records']).toBe('4')
    // The summary lists the part not attempted, and the records it holds.
    expect(run.summary).toContain('<td>6–6 (1 record)</td><td>not attempted</td>')
    expect(run.summary).toContain('1 record in 1 part not attempted')
    expect(run.summary).toContain(
      '<h4>Parts: 2 of 3 completed</h4>\n<table><tr><th>Part</th><th>Job</th><th>Rows of the file</th>' +
        '<th>State</th><th>Succeeded</th><th>Failed</th><th>Unprocessed</th></tr>' +
        '<tr><td>1</td><td>…200000</td><td>2–3 (2 records)</td><td>Completed</td><td>2</td><td>0</td><td>0</td></tr>' +
        '<tr><td>2</td><td>…200001</td><td>4–5 (2 records)</td><td>Completed</td><td>1</td><td>1</td><td>0</td></tr>' +
        '<tr><td>3</td><td>—</td><td>6–6 (1 record)</td><td>not attempted</td><td>—</td><td>—</td><td>—</td></tr></table>'
    )
    expect(run.summary).not.toContain('<td>4–5 (2 records)</td><td>not attempted</td>')
    expect(run.outputs['failed-records']).toBe('1')
    const failure = parseCsv(run.resultFile('failure.csv')?.toString('utf8') ?? '')
    expect(failure).toEqual([
      ['Employee_ID', 'Name.first_name', 'Email', 'Error'],
      ['E-3', 'Line\r\nbreak', 'not-an-email', 'Invalid email address']
    ])
  })

  it('merges the failed rows of every part into one CSV with one header', async () => {
    const records = [...RECORDS]
    records[0] = 'E-1,Ada,ada-at-example\r\n'
    records[4] = 'E-5,"Eve, again",eve-at-example\r\n'
    const run = await load(records, { 'fail-on-failed-records': 'false' })
    expect(run.errors).toEqual([])
    expect(jobsOf(run)).toHaveLength(3)
    expect(run.outputs['failed-records']).toBe('2')
    expect(run.outputs['success-records']).toBe('3')
    const failure = parseCsv(run.resultFile('failure.csv')?.toString('utf8') ?? '')
    expect(failure.map(row => row[0])).toEqual(['Employee_ID', 'E-1', 'E-5'])
    // The summary shows the failed rows of every part, not only the last one's.
    expect(run.summary).toMatch(/<td>E-1<\/td>.*<td>E-5<\/td>/s)
  })

  it('does not send the user to resume when the last part completed with failed rows', async () => {
    const records = [...RECORDS]
    records[4] = 'E-5,"Eve, again",eve-at-example\r\n'
    const run = await load(records)
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Part 3 completed, but 1 of its 1 record failed: see failure.csv in result-dir and the job ' +
        'summary, or set fail-on-failed-records: false. Every part of employees.csv was loaded: ' +
        'there is nothing left to resume.'
    ])
  })

  it('names no skip-records that loads again the records of a part whose job still runs', async () => {
    // The second part's job runs on past wait-timeout; the first ends at once.
    zoho.emulator.loadRunMs = job => (job.id === '3888833000000200001' ? 60_000 : 0)
    const run = await load(RECORDS, { 'wait-timeout': '0.6' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^The job did not finish within 0\.6 s \(wait-timeout\)/)
    expect(run.errors[0]).toContain(
      'The load stopped at part 2 of employees.csv (rows 4 to 5). The job of part 2 (…200001) ' +
        'goes on in Zoho: wait for it to end (action: status, wait: true, job-id of that job); ' +
        'then run again with skip-records: 4 to load the rest of the file.'
    )
    expect(run.errors[0]).not.toContain('skip-records: 2')
    expect(jobsOf(run).map(job => job.state)).toEqual(['Completed', 'In-progress'])
  })

  it('says to wait for the job of the last part when it still runs, with nothing left to resume', async () => {
    zoho.emulator.loadRunMs = job => (job.id === '3888833000000200001' ? 60_000 : 0)
    const run = await load(RECORDS.slice(0, 4), { 'wait-timeout': '0.6' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(
      'The load stopped at part 2 of employees.csv (rows 4 to 5). The job of part 2 (…200001) ' +
        'goes on in Zoho: wait for it to end (action: status, wait: true, job-id of that job); ' +
        'it holds the last records of the file.'
    )
    expect(run.errors[0]).not.toContain('skip-records')
  })

  it('removes each part once uploaded, the later ones waiting on disk', async () => {
    const temp = join(workspace.path, 'runner-temp')
    await mkdir(temp)
    const onDisk: string[][] = []
    zoho.emulator.onAnswer = request => {
      if (request.method === 'PATCH')
        onDisk.push(
          readdirSync(temp, { recursive: true, encoding: 'utf8' })
            .filter(path => path.includes('.part-'))
            .map(path => basename(path))
            .sort()
        )
    }
    await writeFile(join(workspace.path, 'employees.csv'), csvOf([1, 2, 3, 4, 5]))
    const run = await runAction(
      { ...sampleLoadInputs(zoho.url, 'employees.csv'), 'max-records-per-job': '2' },
      { GITHUB_WORKSPACE: workspace.path, RUNNER_TEMP: temp }
    )
    expect(run.errors).toEqual([])
    // At each start, the parts not yet uploaded, and not this one.
    expect(onDisk).toEqual([
      ['employees.part-2.csv', 'employees.part-3.csv'],
      ['employees.part-3.csv'],
      []
    ])
  })

  it('names no skip-records that loads again a part whose job goes on after a cancel (abort-on-cancel: false)', async () => {
    zoho.emulator.loadRunMs = job => (job.id === '3888833000000200001' ? 60_000 : 0)
    await writeFile(join(workspace.path, 'employees.csv'), csvOf([1, 2, 3, 4, 5]))
    const run = await runAction(
      {
        ...sampleLoadInputs(zoho.url, 'employees.csv'),
        'max-records-per-job': '2',
        'abort-on-cancel': 'false'
      },
      { GITHUB_WORKSPACE: workspace.path },
      { name: 'SIGINT', when: /Poll 1: the job is In-progress/ }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^The step was cancelled/)
    expect(run.errors[0]).toContain('then run again with skip-records: 4 to load the rest')
    expect(jobsOf(run).map(job => job.state)).toEqual(['Completed', 'In-progress'])
  })

  it('merges a result ZIP by its CSV when it holds more, and keeps one it cannot merge as it came', async () => {
    const records = RECORDS.map(record => record.replace('@', '-at-'))
    zoho.emulator.resultShape = (zip, _filter, job) => {
      if (job.id === '3888833000000200000')
        return zipSync({ 'readme.txt': strToU8('Zoho'), ...unzipSync(zip) })
      return job.id === '3888833000000200001' ? zip.subarray(0, 40) : zip
    }
    const run = await load(records, { 'fail-on-failed-records': 'false' })
    expect(run.errors).toEqual([])
    const failure = parseCsv(run.resultFile('failure.csv')?.toString('utf8') ?? '')
    expect(failure.map(row => row[0])).toEqual(['Employee_ID', 'E-1', 'E-2', 'E-5'])
    expect(run.resultFile('part-2-failure.zip')?.length).toBe(40)
    expect(run.stdout).toMatch(
      /::warning::The failure rows of part 2 could not be merged into failure\.csv \(.+\): result-dir keeps the file as Zoho sent it, as part-2-failure\.zip\./
    )
  })

  it.each([
    ['cut short', (zip: Uint8Array) => zip.subarray(0, 40)],
    [
      'that breaks after thousands of rows',
      () => {
        const rows = 'E-1,Ada,ada-at-example,Invalid email address\r\n'.repeat(10_000)
        const flushed = { finishFlush: constants.Z_FULL_FLUSH }
        const csv = deflateRawSync(`Employee_ID,Name.first_name,Email,Error\r\n${rows}`, flushed)
        // Then a block of a type deflate does not have: the data breaks there.
        return zipOf('failure.csv', 8, Buffer.concat([csv, Buffer.from([0xff, 0xff])]))
      }
    ]
  ])(
    "keeps the first part's result ZIP %s as it came, with no failure.csv",
    async (_shape, shape) => {
      let sent: Uint8Array | undefined
      zoho.emulator.resultShape = (zip, _filter, job) =>
        job.id === '3888833000000200000' ? (sent = shape(zip)) : zip
      const records = [...RECORDS]
      records[0] = 'E-1,Ada,ada-at-example\r\n'
      const run = await load(records, { 'fail-on-failed-records': 'false' })
      expect(run.errors).toEqual([])
      expect(run.outputs['failed-records']).toBe('1')
      expect(run.resultFile('part-1-failure.zip')).toEqual(Buffer.from(sent ?? []))
      // Nothing of what could not be merged is left as failure.csv.
      expect(run.resultFile('failure.csv')).toBeUndefined()
      expect(run.stdout).toContain('::warning::The failure rows of part 1 could not be merged')
    }
  )

  it('fails with a local error naming RUNNER_TEMP when it cannot hold the parts, before any job', async () => {
    const notAFolder = await workspace.notAFolder()
    await writeFile(join(workspace.path, 'employees.csv'), csvOf([1, 2, 3, 4, 5]))
    const run = await runAction(
      { ...sampleLoadInputs(zoho.url, 'employees.csv'), 'max-records-per-job': '2' },
      { GITHUB_WORKSPACE: workspace.path, RUNNER_TEMP: notAFolder }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      new RegExp(
        `^The parts of employees\\.csv could not be written under ${notAFolder.replace(/[.\\]/g, '\\$&')} \\(RUNNER_TEMP\\): .*No job was created\\.$`
      )
    )
    expect(run.errors[0]).not.toContain('Unexpected error')
    expect(zoho.emulator.requests).toEqual([])
  })

  it('resumes with skip-records: only the records after those skipped go in', async () => {
    const run = await load(RECORDS, { 'skip-records': '3', 'max-records-per-job': '' })
    expect(run.errors).toEqual([])
    expect(jobsOf(run).map(uploaded)).toEqual([csvOf([4, 5])])
    expect(run.outputs['total-records']).toBe('2')
    expect(run.stdout).toContain('employees.csv: 2 records to load, in 1 part.')
  })

  it('splits the CSV inside a ZIP the same way, the parts going up as CSV files', async () => {
    await writeFile(
      join(workspace.path, 'employees.zip'),
      zipSync({ 'employees.csv': strToU8(csvOf([1, 2, 3, 4, 5])) })
    )
    const run = await load(RECORDS, { file: 'employees.zip' })
    expect(run.errors).toEqual([])
    const jobs = jobsOf(run)
    expect(jobs.map(uploaded)).toEqual([csvOf([1, 2]), csvOf([3, 4]), csvOf([5])])
    expect(jobs.map(job => job.file?.name)).toEqual([
      'employees.part-1.csv',
      'employees.part-2.csv',
      'employees.part-3.csv'
    ])
  })

  it('loads a file that fits one job as it is, without parts', async () => {
    const run = await load(RECORDS, { 'max-records-per-job': '5' })
    expect(run.errors).toEqual([])
    expect(run.outputs['job-ids']).toBeUndefined()
    expect(zoho.emulator.jobById(run.outputs['job-id'] ?? '')?.file?.name).toBe('employees.csv')
  })

  it('aborts the job of a part whose start is refused, and resumes before that part', async () => {
    // The emulator numbers jobs from 3888833000000200000: the second part's job is the next.
    zoho.emulator.replyNext({
      method: 'PATCH',
      urlIncludes: 'insert/3888833000000200001',
      status: 400,
      body: JSON.stringify({ code: 1000, message: 'Invalid request' })
    })
    const run = await load(RECORDS)
    expect(run.exitCode).toBe(1)
    const jobs = jobsOf(run)
    expect(jobs.map(job => job.state)).toEqual(['Completed', 'User Aborted'])
    expect(run.errors[0]).toContain('run again with skip-records: 2.')
    expect(run.errors[0]).toContain('The job was aborted')
    // Tried, but never seen in a state of its own.
    expect(run.summary).toContain(
      '<tr><td>2</td><td>…200001</td><td>4–5 (2 records)</td><td>not finished</td><td>—</td><td>—</td><td>—</td></tr>'
    )
  })

  it('plans the parts in a dry run: the jobs the load would take, none created', async () => {
    const run = await load(RECORDS, { 'dry-run': 'true' })
    expect(run.errors).toEqual([])
    expect(jobsOf(run)).toEqual([])
    expect(run.summary).toContain(
      '<h4>The load would take 3 jobs</h4>\n<table><tr><th>Part</th><th>Rows of the file</th>' +
        '<th>Records</th></tr><tr><td>1</td><td>2–3</td><td>2</td></tr>' +
        '<tr><td>2</td><td>4–5</td><td>2</td></tr><tr><td>3</td><td>6–6</td><td>1</td></tr></table>'
    )
    // One job is no plan to show.
    const one = await load(RECORDS, { 'dry-run': 'true', 'max-records-per-job': '5' })
    expect(one.summary).not.toContain('The load would take')
  })

  it('aborts the job of the part under way when the step is cancelled, and says where to resume', async () => {
    zoho.emulator.replyNext({
      method: 'POST',
      urlIncludes: 'insert/3888833000000200001',
      fault: 'hang'
    })
    await writeFile(join(workspace.path, 'employees.csv'), csvOf([1, 2, 3, 4, 5]))
    const run = await runAction(
      { ...sampleLoadInputs(zoho.url, 'employees.csv'), 'max-records-per-job': '2' },
      { GITHUB_WORKSPACE: workspace.path },
      { name: 'SIGINT', when: /upload employees\.part-2\.csv/ }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^The step was cancelled/)
    expect(run.errors[0]).toContain('The load stopped at part 2 of employees.csv (rows 4 to 5).')
    expect(run.errors[0]).toContain('run again with skip-records: 2.')
    expect(run.errors[0]).toContain('The job was aborted')
    expect(jobsOf(run).map(job => job.state)).toEqual(['Completed', 'User Aborted'])
    expect(run.state['pending-job']).toBe('')
  })

  it('fails before any job exists on a quote that never closes, even in the last part', async () => {
    const run = await load([
      ...RECORDS,
      'E-6,"never closed,x@y.z\r\n',
      'E-7,Bob,bob@example.com\r\n'
    ])
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      `Input "file": ${join(workspace.path, 'employees.csv')} cannot be loaded: Row 7 of the file opens a quote that never closes: the rest of the file would be one cell.`
    ])
    expect(zoho.emulator.requests).toEqual([])
  })

  it('takes the blank lines at the end of the file for no records: no part of them, none counted', async () => {
    const run = await load([...RECORDS.slice(0, 4), '\r\n', '\r\n', '  \r\n', '\r\n'])
    expect(run.errors).toEqual([])
    expect(jobsOf(run).map(uploaded)).toEqual([csvOf([1, 2]), csvOf([3, 4])])
    expect(run.stdout).toContain('employees.csv: 4 records to load, in 2 parts.')
  })

  it('leaves out the blank rows among the records: a file that holds some goes as a part without them', async () => {
    const blank = ['\r\n', ' \t\r\n']
    const run = await load([RECORDS[0] ?? '', ...blank, ...RECORDS.slice(1, 3), ...blank], {
      'max-records-per-job': '5'
    })
    expect(run.errors).toEqual([])
    expect(jobsOf(run).map(uploaded)).toEqual([csvOf([1, 2, 3])])
    expect(jobsOf(run).map(job => job.received?.records)).toEqual([3])
    expect(run.outputs['total-records']).toBe('3')
    expect(run.stdout).toContain('employees.csv: 3 records to load, in 1 part.')
    expect(run.summary).toContain('<td>2–6 (3 records)</td>')
  })

  it('says when there is nothing left to load', async () => {
    const run = await load(RECORDS, { 'skip-records': '5' })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual(['employees.csv has no records to load after the 5 skipped.'])
    expect(zoho.emulator.requests.filter(request => request.method === 'POST')).toEqual([])
  })
})

// Bundle only: the one test of a file larger than a job, as Zoho's limit makes it (about 30 s).
;(IN_PROCESS ? describe.skip : describe)('a file over 100 MB', () => {
  it('loads as three jobs, each under 100 MB, every record in exactly one part, in order', async () => {
    // About 250 MB: records with quoted commas, quotes and line breaks.
    const path = join(workspace.path, 'large.csv')
    const out = createWriteStream(path)
    out.write(HEADER)
    const records = 3_500_000
    const block: string[] = []
    for (let id = 1; id <= records; id++) {
      block.push(
        `R-${String(id).padStart(8, '0')},"Name ""${id}"", with a\r\nline break",p${id}@example.com\r\n`
      )
      if (block.length === 10_000 || id === records) {
        if (!out.write(block.join(''))) await once(out, 'drain')
        block.length = 0
      }
    }
    out.end()
    await once(out, 'close')
    const size = (await stat(path)).size
    expect(size).toBeGreaterThan(200 * 1_000_000)
    expect(size).toBeLessThan(300 * 1_000_000)

    const run = await runAction(
      { ...sampleLoadInputs(zoho.url, 'large.csv'), 'download-results': 'failure' },
      { GITHUB_WORKSPACE: workspace.path }
    )
    await rm(path)
    expect(run.errors).toEqual([])
    const jobs = jobsOf(run)
    expect(jobs).toHaveLength(3)
    let next = 1
    for (const job of jobs) {
      expect(job.file?.bytes.length).toBeLessThanOrEqual(100 * 1024 * 1024)
      const received = job.received
      expect(received?.first[0]).toBe(`R-${String(next).padStart(8, '0')}`)
      next += received?.records ?? 0
      expect(received?.last[0]).toBe(`R-${String(next - 1).padStart(8, '0')}`)
      expect(received?.last[1]).toBe(`Name "${next - 1}", with a\r\nline break`)
    }
    expect(next - 1).toBe(records)
    expect(run.outputs['total-records']).toBe(String(records))
  }, 120_000)
})
