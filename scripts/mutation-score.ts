// After `stryker run`: reads its JSON report, writes the per-module table to docs/mutation-score.md
// (and its figures to docs/mutation-score.json, which the next run over part of src/ starts from),
// and fails unless the mutation score is at least 90% overall and 85% in every module of src/
// (Stryker's own `break` threshold knows only the overall).
// Score = (killed + timed out) / (all mutants but those that do not compile or were ignored).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
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

/**
 * What the table shows of a module: docs/mutation-score.json keeps it, so that a run over part of
 * src/ (a module takes up to an hour on two cores) updates those rows and keeps the others.
 */
export interface ModuleScore {
  /** Those counted: all but the ignored, the static set aside and those that do not compile. */
  readonly mutants: number
  /** Killed or timed out. */
  readonly detected: number
  readonly timedOut: number
  /** Those a `// Stryker disable` comment names. */
  readonly ignored: number
  /** The static mutants set aside (see isRunStatic). */
  readonly static: number
}

export function score(statuses: readonly string[]): { detected: number; valid: number } {
  const valid = statuses.filter(status => !NOT_COUNTED.has(status))
  return { detected: valid.filter(status => DETECTED.has(status)).length, valid: valid.length }
}

/** A module's row, from its mutants in a report. */
export function moduleScore(mutants: readonly Mutant[]): ModuleScore {
  const statuses = mutants.filter(mutant => !isRunStatic(mutant)).map(mutant => mutant.status)
  const ignoredStatic = mutants.filter(isIgnoredStatic).length
  const { detected, valid } = score(statuses)
  return {
    mutants: valid,
    detected,
    timedOut: statuses.filter(status => status === 'Timeout').length,
    ignored: statuses.filter(status => status === 'Ignored').length - ignoredStatic,
    static: ignoredStatic + mutants.filter(isRunStatic).length
  }
}

const percent = ({ detected, mutants }: { detected: number; mutants: number }): number =>
  mutants === 0 ? 100 : (100 * detected) / mutants

const sum = (scores: readonly ModuleScore[], count: keyof ModuleScore): number =>
  scores.reduce((total, one) => total + one[count], 0)

/**
 * The per-module table, as docs/mutation-score.md holds it (committed, so the figure can be
 * checked). Each of `modules` without a score gets a row that says it was not measured.
 */
export function scoreTable(
  scores: Readonly<Record<string, ModuleScore>>,
  measuredAt: string,
  modules: readonly string[] = []
): { markdown: string; overall: number; low: string[]; unmeasured: string[] } {
  const low: string[] = []
  const rows: string[] = []
  const unmeasured = modules.filter(module => scores[module] === undefined)
  const names = [...Object.keys(scores), ...unmeasured].sort((a, b) => a.localeCompare(b))
  for (const file of names) {
    const measured = scores[file]
    if (measured === undefined) {
      rows.push(`| \`${file}\` | — | — | — | not measured |`)
      continue
    }
    const value = percent(measured)
    // A module whose every mutant was set aside has no score: 100% over nothing would claim one.
    const shown =
      measured.mutants > 0
        ? `${value.toFixed(1)}%`
        : measured.static > 0
          ? 'only static mutants'
          : 'no mutants'
    rows.push(
      `| \`${file}\` | ${measured.mutants} | ${measured.detected} | ${measured.timedOut} | ${shown} |`
    )
    if (value < PER_MODULE) low.push(`${file} (${value.toFixed(1)}%)`)
  }
  const all = Object.values(scores)
  const total = { mutants: sum(all, 'mutants'), detected: sum(all, 'detected') }
  const overall = percent(total)
  const ignored = sum(all, 'ignored')
  const staticCount = sum(all, 'static')
  const statics = Object.entries(scores)
    .filter(([, one]) => one.static > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, one]) => `\`${file}\` ${one.static}`)
  const markdown = [
    '# Mutation score',
    '',
    `Written by \`npm run mutation\` (StrykerJS over \`src/\`, then \`scripts/mutation-score.ts\`), ${measuredAt}.`,
    `Targets: at least ${OVERALL}% over \`src/\` and ${PER_MODULE}% in every module. Score = (killed + timed`,
    'out) / (every mutant but those that do not compile or were ignored). A run over some modules',
    '(`--mutate`) updates their rows; `docs/mutation-score.json` keeps the others from earlier runs.',
    '',
    `${ignored} ${ignored === 1 ? 'mutant was' : 'mutants were'} ignored: those a \`// Stryker disable\` comment names with its reason.`,
    ...(staticCount === 0
      ? []
      : [
          `${staticCount} static mutants are set aside too: values set as a module loads, which every test`,
          'runs (a run over them takes hours). `--ignoreStatic` ignores such a mutant, or StrykerJS runs it',
          'against one test only, the end-to-end test it saw load the module first, not the tests that',
          'check the value. Each row counts the others. By module:',
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
          `**${unmeasured.length} of ${names.length} modules were not measured**, so the last row is not`,
          'yet a score for all of `src/`.'
        ]),
    '',
    '| Module | Mutants | Detected | Of them timed out | Score |',
    '|---|---|---|---|---|',
    ...rows,
    `| **${unmeasured.length === 0 ? 'all of `src/`' : 'the modules measured'}** | ${total.mutants} | ${total.detected} | ${sum(all, 'timedOut')} | **${overall.toFixed(1)}%** |`,
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
 * The scores kept from earlier runs (`kept`), each module the reports measured replaced by its
 * last report's (oldest first), and none of a module no longer in `modules`.
 */
export function mergeScores(
  kept: Readonly<Record<string, ModuleScore>>,
  reports: readonly Report[],
  modules: readonly string[]
): Record<string, ModuleScore> {
  const measured = reports.flatMap(report =>
    Object.entries(report.files).map(([file, { mutants }]) => [file, moduleScore(mutants)] as const)
  )
  return Object.fromEntries(
    [...Object.entries(kept), ...measured].filter(([file]) => modules.includes(file))
  )
}

if (import.meta.main) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  // The reports named on the command line, oldest first; by default the last run's.
  const paths = process.argv.slice(2)
  const reports = (paths.length === 0 ? [join(root, 'reports/mutation/mutation.json')] : paths).map(
    path => JSON.parse(readFileSync(path, 'utf8')) as Report
  )
  const keptPath = join(root, 'docs/mutation-score.json')
  const kept = existsSync(keptPath)
    ? (JSON.parse(readFileSync(keptPath, 'utf8')) as Record<string, ModuleScore>)
    : {}
  const modules = sourceModules(root)
  const scores = mergeScores(kept, reports, modules)
  const commit = process.env['GITHUB_SHA'] ?? ''
  const at = commit === '' ? '' : ` at ${commit.slice(0, 7)}`
  const when = `last on ${new Date().toISOString().slice(0, 10)}${at}`
  const { markdown, overall, low, unmeasured } = scoreTable(scores, when, modules)
  writeFileSync(keptPath, `${JSON.stringify(scores, undefined, 2)}\n`)
  writeFileSync(join(root, 'docs/mutation-score.md'), markdown)
  console.log(markdown)
  if (overall < OVERALL) console.error(`The overall mutation score is below ${OVERALL}%.`)
  if (low.length > 0) console.error(`Below ${PER_MODULE}%: ${low.join(', ')}.`)
  if (unmeasured.length > 0) console.error(`Not measured: ${unmeasured.join(', ')}.`)
  if (overall < OVERALL || low.length > 0 || unmeasured.length > 0) process.exitCode = 1
}
