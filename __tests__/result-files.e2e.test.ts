// Result files that fight back, end to end: a ZIP that inflates to a gigabyte, ZIPs the action
// cannot read, and a preview that must come from the failure file whatever else was downloaded.
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sampleWaitInputs } from '../emulator/sample.ts'
import type { RecordCounts } from '../emulator/zoho-emulator.ts'
import { IN_PROCESS, ROOT, runAction } from '../emulator/run-action.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { useWorkspace } from './support/workspace.ts'
import { zipBomb, zipOf } from './support/zips.ts'

const zoho = useSampleZoho()
const workspace = useWorkspace()

const inputs = (overrides: Record<string, string> = {}) => ({
  ...sampleWaitInputs(zoho.url),
  ...overrides
})
const TWO_FAILED: RecordCounts = { total: 10, success: 8, failed: 2, unprocessed: 0 }

describe('a result file that inflates to a gigabyte', () => {
  it('is previewed within bounded memory, and kept as Zoho sent it', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: TWO_FAILED }
    const bomb = zipBomb(1000)
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024)
    zoho.job.results = { failure: bomb }
    const rssFile = join(workspace.path, 'rss')
    const run = await runAction(inputs(), {
      NODE_OPTIONS: `--import=${join(ROOT, 'scripts/bench/max-rss.mjs')}`,
      BENCH_RSS_FILE: rssFile
    })
    expect(run.exitCode).toBe(1) // two records failed
    // Compared as bytes: a deep equality of two 2 MB buffers takes jest seconds.
    expect(run.resultFile('failure.zip')?.equals(bomb)).toBe(true)
    expect(run.summary).toContain('<h4>Failed rows (the first 20)</h4>')
    expect(run.summary).toContain('<tr><th>Employee_ID</th><th>Error</th></tr>')
    expect(run.summary).toContain('<tr><td>E-1</td><td>bad row</td></tr>')
    if (!IN_PROCESS) {
      const peakMib = Number(readFileSync(rssFile, 'utf8')) / 1024
      expect(peakMib).toBeLessThan(150)
    }
  })
})

describe('a result file the action cannot read', () => {
  it.each([
    [
      'corrupt deflate data',
      zipOf('x_failure.csv', 8, Buffer.from('this is not deflate data'), 100)
    ],
    [
      'an unsupported compression method (bzip2)',
      zipOf('x_failure.csv', 12, Buffer.from('BZh91AY&SY'), 100)
    ]
  ])('is a warning, and the job is still reported (%s)', async (_case, zip) => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: TWO_FAILED }
    zoho.job.results = { failure: zip }
    const run = await runAction(inputs({ 'fail-on-failed-records': 'false' }))
    expect(run.exitCode).toBe(0)
    expect(run.errors).toEqual([])
    expect(run.stdout).toMatch(
      /::warning::Could not read .*failure\.zip for the preview of failed rows: .*\. The file is kept as Zoho sent it\./
    )
    expect(run.outputs).toMatchObject({ 'job-status': 'Completed', 'failed-records': '2' })
    expect(run.resultFile('failure.zip')).toEqual(zip)
    expect(run.summary).toContain('<td>Failed</td><td>2</td>')
    expect(run.summary).not.toContain('Failed rows')
  })

  it('fails the step by the job’s verdict, not by the file', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: TWO_FAILED }
    zoho.job.results = { failure: zipOf('x_failure.csv', 8, Buffer.from('garbage'), 10) }
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      expect.stringMatching(/^The job completed, but 2 of 10 records failed/)
    ])
  })
})

describe('the preview', () => {
  it('comes from the failure file, whichever files were downloaded first', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: { ...TWO_FAILED, unprocessed: 1 } }
    const zip = (csv: string) => zipSync({ 'x.csv': strToU8(csv) })
    zoho.job.results = {
      success: zip('Name\nsucceeded-row\n'),
      failure: zip('Name,Error\nfailed-row,Invalid email\n'),
      unprocessed: zip('Name\nunprocessed-row\n')
    }
    const run = await runAction(inputs({ 'download-results': 'success,unprocessed,failure' }))
    expect(run.summary).toContain('<tr><td>failed-row</td><td>Invalid email</td></tr>')
    expect(run.summary).not.toContain('succeeded-row')
    expect(run.summary).not.toContain('unprocessed-row')
  })
})

describe('a result folder the runner cannot hold', () => {
  it('is a warning naming the path, with no download tried, and the job still reported', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: TWO_FAILED }
    zoho.job.results = { failure: zipSync({ 'x.csv': strToU8('a\n1\n') }) }
    const notAFolder = await workspace.notAFolder()
    const run = await runAction(inputs({ 'fail-on-failed-records': 'false' }), {
      RUNNER_TEMP: notAFolder
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `::warning::No result files: a folder for them could not be made under ${notAFolder}: ENOTDIR`
    )
    expect(zoho.emulator.requests.filter(request => request.url.includes('/result'))).toEqual([])
    expect(run.outputs['failed-records']).toBe('2')
    expect(run.outputs['result-dir']).toBeUndefined()
  })
})

describe('the job summary, whatever the failed rows hold', () => {
  it('shows 20 rows of the first 20 columns, escaped and cut, and stays far under 1 MiB', async () => {
    // The worst case for its size: every cell 300 characters that each escape to six.
    const wide = Array.from({ length: 25 }, (_, column) => `Column_${column}`)
    const worst = '"'.repeat(300)
    const rows = Array.from({ length: 30 }, () => wide.map(() => worst))
    const csv = [wide, ...rows]
      .map(row => row.map(cell => `"${cell.replace(/"/g, '""')}"`).join(','))
      .join('\n')
    zoho.job.run = { forMs: 0, ends: 'Completed', records: { ...TWO_FAILED, failed: 30 } }
    zoho.job.results = { failure: zipSync({ 'x_failure.csv': strToU8(csv) }) }
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('<h4>Failed rows (the first 20; the first 20 of 25 columns)</h4>')
    const header = /<tr>(<th>[^<]*<\/th>)+<\/tr><tr><td>&quot;/.exec(run.summary)?.[0] ?? ''
    expect(header.match(/<th>/g)).toHaveLength(20)
    expect(header).toContain('<th>Column_19</th>')
    expect(header).not.toContain('Column_20')
    const cell = `<td>${'&quot;'.repeat(200)}… (cut)</td>`
    expect(run.summary.split(cell)).toHaveLength(20 * 20 + 1)
    expect(run.summary.length).toBeGreaterThan(400 * 1024)
    expect(run.summary.length).toBeLessThan(1024 * 1024)
  })

  it('escapes every character HTML gives a meaning', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: TWO_FAILED }
    zoho.job.results = {
      failure: zipSync({ 'x_failure.csv': strToU8(`Name,Error\n"Tom & Jerry's <b>","a""b"\n`) })
    }
    const run = await runAction(inputs())

    expect(run.summary).toContain(
      '<tr><td>Tom &amp; Jerry&#39;s &lt;b&gt;</td><td>a&quot;b</td></tr>'
    )
  })
})
