// The key of a load (input `key`): the columns whose values identify a record (an employee ID, an
// email). Before any request the file's keys are checked, in one pass: every key column is in the
// header, no record has an empty key, no key is held twice. Then a record whose key Zoho already
// holds goes to skipped.csv instead of a job, so that a load can be run again and again without a
// record inserted twice. Keys compare as text, each value trimmed (Zoho trims what it stores).
import { ActionError } from '../errors.ts'
import { CsvWriter } from '../csv/writer.ts'
import { forEachRow, type JobFile } from '../job-file.ts'
import { counted } from '../text.ts'
import { KeyTable } from './key-table.ts'
import type { Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import { type ReportReading, readReport } from './read-report.ts'

// How many rows an error lists of each problem.
const LISTED = 5

/** Where each key field is among the file's columns; a key field not there fails, before any call. */
export function keyColumns(
  columns: readonly string[],
  key: readonly string[],
  fileName: string
): number[] {
  const names = columns.map(name => name.trim())
  const missing = key.filter(field => !names.includes(field))
  if (missing.length > 0)
    throw new ActionError(
      `Input "key": ${missing.map(field => JSON.stringify(field)).join(', ')} ` +
        `${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${fileName}: name ` +
        'the link names of the fields that identify a record, as the header names them. Nothing was sent to Zoho.'
    )
  return key.map(field => names.indexOf(field))
}

/**
 * The key of a record from the values of its key columns, in the key's order: one value as it is,
 * several as a JSON list (no two lists of values give one key); '' when a value is empty.
 */
export function keyOf(values: readonly string[]): string {
  const trimmed = values.map(value => value.trim())
  if (trimmed.some(value => value === '')) return ''
  return trimmed.length === 1 ? (trimmed[0] ?? '') : JSON.stringify(trimmed)
}

/** The values of a key, as keyOf made it of `fields` values. */
export function valuesOf(key: string, fields: number): string[] {
  return fields === 1 ? [key] : (JSON.parse(key) as string[])
}

/** The keys of a file, checked row by row: the first row of each, the empty ones, the repeated. */
export class FileKeys {
  readonly #columns: readonly number[]
  /** Each key, with the row that holds it first (the header is row 1). */
  readonly #rows = new KeyTable()
  readonly #empty: number[] = []
  #emptyRows = 0
  readonly #repeats: [key: string, first: number, again: number][] = []
  #repeatedRows = 0

  constructor(columns: readonly number[]) {
    this.#columns = columns
  }

  /** Takes the data row numbered `row`. */
  add(cells: readonly string[], row: number): void {
    const key = keyOf(this.#columns.map(column => cells[column] ?? ''))
    if (key === '') {
      this.#emptyRows += 1
      if (this.#empty.length < LISTED) this.#empty.push(row)
      return
    }
    const first = this.#rows.add(key, row)
    if (first !== undefined) {
      this.#repeatedRows += 1
      if (this.#repeats.length < LISTED) this.#repeats.push([key, first, row])
    }
  }

  /** The keys of the file, each once. */
  get keys(): KeyTable {
    return this.#rows
  }

  /** What is wrong with the file's keys, in one line for the error; undefined when nothing is. */
  problem(fileName: string): string | undefined {
    const problems: string[] = []
    if (this.#emptyRows > 0)
      problems.push(
        `${counted(this.#emptyRows, 'row')} with an empty key (${listed(this.#empty, this.#emptyRows)})`
      )
    if (this.#repeatedRows > 0) {
      const pairs = this.#repeats.map(
        ([key, first, again]) => `${cutKey(key)} in rows ${first} and ${again}`
      )
      problems.push(
        `${counted(this.#repeatedRows, 'row')} repeating the key of an earlier row (${pairs.join('; ')}` +
          `${this.#repeatedRows > this.#repeats.length ? '; …' : ''})`
      )
    }
    if (problems.length === 0) return undefined
    return (
      `The key of ${fileName} does not identify each record: ${problems.join(', and ')}. Each ` +
      'record needs a key of its own to be loaded once: fix the rows, or name other key columns.'
    )
  }
}

function listed(rows: readonly number[], count: number): string {
  return `${rows.join(', ')}${count > rows.length ? ', …' : ''}`
}

function cutKey(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)
}

/** The keys of the file that Zoho holds, and with `ids` the ID of each (its value in `found`). */
export interface KeysFound {
  readonly found: KeyTable
  readonly ids: readonly string[]
}

/**
 * The keys of the file that Zoho holds already, read with a Bulk Read of the report's key fields
 * (and with `ids`, each with its record's ID). Only the file's keys are kept: memory goes with the
 * file, not with the form.
 */
export async function keysInZoho(
  fileKeys: KeyTable,
  key: readonly string[],
  reading: Omit<ReportReading, 'fields'>,
  connection: Connection,
  context: CallContext,
  withIds = false
): Promise<KeysFound> {
  const found = new KeyTable()
  const ids: string[] = []
  await readReport(
    { ...reading, fields: withIds ? [...key, 'ID'] : key },
    values => {
      const held = keyOf(values.slice(0, key.length))
      // A key Zoho holds twice (records loaded twice before) maps to its first record.
      if (!fileKeys.has(held) || found.has(held)) return
      found.add(held, ids.length)
      // Copied whole: a slice of the CSV's text would keep all of that text alive.
      if (withIds) ids.push(Buffer.from(values[key.length] ?? '').toString())
    },
    connection,
    context
  )
  return { found, ids }
}

/** The file's key columns and its keys, each with the row that holds it. */
export interface KeyedFile {
  readonly columns: readonly number[]
  readonly keys: KeyTable
}

/**
 * The file's keys, checked in one pass before any request: every key column in the header, no
 * record with an empty key, no key held twice; else an ActionError that lists the rows.
 */
export async function checkFileKeys(file: JobFile, key: readonly string[]): Promise<KeyedFile> {
  const columns = keyColumns(file.columns, key, file.name)
  const keys = new FileKeys(columns)
  await forEachRow(file, (cells, row) => {
    keys.add(cells, row)
  })
  const problem = keys.problem(file.name)
  if (problem !== undefined) throw new ActionError(`${problem} Nothing was sent to Zoho.`)
  return { columns, keys: keys.keys }
}

export interface KeyFilter {
  /** The records to load, with the header. */
  readonly load: string
  /** The records Zoho holds already, with the header. */
  readonly skipped: string
}

export interface Filtered {
  readonly load: number
  readonly skipped: number
}

/**
 * Writes each record of the file to the file of the records to load, or when Zoho holds its key
 * already to the file of those skipped, both with the header, as they were (in Zoho's dialect).
 */
export async function filterByKey(
  file: JobFile,
  columns: readonly number[],
  inZoho: { has(key: string): boolean },
  paths: KeyFilter
): Promise<Filtered> {
  const load = await CsvWriter.create(paths.load)
  let skipped: CsvWriter | undefined
  const counts = { load: 0, skipped: 0 }
  try {
    skipped = await CsvWriter.create(paths.skipped)
    const out = { load, skipped }
    for (const writer of [load, skipped]) writer.row(file.columns)
    // One key column, the common case, read without a list of its values.
    const [only] = columns
    const keyIn = (cells: readonly string[]): string =>
      columns.length === 1 && only !== undefined
        ? (cells[only] ?? '').trim()
        : keyOf(columns.map(column => cells[column] ?? ''))
    await forEachRow(
      file,
      cells => {
        const which = inZoho.has(keyIn(cells)) ? 'skipped' : 'load'
        counts[which] += 1
        out[which].row(cells)
      },
      () => true,
      async () => {
        await load.flush()
        await skipped?.flush()
      }
    )
  } finally {
    await load.close()
    await skipped?.close()
  }
  return counts
}
