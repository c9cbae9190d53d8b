// Lookups (input `lookups`): a lookup field takes the Zoho ID of its related record, and a migrated
// file holds the source system's key of it. Each lookup's keys and IDs are read first, from a
// report of the related form (a Bulk Read of ID and the key field) or from an id-map.csv a parent's
// load wrote; then one streamed pass writes the file with each key replaced by its ID. A value that
// matches no record, or two, is a problem of its row, written down as the value checks write theirs.
import { createReadStream } from 'node:fs'
import { CsvReader } from '../csv/reader.ts'
import { CsvWriter } from '../csv/writer.ts'
import { ActionError, LocalFileError, messageOf } from '../errors.ts'
import type { Lookup, LookupSource } from '../inputs.ts'
import { forEachRow, type JobFile } from '../job-file.ts'
import { counted, cut } from '../text.ts'
import type { Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import type { FormRef } from '../zoho/endpoints.ts'
import { type FormField, SEVERAL_IDS_TYPES } from '../zoho/fields.ts'
import { PROBLEMS_HEADER, type RowSorting } from './check-values.ts'
import { KeyTable } from './key-table.ts'
import { readReport, type ReportReading } from './read-report.ts'

/** What a key a lookup's related records do not hold once gives: none of them, or several. */
export const NO_RECORD = Symbol('no record')
export const SEVERAL_RECORDS = Symbol('several records')
export type Unmatched = typeof NO_RECORD | typeof SEVERAL_RECORDS

/** The IDs of a lookup's related records by their key; a key two records hold has none. */
export class ParentIds {
  readonly #keys = new KeyTable()
  /** Each key's ID, by its number in #keys; '' once a second record holds the key. */
  readonly #ids: string[] = []

  get size(): number {
    return this.#keys.size
  }

  add(key: string, id: string): void {
    const trimmed = key.trim()
    if (trimmed === '' || id.trim() === '') return
    const first = this.#keys.add(trimmed, this.#keys.size)
    // Copied whole: a slice of the text read would keep all of that text alive.
    if (first === undefined) this.#ids.push(Buffer.from(id.trim()).toString())
    else if (this.#ids[first] !== id.trim()) this.#ids[first] = ''
  }

  /** The ID of the one record that holds `key`, or why there is none. */
  idOf(key: string): string | Unmatched {
    const at = this.#keys.get(key)
    if (at === undefined) return NO_RECORD
    return this.#ids[at] || SEVERAL_RECORDS
  }
}

/** What a source is, for the log and the errors: `report Departments_Report` or the map's path. */
export function describeSource(source: LookupSource): string {
  return 'report' in source ? `report ${source.report} (${source.field})` : source.idMap
}

/**
 * Checked before any request: each lookup column is in the file's header, and each id-map.csv can
 * be read and has a key column and ID. Where each column is.
 */
export async function lookupColumns(file: JobFile, lookups: readonly Lookup[]): Promise<number[]> {
  const names = file.columns.map(name => name.trim())
  const missing = lookups.filter(({ column }) => !names.includes(column))
  if (missing.length > 0)
    throw new ActionError(
      `Input "lookups": ${missing.map(({ column }) => JSON.stringify(column)).join(', ')} ` +
        `${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${file.name}: name ` +
        'the lookup columns as the header names them. Nothing was sent to Zoho.'
    )
  for (const { source } of lookups) if ('idMap' in source) await readIdMap(source.idMap)
  return lookups.map(({ column }) => names.indexOf(column))
}

/**
 * With the form's fields known (check-header, check-values): each lookup column is a lookup field,
 * and one that takes a single ID. Zoho does not document how a CSV cell holds several.
 */
export function lookupFieldProblems(
  lookups: readonly Lookup[],
  fields: readonly FormField[]
): string[] {
  return lookups.flatMap(({ column }) => {
    const field = fields.find(({ linkName }) => linkName === column)
    if (field === undefined) return [] // the header check names it
    if (field.lookup !== true)
      return [`${JSON.stringify(column)} is in lookups but is no lookup field of the form`]
    if (SEVERAL_IDS_TYPES.has(field.type ?? 0))
      return [
        `${JSON.stringify(column)} is a lookup shown as Multi Select or Checkbox, which takes ` +
          'several IDs in one cell, in a form Zoho does not document: load it another way'
      ]
    return []
  })
}

/** Reads the id-map at `path`: each key and its ID to `visit`; only its header without one. */
async function readIdMap(path: string, visit?: (key: string, id: string) => void): Promise<void> {
  const fault = (what: string): ActionError =>
    new ActionError(`Input "lookups": ${path} ${what} Nothing was sent to Zoho.`)
  let columns: [key: number, id: number] | undefined
  try {
    for await (const row of csvRows(path)) {
      if (row.length === 0) continue
      if (columns === undefined) {
        const names = row.map(name => name.trim())
        const id = names.indexOf('ID')
        if (names.length !== 2 || id === -1)
          throw fault(
            'is not an id-map.csv: its header must be one key column and ID (got ' +
              `${cut(names.join(','), 100)}).`
          )
        columns = [1 - id, id]
        if (visit === undefined) return
        continue
      }
      visit?.(row[columns[0]] ?? '', row[columns[1]] ?? '')
    }
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw fault(`cannot be read: ${messageOf(error)}.`)
  }
  if (columns === undefined) throw fault('is empty: an id-map.csv has a header, key column and ID.')
}

/** The rows of the CSV at `path` (UTF-8, commas; a BOM is dropped), read as a stream. */
async function* csvRows(path: string): AsyncGenerator<readonly string[]> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  const stream = createReadStream(path)
  try {
    for await (const chunk of stream) {
      reader.push(decoder.decode(chunk as Buffer, { stream: true }))
      const rows = reader.rows.splice(0)
      yield* rows
    }
  } finally {
    stream.destroy()
  }
  reader.push(decoder.decode())
  reader.end()
  yield* reader.rows.splice(0)
}

/** How the IDs of a report are read: the form's place and how to wait, besides the report. */
export type ParentReading = Omit<ReportReading, 'report' | 'fields'> & { readonly form: FormRef }

/** The keys and IDs of a lookup's related records, from its source. */
export async function parentIds(
  source: LookupSource,
  reading: ParentReading,
  connection: Connection,
  context: CallContext
): Promise<ParentIds> {
  const ids = new ParentIds()
  if ('idMap' in source) {
    await readIdMap(source.idMap, (key, id) => {
      ids.add(key, id)
    })
    return ids
  }
  const { form, ...rest } = reading
  const report = { owner: form.owner, app: form.app, report: source.report }
  await readReport(
    { ...rest, report, fields: ['ID', source.field] },
    ([id = '', key = '']) => {
      ids.add(key, id)
    },
    connection,
    context
  )
  return ids
}

/** A lookup, ready: where its column is, and its related records' IDs. */
export interface ReadyLookup {
  readonly lookup: Lookup
  readonly index: number
  readonly ids: ParentIds
}

/** What the rewrite did, for each lookup and in all. */
export interface LookupReport {
  /** The rows with a value that matches no record, or two. */
  readonly badRows: number
  /** Per lookup column: the values replaced, those unmatched, those matched twice. */
  readonly columns: readonly {
    readonly column: string
    readonly source: LookupSource
    replaced: number
    none: number
    several: number
    /** The first problems, for the error: row and value. */
    readonly first: [row: number, value: string][]
  }[]
  /** The records written to the copy. */
  readonly kept: number
}

const FIRST = 5
const MAX_VALUE_CHARS = 100

/**
 * Writes the file to `sorting.kept` with each lookup value replaced by its ID, in one streamed pass;
 * a row with a value that matches no record, or two, goes to `sorting.rejected` instead (when
 * given; else nowhere), and each such value to `problems`. Empty values stay empty. Each row of
 * the copy has the number it has in the file.
 */
export async function rewriteLookups(
  file: JobFile,
  lookups: readonly ReadyLookup[],
  paths: { readonly problems: string; readonly sorting: RowSorting },
  keepRejected: boolean
): Promise<LookupReport> {
  const stages = lookups.map(ready => ({
    ...ready,
    counts: {
      column: ready.lookup.column,
      source: ready.lookup.source,
      replaced: 0,
      none: 0,
      several: 0,
      first: [] as [number, string][]
    }
  }))
  const outs: CsvWriter[] = []
  let badRows = 0
  let kept = 0
  try {
    const problems = await CsvWriter.create(paths.problems)
    outs.push(problems)
    const keep = await CsvWriter.create(paths.sorting.kept)
    outs.push(keep)
    const rejected = keepRejected ? await CsvWriter.create(paths.sorting.rejected) : undefined
    if (rejected !== undefined) outs.push(rejected)
    problems.row(PROBLEMS_HEADER)
    keep.row(file.columns)
    rejected?.row(file.columns)
    /** The row with its lookup values replaced; undefined when one of them matches no one record. */
    const resolved = (cells: readonly string[], row: number): readonly string[] | undefined => {
      let out: string[] | undefined = [...cells]
      for (const { lookup, index, ids, counts } of stages) {
        const value = (cells[index] ?? '').trim()
        if (value === '') continue
        const id = ids.idOf(value)
        if (typeof id === 'string') {
          if (out !== undefined) out[index] = id
          counts.replaced += 1
          continue
        }
        out = undefined
        const none = id === NO_RECORD
        counts[none ? 'none' : 'several'] += 1
        if (counts.first.length < FIRST) counts.first.push([row, value])
        const what = none ? 'matches no record of' : 'matches more than one record of'
        problems.row([
          String(row),
          lookup.column,
          cut(value, MAX_VALUE_CHARS, ''),
          `${what} ${describeSource(lookup.source)}`
        ])
      }
      return out
    }
    // The copy keeps the file's row numbers, for the checks after: a blank row, which no stage
    // takes for a record, stands for each blank row of the file and each row left out.
    let next = 2
    await forEachRow(
      file,
      (cells, row) => {
        for (; next < row; next++) keep.row([])
        next = row + 1
        const out = resolved(cells, row)
        if (out === undefined) {
          badRows += 1
          rejected?.row(cells)
          keep.row([])
        } else {
          kept += 1
          keep.row(out)
        }
      },
      () => true,
      async () => {
        for (const out of outs) await out.flush()
      }
    )
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw new LocalFileError(`The copy of ${file.name} with lookups resolved: ${messageOf(error)}`)
  } finally {
    for (const out of outs) await out.close()
  }
  return { badRows, columns: stages.map(({ counts }) => counts), kept }
}

/** What the rewrite could not resolve, in one line for the error or the warning. */
export function describeUnresolved(report: LookupReport, fileName: string): string {
  const { badRows, columns } = report
  const unresolved = columns.filter(({ none, several }) => none + several > 0)
  return (
    `${counted(badRows, 'row')} of ${fileName} ${badRows === 1 ? 'holds' : 'hold'} a lookup value ` +
    `that matches no record, or more than one: ${unresolved.map(describeColumn).join('; ')}. ` +
    'problems.csv in result-dir lists each.'
  )
}

/**
 * One line for what a lookup column could not resolve: `"Department" (report All_Departments
 * (Dept_Code)): 2 values matching no record (row 3 "D-9", row 7 "D-8")`.
 */
function describeColumn({
  column,
  source,
  none,
  several,
  first
}: LookupReport['columns'][number]): string {
  const parts = [
    ...(none > 0 ? [`${counted(none, 'value')} matching no record`] : []),
    ...(several > 0 ? [`${counted(several, 'value')} matching more than one`] : [])
  ]
  const rows = first.map(([row, value]) => `row ${row} ${JSON.stringify(cut(value, 40))}`)
  const more = none + several > first.length ? ', …' : ''
  return `${JSON.stringify(column)} (${describeSource(source)}): ${parts.join(' and ')} (${rows.join(', ')}${more})`
}
