// Checks a file's header, and the values of its unique fields, against the form's fields before
// anything is created or sent (check-header: true): a misspelt column then fails the step at once,
// not after a job ran and every row failed while the form was blocked (zoho-bulk-api.md, "The
// form's fields"): each column a field's link name, or <link name>.<subfield> for a composite field
// (a Name, an Address: by the field's type); each mandatory field present; no value twice in a
// unique field.
import { ActionError } from '../errors.ts'
import { forEachRow, type JobFile } from '../job-file.ts'
import type { Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import type { FormRef } from '../zoho/endpoints.ts'
import { fetchFormFields, type FormField, hasSubfields } from '../zoho/fields.ts'
import { type RowSorting, type ValueReport, ValueChecker } from './check-values.ts'
import { RepeatFinder } from './repeats.ts'

/** What the check found, when it passed or found only bad values. */
export interface FileCheck {
  /** What was checked, for the summary's steps. */
  readonly summary: string
  /** With check-values: the problems of the values, written to problems.csv. */
  readonly values?: ValueReport
}

/** With check-values: where each problem goes, and with bad-rows: skip where each row goes. */
export interface ValueFiles {
  readonly problems: string
  readonly sorting?: RowSorting
  /** Whether problems.csv and rejected.csv are there already (the lookups'), to be added to. */
  readonly append?: boolean
}

/**
 * Fails with every problem of the header found in one line; says in the log what was checked. With
 * `valueFiles` (check-values), checks every value too, writing each problem down.
 */
export async function checkFileHeader(
  file: JobFile,
  form: FormRef,
  connection: Connection,
  context: CallContext,
  nothingDone: string,
  valueFiles?: ValueFiles
): Promise<FileCheck> {
  const fields = await fetchFormFields(connection, form, context)
  const problems = headerProblems(file.columns, fields)
  const misfit = (): ActionError =>
    new ActionError(
      `The file ${file.name} does not fit the form ${form.form}: ${problems.join('; ')}. ` +
        `${nothingDone} Fix the file, or set check-header: false to skip the check.`
    )
  // Values are checked only against a header that fits the form.
  if (valueFiles !== undefined && problems.length > 0) throw misfit()
  const checker =
    valueFiles === undefined
      ? undefined
      : await ValueChecker.writingTo(
          valueFiles.problems,
          file.columns,
          fields,
          valueFiles.sorting,
          valueFiles.append
        )
  // With check-values the checker finds every repeat; without, the first of each column is enough.
  const repeats = checker === undefined ? new RepeatFinder(file.columns, fields) : undefined
  const reading = (): boolean => checker !== undefined || repeats?.active === true
  let values: ValueReport | undefined
  try {
    if (reading()) {
      await forEachRow(
        file,
        (cells, row) => {
          checker?.add(cells, row)
          repeats?.add(cells, row)
        },
        reading,
        async () => checker?.flush()
      )
    }
  } finally {
    values = await checker?.close()
  }
  problems.push(...(repeats?.problems ?? []))
  if (problems.length > 0) throw misfit()
  const stoppedAfter = values?.repeatsStoppedAfter ?? repeats?.stoppedAfter
  const partly =
    stoppedAfter === undefined
      ? ''
      : ` (repeated values were looked for up to row ${stoppedAfter}, where the values kept reached their memory bound)`
  const what = values === undefined ? 'columns fit' : 'columns and values were checked against'
  const summary = `its ${file.columns.length} ${what} the form's ${fields.length} fields${partly}`
  context.log(
    `Checked ${values === undefined ? 'the header' : 'every value'} of ${file.name}: ${summary}.`
  )
  return values === undefined ? { summary } : { summary, values }
}

// How many suggestions an unknown column gets, and the farthest a name may be to be one.
const SUGGESTIONS = 3
const closeEnough = (name: string): number => Math.max(1, Math.ceil(name.length / 3))
// Longer names are no misspelt link name (and would cost too much to compare).
const MAX_COMPARED_CHARS = 100
// How many unknown columns the error lists; it says how many more there are.
const MAX_LISTED = 20

/** What is wrong with the header `columns` for a form of `fields`; empty when nothing is. */
export function headerProblems(columns: readonly string[], fields: readonly FormField[]): string[] {
  const byName = new Map(fields.map(field => [field.linkName, field]))
  const problems: string[] = []
  const unknown = columns.map(column => column.trim()).filter(column => !fits(column, byName))
  if (unknown.length > 0) {
    const listed = unknown
      .slice(0, MAX_LISTED)
      .map(column => unknownColumn(column, suggestionsFor(column, byName)))
    const more = unknown.length > MAX_LISTED ? ` and ${unknown.length - MAX_LISTED} more` : ''
    problems.push(
      `${unknown.length === 1 ? 'a column that is' : 'columns that are'} no field of the form: ` +
        `${listed.join(', ')}${more}`
    )
  }
  const present = new Set(columns.map(column => splitColumn(column.trim()).name))
  const missing = fields.filter(field => field.mandatory && !present.has(field.linkName))
  if (missing.length > 0) {
    problems.push(
      `no column for the mandatory field${missing.length === 1 ? '' : 's'} ` +
        missing.map(field => JSON.stringify(field.linkName)).join(', ')
    )
  }
  return problems
}

/** A column is a field's link name, or <link name>.<subfield> (one Zoho lists, when it lists them). */
function splitColumn(column: string): { name: string; subfield: string | undefined } {
  const dot = column.indexOf('.')
  return dot === -1
    ? { name: column, subfield: undefined }
    : { name: column.slice(0, dot), subfield: column.slice(dot + 1) }
}

function fits(column: string, byName: ReadonlyMap<string, FormField>): boolean {
  const { name, subfield } = splitColumn(column)
  const field = byName.get(name)
  if (field === undefined) return false
  if (subfield === undefined) return true
  return hasSubfields(field) && (field.subfields?.includes(subfield) ?? true)
}

/** The columns the user may have meant: the closest link names, or subfields of the field named. */
function suggestionsFor(column: string, byName: ReadonlyMap<string, FormField>): string[] {
  const { name, subfield } = splitColumn(column)
  const field = byName.get(name)
  // A field with no subfields is named alone.
  if (subfield !== undefined && field !== undefined && !hasSubfields(field)) return [name]
  const subfields = field?.subfields
  if (subfield !== undefined && subfields !== undefined)
    return closest(subfield, subfields).map(found => `${name}.${found}`)
  const rest = subfield === undefined ? '' : `.${subfield}`
  return closest(name, [...byName.keys()]).map(found => found + rest)
}

function unknownColumn(column: string, suggestions: readonly string[]): string {
  const quoted = JSON.stringify(column.slice(0, 100))
  return suggestions.length === 0
    ? `${quoted} (no field by a close name)`
    : `${quoted} (did you mean ${suggestions.map(name => JSON.stringify(name)).join(' or ')}?)`
}

/** The names closest to `name` (by edit distance, ignoring case), nearest first. */
export function closest(name: string, names: readonly string[]): string[] {
  if (name.length > MAX_COMPARED_CHARS) return []
  const lower = name.toLowerCase()
  return names
    .map(candidate => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= closeEnough(name))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, SUGGESTIONS)
    .map(({ candidate }) => candidate)
}

/**
 * Edit distance (optimal string alignment): insertions, deletions, substitutions, and two
 * neighbours swapped, each counting one ("Emial" is one from "Email").
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, index) => index)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    const above = rows[i - 1] ?? []
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((above[j - 1] ?? 0) + cost, (above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1)
      // Two neighbours swapped (at the first character, a[-1] is undefined and equals none).
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1)
      row.push(best)
    }
    rows.push(row)
  }
  return rows[a.length]?.[b.length] ?? 0
}
