// Checks every value of the file against its field (check-values: true), in the same pass over the
// file as the search for repeats in unique fields: each problem is written to problems.csv as it is
// found (row, column, the value cut to 100 characters, the problem), and counted by column and kind
// for the log and the summary. Memory holds the first rows of each kind, whatever the file.
import { CsvWriter } from '../csv/writer.ts'
import { counted, cut } from '../text.ts'
import type { FormField } from '../zoho/fields.ts'
import { VALUE_PROBLEMS, type ValueProblem, valueProblem } from '../zoho/values.ts'
import { RepeatFinder } from './repeats.ts'

/** One problem, as problems.csv and the summary give it. */
export interface FoundProblem {
  readonly row: number
  readonly column: string
  readonly value: string
  readonly problem: string
}

/** The problems of one kind in one column. */
export interface ProblemKind {
  readonly column: string
  readonly problem: ValueProblem
  rows: number
  /** The first rows that have it, for the log. */
  readonly first: number[]
}

/** What the check found. */
export interface ValueReport {
  /** The rows with at least one problem. */
  readonly rows: number
  readonly kinds: readonly ProblemKind[]
  /** The first problems, for the summary. */
  readonly first: readonly FoundProblem[]
  /** Whether repeats were looked for to the end (false when the values kept reached their bound). */
  readonly repeatsStoppedAfter: number | undefined
}

export const PROBLEMS_HEADER = ['Row', 'Column', 'Value', 'Problem'] as const
const MAX_VALUE_CHARS = 100
const FIRST_ROWS = 5
export const FIRST_PROBLEMS = 20

/** Where bad-rows: skip sorts the rows: those to load, and those left out. */
export interface RowSorting {
  readonly kept: string
  readonly rejected: string
}

export class ValueChecker {
  readonly #columns: { readonly index: number; readonly name: string; readonly field: FormField }[]
  readonly #repeats: RepeatFinder
  readonly #kinds = new Map<string, ProblemKind>()
  readonly #first: FoundProblem[] = []
  readonly #problems: CsvWriter
  readonly #kept: CsvWriter | undefined
  readonly #rejected: CsvWriter | undefined
  #rows = 0

  private constructor(
    columns: readonly string[],
    fields: readonly FormField[],
    outs: readonly [CsvWriter, CsvWriter | undefined, CsvWriter | undefined]
  ) {
    const byName = new Map(fields.map(field => [field.linkName, field]))
    // A subfield's column (Name.first_name) has no type of its own in what Zoho lists: not checked.
    this.#columns = columns.flatMap((column, index) => {
      const field = byName.get(column.trim())
      return field === undefined ? [] : [{ index, name: column.trim(), field }]
    })
    this.#repeats = new RepeatFinder(columns, fields, true)
    ;[this.#problems, this.#kept, this.#rejected] = outs
  }

  /**
   * A checker that writes the problems it finds to `path`; with `sorting`, each row too, with the
   * header, to the file of the rows to load or to that of the rows left out. With `append`, the
   * problems and the rows left out are added to the files there (the lookups').
   */
  static async writingTo(
    path: string,
    columns: readonly string[],
    fields: readonly FormField[],
    sorting?: RowSorting,
    append = false
  ): Promise<ValueChecker> {
    const problems = await CsvWriter.create(path, append)
    if (!append) problems.row(PROBLEMS_HEADER)
    let kept: CsvWriter | undefined
    let rejected: CsvWriter | undefined
    try {
      if (sorting !== undefined) {
        kept = await CsvWriter.create(sorting.kept)
        kept.row(columns)
        rejected = await CsvWriter.create(sorting.rejected, append)
        if (!append) rejected.row(columns)
      }
    } catch (error) {
      await problems.close()
      await kept?.close()
      throw error
    }
    return new ValueChecker(columns, fields, [problems, kept, rejected])
  }

  /** Checks the data row numbered `row` (the header is row 1). */
  add(cells: readonly string[], row: number): void {
    let bad = false
    for (const { index, name, field } of this.#columns) {
      const value = cells[index] ?? ''
      const problem = valueProblem(field, value)
      if (problem !== undefined) {
        this.#note(row, name, value, problem)
        bad = true
      }
    }
    for (const repeat of this.#repeats.add(cells, row)) {
      this.#note(row, repeat.name, repeat.value, 'repeat', ` (first in row ${repeat.first})`)
      bad = true
    }
    if (bad) this.#rows += 1
    ;(bad ? this.#rejected : this.#kept)?.row(cells)
  }

  /** Writes what was found since the last flush. */
  async flush(): Promise<void> {
    await this.#problems.flush()
    await this.#kept?.flush()
    await this.#rejected?.flush()
  }

  /** Writes the rest and closes the files: what was found. */
  async close(): Promise<ValueReport> {
    try {
      await this.#problems.close()
    } finally {
      await this.#kept?.close()
      await this.#rejected?.close()
    }
    return {
      rows: this.#rows,
      kinds: [...this.#kinds.values()],
      first: this.#first,
      repeatsStoppedAfter: this.#repeats.stoppedAfter
    }
  }

  #note(row: number, column: string, value: string, problem: ValueProblem, more = ''): void {
    const found = {
      row,
      column,
      value: cut(value, MAX_VALUE_CHARS, ''),
      problem: `${VALUE_PROBLEMS[problem]}${more}`
    }
    this.#problems.row([String(row), column, found.value, found.problem])
    if (this.#first.length < FIRST_PROBLEMS) this.#first.push(found)
    const key = `${column}\n${problem}`
    const kind = this.#kinds.get(key) ?? { column, problem, rows: 0, first: [] }
    this.#kinds.set(key, kind)
    kind.rows += 1
    if (kind.first.length < FIRST_ROWS) kind.first.push(row)
  }
}

/** One line for a kind of problem: `"Email" is not an email address: 3 rows (4, 9, 12)`. */
export function describeKind(kind: ProblemKind): string {
  const more = kind.rows > kind.first.length ? ', …' : ''
  return (
    `${JSON.stringify(kind.column)} ${VALUE_PROBLEMS[kind.problem]}: ${counted(kind.rows, 'row')} ` +
    `(${kind.first.join(', ')}${more})`
  )
}
