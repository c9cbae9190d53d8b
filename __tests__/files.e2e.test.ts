// Files as people export them, loaded as the runner runs the action: a UTF-16 or Windows-1252 file,
// semicolons or tabs between cells, reach Zoho as the UTF-8, comma-separated CSV it reads (the
// emulator reads uploads as Zoho does, so a file sent as it came would give it the wrong rows).
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sampleInputs } from '../emulator/sample.ts'
import { type ActionRun, runAction } from '../emulator/run-action.ts'
import { useSampleLoads } from './support/sample-zoho.ts'

const { zoho, workspace, load } = useSampleLoads()

/** The one job a load created, as the emulator holds it. */
function jobOf(run: ActionRun) {
  const job = zoho.emulator.jobById(run.outputs['job-id'] ?? '')
  if (job === undefined) throw new Error('no job was created')
  return job
}

/** Text in Windows-1252: Latin-1 but for the euro sign, its one character these tests need above it. */
const windows1252 = (text: string): Buffer => Buffer.from(text.replaceAll('€', '\u0080'), 'latin1')

describe('a file in another dialect', () => {
  it('loads Excel’s "Unicode text" (UTF-16LE, tabs) as UTF-8 with commas, and removes the copy', async () => {
    const text =
      '\uFEFFEmployee_ID\tName.first_name\tEmail\r\nE-1\tZoë, "Zo"\tzoe@example.com\r\nE-2\tBjörn\tbjorn@example.com\r\n'
    const run = await load('staff.txt', Buffer.from(text, 'utf16le'))
    expect(run.errors).toEqual([])
    const job = jobOf(run)
    expect(job.file?.name).toBe('staff.csv')
    expect(job.file?.bytes.toString('utf8')).toBe(
      'Employee_ID,Name.first_name,Email\r\nE-1,"Zoë, ""Zo""",zoe@example.com\r\nE-2,Björn,bjorn@example.com\r\n'
    )
    expect(job.received).toEqual({
      records: 2,
      first: ['E-1', 'Zoë, "Zo"', 'zoe@example.com'],
      last: ['E-2', 'Björn', 'bjorn@example.com']
    })
    expect(run.stdout).toContain(
      'staff.txt is UTF-16LE, cells between tabs: sending a copy in UTF-8 with commas, as Zoho reads.'
    )
    expect(run.outputs['total-records']).toBe('2')
    expect(run.folders.filter(path => path.includes('zoho-bulk-file-'))).toEqual([])
  })

  it('refuses a Windows-1252 file left to auto, naming the row, with no request sent', async () => {
    const bytes = windows1252(
      'Employee_ID;Name.first_name;Email\nE-1;Ada;ada@example.com\nE-2;Renée;renee@example.com\n'
    )
    const run = await load('staff.csv', bytes)
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      `Input "file": ${join(workspace.path, 'staff.csv')} is not UTF-8: row 3 holds a byte that is not ` +
        `(byte ${bytes.indexOf(0xe9) + 1} of the file). Set the encoding input: windows-1252 for a ` +
        'file Excel saved as "CSV" on Windows, iso-8859-1 for Latin-1.'
    ])
    expect(zoho.emulator.requests).toEqual([])
  })

  it('loads it with encoding: windows-1252, its semicolons found from the header', async () => {
    const bytes = windows1252('Employee_ID;Name.first_name;Email\nE-1;Renée €;renee@example.com\n')
    const run = await load('staff.csv', bytes, { encoding: 'windows-1252' })
    expect(run.errors).toEqual([])
    expect(jobOf(run).received?.first).toEqual(['E-1', 'Renée €', 'renee@example.com'])
    expect(run.stdout).toContain('staff.csv is WINDOWS-1252, cells between semicolons')
  })

  it('uploads a semicolon file as a copy with commas', async () => {
    zoho.job.state = 'Ready-to-upload'
    zoho.job.uploaded = false
    await writeFile(join(workspace.path, 'semi.csv'), 'Employee_ID;Email\nE-1;"a;b@example.com"\n')
    const run = await runAction(
      { ...sampleInputs(zoho.url), action: 'upload', file: 'semi.csv' },
      { GITHUB_WORKSPACE: workspace.path }
    )
    expect(run.errors).toEqual([])
    expect(zoho.job.file?.bytes.toString('utf8')).toBe(
      'Employee_ID,Email\r\nE-1,a;b@example.com\r\n'
    )
    expect(run.folders.filter(path => path.includes('zoho-bulk-file-'))).toEqual([])
    expect(run.stdout).not.toContain('blank row')
  })

  it('uploads a file with blank rows among its records as it is, and warns', async () => {
    zoho.job.state = 'Ready-to-upload'
    zoho.job.uploaded = false
    const csv = 'Employee_ID,Email\nE-1,a@example.com\n\n \nE-2,b@example.com\n\n'
    await writeFile(join(workspace.path, 'blank.csv'), csv)
    const run = await runAction(
      { ...sampleInputs(zoho.url), action: 'upload', file: 'blank.csv' },
      { GITHUB_WORKSPACE: workspace.path }
    )
    expect(run.errors).toEqual([])
    expect(zoho.job.file?.bytes.toString('utf8')).toBe(csv)
    expect(run.stdout).toContain(
      '::warning::blank.csv holds 2 blank rows among its records, sent as they are: Zoho may ' +
        'count them as records. A load leaves them out.'
    )
  })

  it('refuses a delimiter or an encoding it does not know, with no request sent', async () => {
    const run = await load('any.csv', Buffer.from('A\n1\n'), { delimiter: ':', encoding: 'utf-32' })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Input "encoding" must be "auto", "utf-8", "utf-16le", "utf-16be", "windows-1252" or "iso-8859-1"; got "utf-32".',
      'Input "delimiter" must be "auto", ",", ";", "tab" or "|"; got ":".'
    ])
    expect(zoho.emulator.requests).toEqual([])
  })
})

describe('a dry run', () => {
  const RECORDS = [
    'E-1,Ada,ada@example.com',
    'E-2,"Grace, ""Amazing""",grace@example.com',
    'E-3,"Line\r\nbreak",lin@example.com'
  ]
  const CSV = `Employee_ID,Name.first_name,Email\r\n${RECORDS.join('\r\n')}\r\n`

  it('checks the file and plans the parts of a load, sending nothing but the token and fields calls', async () => {
    const run = await load('plan.csv', Buffer.from(CSV), {
      'dry-run': 'true',
      'check-header': 'true',
      'max-records-per-job': '2'
    })
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['GET'])
    expect(zoho.emulator.requests[0]?.url).toContain('/fields')
    expect(run.outputs).toMatchObject({ 'total-records': '3', 'rejected-records': '0', parts: '2' })
    expect(run.outputs).not.toHaveProperty('job-id')
    expect(run.stdout).toContain(
      'Dry run: plan.csv would load 3 records in 2 jobs; nothing was sent to Zoho.'
    )
    expect(run.stdout).toContain('Part 2: rows 4 to 4 (1 record).')
    expect(run.summary).toContain(
      '✅ Zoho Creator load dry run passed: 3 records in 2 jobs, nothing sent'
    )
    expect(run.summary).toContain('<td>1</td><td>2–3</td><td>2</td>')
    expect(run.folders.filter(path => path.includes('zoho-bulk-parts-'))).toEqual([])
  })

  it('plans an upload as one job, in another dialect too', async () => {
    await writeFile(
      join(workspace.path, 'semi.csv'),
      'Employee_ID;Email\nE-1;a@example.com\n\nE-2;b@example.com\n'
    )
    const run = await runAction(
      { ...sampleInputs(zoho.url), action: 'upload', file: 'semi.csv', 'dry-run': 'true' },
      { GITHUB_WORKSPACE: workspace.path }
    )
    expect(run.errors).toEqual([])
    expect(zoho.emulator.requests).toEqual([])
    expect(run.outputs).toMatchObject({ 'total-records': '2', parts: '1' })
    // The blank row 3 is no record, but a row of the file.
    expect(run.stdout).toContain('Part 1: rows 2 to 4 (2 records).')
    expect(run.folders.filter(path => path.includes('zoho-bulk-file-'))).toEqual([])
  })

  it('fails as the load would, before any request, on a file it would refuse', async () => {
    const run = await load('open.csv', Buffer.from('A,B\n1,"x\n'), { 'dry-run': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('opens a quote that never closes')
    expect(zoho.emulator.requests).toEqual([])
    expect(run.summary).toContain('❌ Zoho Creator load dry run failed')
  })

  it('plans the rows bad-rows: skip keeps, and counts those it leaves out', async () => {
    const csv =
      'Employee_ID,Email\r\nE-1,a@example.com\r\nE-2,not-an-email\r\nE-3,c@example.com\r\n'
    const run = await load('skip.csv', Buffer.from(csv), {
      'dry-run': 'true',
      'check-values': 'true',
      'bad-rows': 'skip'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'total-records': '2', 'rejected-records': '1', parts: '1' })
    expect(run.stdout).toContain(
      'Dry run: skip.csv would load 2 records in 1 job, 1 row left out; nothing was sent to Zoho.'
    )
    expect(run.resultFile('rejected.csv')?.toString('utf8')).toBe(
      'Employee_ID,Email\r\nE-2,not-an-email\r\n'
    )
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['GET'])
  })
})
