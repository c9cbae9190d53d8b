// After `stryker run`: reads its JSON report and fails unless the mutation score is at least 90%
// overall and 85% in every module of src/ (Stryker's own `break` threshold knows only the overall).
// Score = (killed + timed out) / (all mutants but those that do not compile or were ignored).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const OVERALL = 90
const PER_MODULE = 85

interface Report {
  readonly files: Readonly<
    Record<string, { readonly mutants: readonly { readonly status: string }[] }>
  >
}

const DETECTED = new Set(['Killed', 'Timeout'])
const NOT_COUNTED = new Set(['CompileError', 'RuntimeError', 'Ignored'])

export function score(statuses: readonly string[]): { detected: number; valid: number } {
  const valid = statuses.filter(status => !NOT_COUNTED.has(status))
  return { detected: valid.filter(status => DETECTED.has(status)).length, valid: valid.length }
}

const percent = ({ detected, valid }: { detected: number; valid: number }): number =>
  valid === 0 ? 100 : (100 * detected) / valid

if (import.meta.main) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const report = JSON.parse(
    readFileSync(join(root, 'reports/mutation/mutation.json'), 'utf8')
  ) as Report
  const all: string[] = []
  const low: string[] = []
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) =>
    a.localeCompare(b)
  )) {
    const statuses = mutants.map(mutant => mutant.status)
    all.push(...statuses)
    const result = score(statuses)
    const value = percent(result)
    console.log(
      `${value.toFixed(1).padStart(6)}%  ${String(result.valid).padStart(4)} mutants  ${file}`
    )
    if (value < PER_MODULE) low.push(`${file} (${value.toFixed(1)}%)`)
  }
  const overall = percent(score(all))
  console.log(`${overall.toFixed(1).padStart(6)}%  overall`)
  if (overall < OVERALL) console.error(`The overall mutation score is below ${OVERALL}%.`)
  if (low.length > 0) console.error(`Below ${PER_MODULE}%: ${low.join(', ')}.`)
  if (overall < OVERALL || low.length > 0) process.exitCode = 1
}
