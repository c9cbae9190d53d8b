// `npm run bench`: measures what the README claims, in one run on this machine, and prints a table.
// `npm run bench -- lookups keys` runs only the sections named (start, upload, split, files, keys,
// lookups, polling; each is below).
//  1. Wall time (median of RUNS) of the bundled action on Node 24 starting a job against the local
//     emulator, as a ratio to a minimal node:http client making the same request the same way.
//  2. Peak memory (RSS) of the action run, and the size of dist/.
//  3. Status calls for simulated 1-, 5- and 24-hour jobs with wait: true and default polling, and
//     how late the one-hour job's end is noticed.
//  4. The upload of a 10 MB and a 100 MB CSV to a loopback server that reads and drops the body:
//     wall time against a bare node:http script streaming the same multipart body (and curl -F,
//     where curl exists), and the action's peak memory.
//  5. Splitting a 300 MB CSV (quoted line breaks in it) into 100 MB parts as a load does, and its
//     peak memory (the target). GNU `split -C` (line-based, so wrong on quoted line breaks) is
//     timed beside it for information where it exists: a split is a fraction of a percent of a
//     load, which waits on the upload and on Zoho. The splitter is bundled by ncc as dist/ is, so
//     that Node strips no TypeScript as it starts.
//  6. Files as exported: checking every value of a 300 MB CSV (quoted line breaks, a field of each
//     type checked), and writing a 300 MB UTF-16, semicolon-separated file as the UTF-8 comma copy
//     a load sends; each against csv-parse merely parsing the same file in this run (the target),
//     with its ratio to a bare Node read-and-write of the file (the floor) for information, and
//     the peak memory of each (the target).
//  7. A load with a key: 1,000,000 keys in the form (read from the emulator in batches of 200,000)
//     and a 1,000,000-record file, half of whose keys the form holds. The filtering pass against
//     csv-parse merely parsing the file (the target), with its ratio to a bare read-and-write for
//     information; the peak memory of the whole key stage (the target); the read's API calls.
//  8. Lookups: a 1,000,000-record child file whose Department holds one of 1,000,000 parent codes
//     (read from the emulator's report of the related form). The rewriting pass, each code
//     replaced by its parent's ID, against csv-parse merely parsing the file (the target; the
//     median of runs each beside one of csv-parse, as the rewrite waits on memory more than the
//     parse does, and a busy machine slows the two unlike), with its ratio to a bare read-and-write
//     for information; the peak memory of the whole lookup stage.
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sampleInputs, startSampleEmulator } from '../emulator/sample.ts'
import { BUNDLE, NODE24, ROOT } from '../emulator/run-action.ts'
import { waitForJob } from '../src/poll.ts'
import { jobRunning, steppingClock } from '../emulator/simulated-job.ts'
import { writeBenchCsv } from './bench/files.ts'

const RUNS = 21
// The targets: the bench exits non-zero when one is missed.
const MAX_RATIO = 1.25
const MAX_RSS_MIB = 150
const MAX_ONE_HOUR_CALLS = 65
const MAX_UPLOAD_RATIO = 1.15
const MAX_UPLOAD_RSS_MIB = 120
const UPLOAD_RUNS = 11
const BASELINE = join(ROOT, 'scripts/bench/baseline.mjs')
const UPLOAD_BASELINE = join(ROOT, 'scripts/bench/upload-baseline.mjs')
const MAX_RSS = join(ROOT, 'scripts/bench/max-rss.mjs')
const SPLIT_FILE = join(ROOT, 'scripts/bench/split-file.ts')
const SPLIT_MB = 300
const MAX_SPLIT_RSS_MIB = 150
const SPLIT_RUNS = 7
const FILES_MB = Number(process.env['BENCH_FILES_MB'] ?? 300)
const FILES_RUNS = 3
const MAX_FILES_RATIO = 1
const MAX_FILES_RSS_MIB = 150
const CHECK_VALUES = join(ROOT, 'scripts/bench/check-values.ts')
const TRANSCODE = join(ROOT, 'scripts/bench/transcode.ts')
const CSV_PARSE = join(ROOT, 'scripts/bench/csv-parse-baseline.mjs')
const COPY_FLOOR = join(ROOT, 'scripts/bench/copy-floor.mjs')
const KEYS = join(ROOT, 'scripts/bench/keys.ts')
const KEY_RECORDS = Number(process.env['BENCH_KEY_RECORDS'] ?? 1_000_000)
const MAX_KEYS_RSS_MIB = 256
const MAX_KEY_READ_JOBS = 5
const LOOKUPS = join(ROOT, 'scripts/bench/lookups.ts')
const MAX_LOOKUPS_RSS_MIB = 300
const LOOKUPS_RUNS = 5

/** The sections of the bench, in the order they run; `npm run bench -- <name>...` runs some. */
const SECTIONS: Readonly<Record<string, () => Promise<BenchRow[]>>> = {
  start: benchStart,
  upload: benchUploads,
  split: benchSplit,
  files: benchFiles,
  keys: benchKeys,
  lookups: benchLookups,
  polling: benchPolling
}

const asked = process.argv.slice(2)
const unknown = asked.filter(name => !Object.hasOwn(SECTIONS, name))
if (unknown.length > 0) {
  console.error(
    `No bench section named ${unknown.join(', ')}: name some of ${Object.keys(SECTIONS).join(', ')}, or none for all.`
  )
  process.exit(2)
}

const { emulator, job, url } = await startSampleEmulator()
const dir = await mkdtemp(join(tmpdir(), 'zoho-bench-'))

/**
 * One run of `args` on Node 24 as the runner starts an action with `inputs`: its wall time in ms,
 * and, when `withRss`, its peak RSS in kB (measured by a preload, so such runs are not timed). It
 * must end well, with Zoho's 3000 in its outputs.
 */
async function timeAction(
  args: string[],
  inputs: Readonly<Record<string, string>>,
  withRss: boolean
): Promise<{ ms: number; rssKb: number }> {
  const output = join(dir, 'output')
  const rss = join(dir, 'rss')
  await writeFile(output, '')
  const env = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    BENCH_RSS_FILE: rss,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
    )
  }
  const started = performance.now()
  const preload = withRss ? ['--import', MAX_RSS] : []
  const child = spawn(NODE24, [...preload, ...args], { env, stdio: 'ignore' })
  const [exitCode] = (await once(child, 'close')) as [number | null]
  const ms = performance.now() - started
  if (exitCode !== 0 || !(await readFile(output, 'utf8')).includes('3000')) {
    throw new Error(`${args.join(' ')} did not ${inputs['action']} (exit code ${exitCode})`)
  }
  return { ms, rssKb: withRss ? Number(await readFile(rss, 'utf8')) : Number.NaN }
}

/** One start of the sample job, afresh. */
async function timeRun(args: string[], withRss = false): Promise<{ ms: number; rssKb: number }> {
  job.state = 'Ready-to-upload'
  return timeAction(args, sampleInputs(url), withRss)
}

/** A server that reads each request's body to the end, drops it, and answers Zoho's success. */
async function startSink(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end('{"code":3000,"message":"File uploaded successfully"}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** A CSV of about `mb` MB in `dir`. */
async function writeCsv(mb: number): Promise<string> {
  const path = join(dir, `upload-${mb}mb.csv`)
  const file = createWriteStream(path)
  file.write('Employee_ID,Name.first_name,Email\n')
  const rows = Array.from(
    { length: 1000 },
    (_, i) => `E-${i},Name ${i},person${i}@example.com\n`
  ).join('')
  for (let written = 0; written < mb * 1_000_000; written += rows.length) {
    if (!file.write(rows)) await once(file, 'drain')
  }
  file.end()
  await once(file, 'close')
  return path
}

/** One upload of `file` by `args` (the action or the floor) to `sinkUrl`. */
async function timeUpload(
  args: string[],
  file: string,
  sinkUrl: string,
  withRss = false
): Promise<{ ms: number; rssKb: number }> {
  const inputs = { ...sampleInputs(sinkUrl), action: 'upload', file, retries: '0', timeout: '600' }
  return timeAction(args, inputs, withRss)
}

/**
 * curl -F's wall time for the same upload, or undefined without curl. Spawned, not spawnSync: the
 * sink runs in this process and must go on reading while curl sends.
 */
async function curlUpload(file: string, sinkUrl: string): Promise<number | undefined> {
  const started = performance.now()
  const child = spawn(
    'curl',
    ['-s', '-o', '/dev/null', '-F', `file=@${file}`, `${sinkUrl}/upload`],
    {
      stdio: 'ignore'
    }
  )
  const failed = once(child, 'error').then(() => undefined)
  const closed = once(child, 'close').then(([status]) =>
    status === 0 ? performance.now() - started : undefined
  )
  return Promise.race([failed, closed])
}

type BenchRow = [string, string, string, boolean | undefined]

/** The rows for uploading a CSV of `mb` MB. */
async function benchUpload(mb: number, sinkUrl: string): Promise<BenchRow[]> {
  const file = await writeCsv(mb)
  const action: number[] = []
  const floor: number[] = []
  const curl: number[] = []
  await timeUpload([BUNDLE], file, sinkUrl)
  await timeUpload([UPLOAD_BASELINE], file, sinkUrl)
  for (let run = 0; run < UPLOAD_RUNS; run++) {
    action.push((await timeUpload([BUNDLE], file, sinkUrl)).ms)
    floor.push((await timeUpload([UPLOAD_BASELINE], file, sinkUrl)).ms)
    const curlMs = await curlUpload(file, sinkUrl)
    if (curlMs !== undefined) curl.push(curlMs)
  }
  const rss = (await timeUpload([BUNDLE], file, sinkUrl, true)).rssKb / 1024
  const floorRss = (await timeUpload([UPLOAD_BASELINE], file, sinkUrl, true)).rssKb / 1024
  await rm(file)
  const ratio = median(action) / median(floor)
  return [
    [
      `Upload ${mb} MB: the action, node:http floor${curl.length > 0 ? ', curl -F' : ''} (median of ${UPLOAD_RUNS})`,
      [median(action), median(floor), ...(curl.length > 0 ? [median(curl)] : [])]
        .map(ms => `${ms.toFixed(0)} ms`)
        .join(', '),
      '',
      undefined
    ],
    [
      `Upload ${mb} MB: ratio to the floor`,
      ratio.toFixed(2),
      `≤ ${MAX_UPLOAD_RATIO}`,
      ratio <= MAX_UPLOAD_RATIO
    ],
    [
      `Upload ${mb} MB: peak RSS of the action (of the floor)`,
      `${rss.toFixed(1)} MiB (${floorRss.toFixed(1)} MiB)`,
      mb >= 100 ? `< ${MAX_UPLOAD_RSS_MIB} MiB` : '',
      mb >= 100 ? rss < MAX_UPLOAD_RSS_MIB : undefined
    ]
  ]
}

/** Splitting a CSV of about SPLIT_MB MB: the action's splitter against split -C. */
async function benchSplit(): Promise<BenchRow[]> {
  const path = join(dir, 'split.csv')
  const file = createWriteStream(path)
  file.write('Employee_ID,Note,Email\r\n')
  const rows = Array.from(
    { length: 1000 },
    (_, i) => `E-${i},"Line one, ""quoted""\r\nline two",person${i}@example.com\r\n`
  ).join('')
  for (let written = 0; written < SPLIT_MB * 1_000_000; written += rows.length) {
    if (!file.write(rows)) await once(file, 'drain')
  }
  file.end()
  await once(file, 'close')
  const parts = join(dir, 'parts')
  const timed = async (args: string[]): Promise<number> => {
    await rm(parts, { recursive: true, force: true })
    await mkdir(parts)
    const started = performance.now()
    const child = spawn(args[0] ?? '', args.slice(1), {
      stdio: 'ignore',
      env: { ...process.env, BENCH_RSS_FILE: join(dir, 'split-rss') }
    })
    const [code] = (await once(child, 'close')) as [number | null]
    if (code !== 0) throw new Error(`${args.join(' ')} failed (exit code ${code})`)
    return performance.now() - started
  }
  const bundle = join(dir, 'split-bundle')
  await timed([join(ROOT, 'node_modules/.bin/ncc'), 'build', SPLIT_FILE, '-o', bundle, '-q'])
  const splitter = [NODE24, '--import', MAX_RSS, join(bundle, 'index.js'), path, parts]
  // GNU split alone has -C; where it is missing (macOS, Windows) the comparison is left out.
  const gnuSplit = spawnSync('split', ['--version'], { stdio: 'ignore' }).status === 0
  const floor = ['split', '-C', String(100 * 1024 * 1024), path, join(parts, 'floor-')]
  const action: number[] = []
  const line: number[] = []
  await timed(splitter)
  for (let run = 0; run < SPLIT_RUNS; run++) {
    action.push(await timed(splitter))
    if (gnuSplit) line.push(await timed(floor))
  }
  await timed(splitter)
  const rss = Number(await readFile(join(dir, 'split-rss'), 'utf8')) / 1024
  await rm(path)
  await rm(parts, { recursive: true, force: true })
  return [
    [
      `Split ${SPLIT_MB} MB into 100 MB parts: the action's splitter (median of ${SPLIT_RUNS})`,
      `${median(action).toFixed(0)} ms`,
      '',
      undefined
    ],
    [
      'Split: GNU split -C on the same file, for information',
      gnuSplit
        ? `${median(line).toFixed(0)} ms (${(median(action) / median(line)).toFixed(2)} times)`
        : 'skipped: no GNU split on this machine',
      '',
      undefined
    ],
    [
      'Split: peak RSS of the splitter',
      `${rss.toFixed(1)} MiB`,
      `< ${MAX_SPLIT_RSS_MIB} MiB`,
      rss < MAX_SPLIT_RSS_MIB
    ]
  ]
}

/** A process run to its end: its wall time in ms, and its peak RSS in MiB (read by a preload). */
async function timedProcess(args: readonly string[]): Promise<{ ms: number; rssMib: number }> {
  const rssFile = join(dir, 'process-rss')
  await writeFile(rssFile, '0')
  const started = performance.now()
  const child = spawn(args[0] ?? '', args.slice(1), {
    stdio: 'ignore',
    env: { ...process.env, BENCH_RSS_FILE: rssFile }
  })
  const [code] = (await once(child, 'close')) as [number | null]
  if (code !== 0) throw new Error(`${args.join(' ')} failed (exit code ${code})`)
  const ms = performance.now() - started
  return { ms, rssMib: Number(await readFile(rssFile, 'utf8')) / 1024 }
}

/** The median time and the peak RSS of FILES_RUNS runs of `args`, after one to warm the cache. */
async function medianOf(args: readonly string[]): Promise<{ ms: number; rssMib: number }> {
  await timedProcess(args)
  const runs: { ms: number; rssMib: number }[] = []
  for (let run = 0; run < FILES_RUNS; run++) runs.push(await timedProcess(args))
  return {
    ms: median(runs.map(run => run.ms)),
    rssMib: Math.max(...runs.map(run => run.rssMib))
  }
}

/** The value check and the UTF-16 copy, each against csv-parse parsing the same file. */
async function benchFiles(): Promise<BenchRow[]> {
  const work = join(dir, 'files')
  await mkdir(work, { recursive: true })
  const values = join(work, 'values.csv')
  const utf16 = join(work, 'utf16.csv')
  await writeBenchCsv(values, FILES_MB)
  // UTF-16 takes two bytes a character: half the text makes a file of FILES_MB MB.
  await writeBenchCsv(utf16, FILES_MB / 2, true)
  const bundles = join(work, 'bundles')
  for (const [name, script] of [
    ['check', CHECK_VALUES],
    ['transcode', TRANSCODE]
  ] as const) {
    await timedProcess([
      join(ROOT, 'node_modules/.bin/ncc'),
      'build',
      script,
      '-o',
      join(bundles, name),
      '-q'
    ])
  }
  const node = (...args: string[]): string[] => [NODE24, '--import', MAX_RSS, ...args]
  const rows: BenchRow[] = []
  for (const [what, action, kind, file] of [
    [`Check every value of a ${FILES_MB} MB CSV`, 'check', 'utf8', values],
    [
      `Write a ${FILES_MB} MB UTF-16 file with semicolons as UTF-8 with commas`,
      'transcode',
      'utf16',
      utf16
    ]
  ] as const) {
    const ours = await medianOf(node(join(bundles, action, 'index.js'), file, work))
    const parser = await medianOf(node(CSV_PARSE, file, kind))
    const floor = await medianOf(node(COPY_FLOOR, file, join(work, 'floor.csv')))
    const ratio = ours.ms / parser.ms
    rows.push(
      [
        `${what}: the action (median of ${FILES_RUNS}), against csv-parse merely parsing it`,
        `${ours.ms.toFixed(0)} ms; csv-parse ${parser.ms.toFixed(0)} ms: ${ratio.toFixed(2)} times` +
          ` (${(ours.ms / floor.ms).toFixed(1)} times a bare read and write, for information)`,
        `≤ ${MAX_FILES_RATIO} times csv-parse`,
        ratio <= MAX_FILES_RATIO
      ],
      [
        `${what}: peak RSS of the action`,
        `${ours.rssMib.toFixed(1)} MiB`,
        `< ${MAX_FILES_RSS_MIB} MiB`,
        ours.rssMib < MAX_FILES_RSS_MIB
      ]
    )
  }
  await rm(work, { recursive: true, force: true })
  return rows
}

/**
 * The stage script `script` bundled by ncc (as dist/ is) into `work`: a function that runs it on
 * Node 24 on the file at `path` against the emulator, and gives what it printed (JSON) and its
 * peak RSS.
 */
async function stageOnFile(
  script: string,
  path: string,
  work: string
): Promise<() => Promise<{ printed: unknown; rssMib: number }>> {
  const bundle = join(work, 'bundle')
  await timedProcess([join(ROOT, 'node_modules/.bin/ncc'), 'build', script, '-o', bundle, '-q'])
  const rssFile = join(work, 'rss')
  return async () => {
    const child = spawn(NODE24, ['--import', MAX_RSS, join(bundle, 'index.js'), path, work, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_RSS_FILE: rssFile }
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const [code] = (await once(child, 'close')) as [number | null]
    if (code !== 0) throw new Error(`${script} failed (exit code ${code})`)
    return {
      printed: JSON.parse(out) as unknown,
      rssMib: Number(await readFile(rssFile, 'utf8')) / 1024
    }
  }
}

/** The key stage of a load against csv-parse parsing the same file, and the read's API calls. */
async function benchKeys(): Promise<BenchRow[]> {
  const work = join(dir, 'keys')
  await mkdir(work, { recursive: true })
  const path = join(work, 'staff.csv')
  const file = createWriteStream(path)
  file.write('Employee_ID,Name,Email\r\n')
  for (let n = 1; n <= KEY_RECORDS; n++) {
    if (!file.write(`E-${n},"Person ${n}, the ${n % 7}th",person${n}@example.com\r\n`))
      await once(file, 'drain')
  }
  file.end()
  await once(file, 'close')
  // The form holds the second half of the file's keys, and as many others after them.
  const form = { owner: 'jason18', app: 'zylker-store', form: 'Employee_Details' }
  const half = Math.floor(KEY_RECORDS / 2)
  emulator.reads.addRecords(
    form,
    Array.from({ length: KEY_RECORDS }, (_, n) => ({ Employee_ID: `E-${half + n + 1}` }))
  )
  const runStage = await stageOnFile(KEYS, path, work)
  /** One run of the key stage: its filtering pass, its peak RSS, the API calls and read jobs. */
  const keyStage = async () => {
    const calls = emulator.requests.length
    const readJobs = emulator.reads.jobs.length
    const { printed, rssMib } = await runStage()
    return {
      ...(printed as { filterMs: number; load: number; skipped: number }),
      rssMib,
      calls: emulator.requests.length - calls,
      readJobs: emulator.reads.jobs.length - readJobs
    }
  }
  // The median of FILES_RUNS runs, as the other passes over a whole file.
  const runs = []
  for (let run = 0; run < FILES_RUNS; run++) runs.push(await keyStage())
  const [first] = runs
  if (first === undefined) throw new Error('no run of the key stage')
  const ours = { ...first, filterMs: median(runs.map(run => run.filterMs)) }
  const rssMib = Math.max(...runs.map(run => run.rssMib))
  const { calls, readJobs } = first
  const parser = await medianOf([NODE24, CSV_PARSE, path, 'utf8'])
  const floor = await medianOf([NODE24, COPY_FLOOR, path, join(work, 'floor.csv')])
  await rm(work, { recursive: true, force: true })
  const ratio = ours.filterMs / parser.ms
  const what = `A load with a key: ${KEY_RECORDS} records, ${KEY_RECORDS} keys in the form`
  return [
    [
      `${what}: the filtering pass (${ours.load} to load, ${ours.skipped} skipped), against csv-parse merely parsing the file`,
      `${ours.filterMs.toFixed(0)} ms; csv-parse ${parser.ms.toFixed(0)} ms: ${ratio.toFixed(2)} times` +
        ` (${(ours.filterMs / floor.ms).toFixed(1)} times a bare read and write, for information)`,
      `≤ ${MAX_FILES_RATIO} times csv-parse`,
      ratio <= MAX_FILES_RATIO
    ],
    [
      `${what}: peak RSS of the key stage`,
      `${rssMib.toFixed(1)} MiB`,
      `< ${MAX_KEYS_RSS_MIB} MiB`,
      rssMib < MAX_KEYS_RSS_MIB
    ],
    [
      `${what}: API calls of the read (read jobs; their polls and downloads)`,
      `${calls} (${readJobs} read jobs)`,
      `≤ ${MAX_KEY_READ_JOBS} read jobs`,
      readJobs <= MAX_KEY_READ_JOBS
    ]
  ]
}

/** The lookup stage of a load against csv-parse parsing the same file. */
async function benchLookups(): Promise<BenchRow[]> {
  const work = join(dir, 'lookups')
  await mkdir(work, { recursive: true })
  const path = join(work, 'employees.csv')
  const file = createWriteStream(path)
  file.write('Employee_Code,Full_Name,Department\r\n')
  // Each employee's department among KEY_RECORDS of them, spread over all; one in 1000 unknown.
  for (let n = 1; n <= KEY_RECORDS; n++) {
    const department = n % 1000 === 0 ? 'D-none' : `D-${(n * 7919) % KEY_RECORDS}`
    if (!file.write(`E-${n},"Person ${n}, the ${n % 7}th",${department}\r\n`))
      await once(file, 'drain')
  }
  file.end()
  await once(file, 'close')
  emulator.reads.addRecords(
    { owner: 'jason18', app: 'zylker-store', form: 'Departments' },
    Array.from({ length: KEY_RECORDS }, (_, n) => ({ Dept_Code: `D-${n}`, Dept_Name: `Dept ${n}` }))
  )
  const runStage = await stageOnFile(LOOKUPS, path, work)
  const stage = async () => {
    const { printed, rssMib } = await runStage()
    type Printed = { rewriteMs: number; parents: number; kept: number; rejected: number }
    return { ...(printed as Printed), rssMib }
  }
  const parse = [NODE24, CSV_PARSE, path, 'utf8']
  await timedProcess(parse) // to warm the file cache
  const runs = []
  const parsed = []
  for (let run = 0; run < LOOKUPS_RUNS; run++) {
    // Interleaved, so that a slow moment of the machine weighs on both alike.
    runs.push(await stage())
    parsed.push((await timedProcess(parse)).ms)
  }
  const [first] = runs
  if (first === undefined) throw new Error('no run of the lookup stage')
  const rewriteMs = median(runs.map(run => run.rewriteMs))
  const rssMib = Math.max(...runs.map(run => run.rssMib))
  const parserMs = median(parsed)
  const floor = await medianOf([NODE24, COPY_FLOOR, path, join(work, 'floor.csv')])
  await rm(work, { recursive: true, force: true })
  const ratio = rewriteMs / parserMs
  const what = `Lookups: ${KEY_RECORDS} records against ${first.parents} parent keys`
  return [
    [
      `${what}: the rewriting pass (${first.kept} resolved, ${first.rejected} unmatched; median of ${LOOKUPS_RUNS}, each run beside one of csv-parse), against csv-parse merely parsing the file`,
      `${rewriteMs.toFixed(0)} ms; csv-parse ${parserMs.toFixed(0)} ms: ${ratio.toFixed(2)} times` +
        ` (${(rewriteMs / floor.ms).toFixed(1)} times a bare read and write, for information)`,
      `≤ ${MAX_FILES_RATIO} times csv-parse`,
      ratio <= MAX_FILES_RATIO
    ],
    [
      `${what}: peak RSS of the lookup stage (the parents' read and the rewrite)`,
      `${rssMib.toFixed(1)} MiB`,
      `< ${MAX_LOOKUPS_RSS_MIB} MiB`,
      rssMib < MAX_LOOKUPS_RSS_MIB
    ]
  ]
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** A job that runs `hours`, polled with the defaults on a clock that never waits. */
async function simulateJob(hours: number): Promise<{ calls: number; lateSeconds: number }> {
  const endsAt = hours * 3_600_000
  const clock = steppingClock()
  const job = jobRunning(clock, endsAt)
  const result = await waitForJob({ timeoutMs: 2 * endsAt, firstDelayMs: 5000 }, 2 * endsAt, {
    readStatus: job.readStatus,
    isPassing: () => false,
    clock,
    log: () => {}
  })
  return { calls: result.polls, lateSeconds: ((job.reads.at(-1) ?? Number.NaN) - endsAt) / 1000 }
}

/** The wall time and memory of a whole run against a bare client, and the size of dist/. */
async function benchStart(): Promise<BenchRow[]> {
  const action: number[] = []
  const baseline: number[] = []
  const rssKb: number[] = []
  await timeRun([BUNDLE]) // warm the file cache for both before measuring
  await timeRun([BASELINE])
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so that a slow moment of the machine weighs on both alike.
    action.push((await timeRun([BUNDLE])).ms)
    baseline.push((await timeRun([BASELINE])).ms)
  }
  for (let run = 0; run < 5; run++) rssKb.push((await timeRun([BUNDLE], true)).rssKb)
  const actionMs = median(action)
  const baselineMs = median(baseline)
  const distBytes = (
    await Promise.all(
      (await readdir(join(ROOT, 'dist'))).map(
        async file => (await stat(join(ROOT, 'dist', file))).size
      )
    )
  ).reduce((sum, size) => sum + size, 0)
  const bundleBytes = (await stat(BUNDLE)).size
  const ratio = actionMs / baselineMs
  const peakMib = median(rssKb) / 1024
  return [
    [`Wall time, the action (median of ${RUNS})`, `${actionMs.toFixed(1)} ms`, '', undefined],
    [
      `Wall time, minimal node:http client (median of ${RUNS})`,
      `${baselineMs.toFixed(1)} ms`,
      '',
      undefined
    ],
    ['Ratio', ratio.toFixed(2), `≤ ${MAX_RATIO}`, ratio <= MAX_RATIO],
    [
      'Peak RSS of the action (median of 5)',
      `${peakMib.toFixed(1)} MiB`,
      `< ${MAX_RSS_MIB} MiB`,
      peakMib < MAX_RSS_MIB
    ],
    ['dist/ size (dist/index.js)', `${distBytes} bytes (${bundleBytes})`, '', undefined]
  ]
}

/** The status calls of simulated jobs with the default polling, and how late an end is seen. */
async function benchPolling(): Promise<BenchRow[]> {
  const oneHour = await simulateJob(1)
  const [fiveHours, oneDay] = [await simulateJob(5), await simulateJob(24)]
  return [
    [
      'Status calls, one-hour job, default polling',
      String(oneHour.calls),
      `≤ ${MAX_ONE_HOUR_CALLS}`,
      oneHour.calls <= MAX_ONE_HOUR_CALLS
    ],
    ['Status calls, five-hour job', String(fiveHours.calls), '', undefined],
    ['Status calls, 24-hour job', String(oneDay.calls), '', undefined],
    [
      'The one-hour job’s end noticed after',
      `${oneHour.lateSeconds.toFixed(1)} s`,
      '≤ one poll delay (60 s)',
      oneHour.lateSeconds <= 60
    ]
  ]
}

/** Both uploads, against a sink on loopback. */
async function benchUploads(): Promise<BenchRow[]> {
  const sink = await startSink()
  try {
    return [...(await benchUpload(10, sink.url)), ...(await benchUpload(100, sink.url))]
  } finally {
    sink.server.close()
  }
}

try {
  const rows: BenchRow[] = []
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (asked.length === 0 || asked.includes(name)) rows.push(...(await section()))
  }
  console.log(
    `Node ${(await run([NODE24, '--version'])).trim()}, ${new Date().toISOString().slice(0, 10)}\n`
  )
  console.log('| Measure | Value | Target |\n|---|---|---|')
  for (const [measure, value, target, met] of rows) {
    console.log(`| ${measure} | ${value} | ${target}${met === false ? ' **missed**' : ''} |`)
  }
  const missed = rows.filter(([, , , met]) => met === false).map(([measure]) => measure)
  if (missed.length > 0) {
    console.error(`\nTargets missed: ${missed.join('; ')}.`)
    process.exitCode = 1
  }
} finally {
  await emulator.stop()
  await rm(dir, { recursive: true, force: true })
}

async function run([command, ...args]: string[]): Promise<string> {
  const child = spawn(command ?? '', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  await once(child, 'close')
  return out
}
