// After `stryker run`: reads its JSON report, writes the per-module table to docs/mutation-score.md,
// and fails unless the mutation score is at least 90% overall and 85% in every module of src/
// (Stryker's own `break` threshold knows only the overall).
// Score = (killed + timed out) / (all mutants but those that do not compile or were ignored).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const OVERALL = 90
const PER_MODULE = 85

/** A mutant as Stryker's JSON report gives it. */
interface Mutant {
  readonly status: string
  /** Why it was ignored: a `// Stryker disable` comment's reason, or that it is static. */
  readonly statusReason?: string
  /** Set when it changes what a module does as it loads. */
  readonly static?: boolean
  /** The IDs of the tests that ran its code. */
  readonly coveredBy?: readonly string[]
}

const DETECTED = new Set(['Killed', 'Timeout'])
const NOT_COUNTED = new Set(['CompileError', 'RuntimeError', 'Ignored'])

/** A static mutant (a module-level value, run only as the module loads) that --ignoreStatic left. */
const isIgnoredStatic = (mutant: Mutant): boolean =>
  mutant.status === 'Ignored' && /static/i.test(mutant.statusReason ?? '')

/**
 * A static mutant StrykerJS ran all the same, against one test: the one it saw load the module
 * first (an end-to-end test of the in-process project), whatever the tests that check the value.
 * Such a mutant is no measure of the tests: it is set aside with those --ignoreStatic left. (A
 * static mutant whose code tests run too, a constant read by a function, is measured as any.)
 */
const isRunStatic = (mutant: Mutant): boolean =>
  mutant.static === true && !NOT_COUNTED.has(mutant.status) && (mutant.coveredBy?.length ?? 0) <= 1

interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: readonly Mutant[] }>>
}

export function score(statuses: readonly string[]): { detected: number; valid: number } {
  const valid = statuses.filter(status => !NOT_COUNTED.has(status))
  return { detected: valid.filter(status => DETECTED.has(status)).length, valid: valid.length }
}

const percent = ({ detected, valid }: { detected: number; valid: number }): number =>
  valid === 0 ? 100 : (100 * detected) / valid

/**
 * The per-module table, as docs/mutation-score.md holds it (committed, so the figure can be
 * checked). Each of `modules` the report does not hold gets a row that says it was not measured.
 */
export function scoreTable(
  files: Readonly<Record<string, { readonly mutants: readonly Mutant[] }>>,
  measuredAt: string,
  modules: readonly string[] = []
): { markdown: string; overall: number; low: string[]; unmeasured: string[] } {
  const all: string[] = []
  const statics: string[] = []
  /** The statuses of the static mutants StrykerJS ran all the same. */
  const runStatics: string[] = []
  const low: string[] = []
  const rows: string[] = []
  const unmeasured = modules.filter(module => files[module] === undefined)
  const names = [...Object.keys(files), ...unmeasured].sort((a, b) => a.localeCompare(b))
  for (const file of names) {
    const measured = files[file]
    if (measured === undefined) {
      rows.push(`| \`${file}\` | — | — | — | not measured |`)
      continue
    }
    const statuses = measured.mutants.filter(mutant => !isRunStatic(mutant)).map(m => m.status)
    all.push(...statuses)
    const ran = measured.mutants.filter(isRunStatic)
    runStatics.push(...ran.map(mutant => mutant.status))
    const leftStatic = measured.mutants.filter(isIgnoredStatic).length + ran.length
    if (leftStatic > 0) statics.push(`\`${file}\` ${leftStatic}`)
    const result = score(statuses)
    const value = percent(result)
    const timedOut = statuses.filter(status => status === 'Timeout').length
    // A module whose every mutant was set aside has no score: 100% over nothing would claim one.
    const shown =
      result.valid > 0
        ? `${value.toFixed(1)}%`
        : leftStatic > 0
          ? 'only static mutants'
          : 'no mutants'
    rows.push(`| \`${file}\` | ${result.valid} | ${result.detected} | ${timedOut} | ${shown} |`)
    if (value < PER_MODULE) low.push(`${file} (${value.toFixed(1)}%)`)
  }
  const total = score(all)
  const overall = percent(total)
  const staticCount = statics.reduce((sum, entry) => sum + Number(entry.split(' ').at(-1)), 0)
  const ignored =
    all.filter(status => status === 'Ignored').length - (staticCount - runStatics.length)
  const ranKilled = score(runStatics)
  const markdown = [
    '# Mutation score',
    '',
    `Written by \`npm run mutation\` (StrykerJS over \`src/\`, then \`scripts/mutation-score.ts\`), ${measuredAt}.`,
    `Targets: at least ${OVERALL}% over \`src/\` and ${PER_MODULE}% in every module. Score = (killed + timed`,
    'out) / (every mutant but those that do not compile or were ignored).',
    '',
    `${ignored} ${ignored === 1 ? 'mutant was' : 'mutants were'} ignored: those a \`// Stryker disable\` comment names with its reason.`,
    ...(statics.length === 0
      ? []
      : [
          `${staticCount} static mutants are set aside too: values set as a module loads, which every test`,
          'runs (a run over them takes hours). `--ignoreStatic` ignores such a mutant, or StrykerJS runs it',
          'against one test only, the end-to-end test it saw load the module first, not the tests that',
          `check the value${
            runStatics.length === 0
              ? ''
              : ` (${runStatics.length} were run so: ${ranKilled.detected} detected, ${ranKilled.valid - ranKilled.detected} not)`
          }. Each row counts the others. By module:`,
          `${statics.join(', ')}.`
        ]),
    'A mutant that timed out counts as detected (it made the tests hang); on a loaded machine a slow',
    'run may time out too: the column says how many there were.',
    "Runs are incremental (stryker.config.json): StrykerJS reuses a result when the mutant's code and",
    "the names of the tests that cover it are unchanged, so a result may predate a test's new",
    'assertions, or a change elsewhere in the code; `npx stryker run --force` measures afresh.',
    ...(unmeasured.length === 0
      ? []
      : [
          '',
          `**${unmeasured.length} of ${names.length} modules were not measured**: the run mutated only the`,
          'others (`--mutate`), so the last row is not yet a score for all of `src/`.'
        ]),
    '',
    '| Module | Mutants | Detected | Of them timed out | Score |',
    '|---|---|---|---|---|',
    ...rows,
    `| **${unmeasured.length === 0 ? 'all of `src/`' : 'the modules measured'}** | ${total.valid} | ${total.detected} | ${all.filter(status => status === 'Timeout').length} | **${overall.toFixed(1)}%** |`,
    ''
  ].join('\n')
  return { markdown, overall, low, unmeasured }
}

/** The modules StrykerJS mutates (stryker.config.json: every .ts of src/ but the entry point). */
export function sourceModules(root: string): string[] {
  return readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .map(path => `src/${path.split(sep).join('/')}`)
    .filter(path => path.endsWith('.ts') && path !== 'src/index.ts')
    .sort((a, b) => a.localeCompare(b))
}

/**
 * The modules of several reports, each as the last report that holds it gives it: runs of
 * `stryker run --mutate` over parts of src/ (each hours long) make one table.
 */
export function mergeReports(reports: readonly Report[]): Report['files'] {
  return Object.assign({}, ...reports.map(report => report.files)) as Report['files']
}

if (import.meta.main) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  // The reports named on the command line, oldest first; by default the last run's.
  const paths = process.argv.slice(2)
  const reports = (paths.length === 0 ? [join(root, 'reports/mutation/mutation.json')] : paths).map(
    path => JSON.parse(readFileSync(path, 'utf8')) as Report
  )
  const commit = process.env['GITHUB_SHA'] ?? ''
  const at = commit === '' ? '' : ` at ${commit.slice(0, 7)}`
  const runs =
    reports.length > 1
      ? `, from ${reports.length} runs over parts of \`src/\` (a module's row is its last run's)`
      : ''
  const when = `on ${new Date().toISOString().slice(0, 10)}${at}${runs}`
  const { markdown, overall, low, unmeasured } = scoreTable(
    mergeReports(reports),
    when,
    sourceModules(root)
  )
  writeFileSync(join(root, 'docs/mutation-score.md'), markdown)
  console.log(markdown)
  if (overall < OVERALL) console.error(`The overall mutation score is below ${OVERALL}%.`)
  if (low.length > 0) console.error(`Below ${PER_MODULE}%: ${low.join(', ')}.`)
  if (unmeasured.length > 0) console.error(`Not measured: ${unmeasured.join(', ')}.`)
  if (overall < OVERALL || low.length > 0 || unmeasured.length > 0) process.exitCode = 1
}
