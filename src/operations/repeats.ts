// Values held twice in the columns of a form's unique fields, found row by row within a bound on
// the memory the values kept take: what check-header says of the first repeat of each column, and
// check-values of every row that repeats a value.
import type { FormField } from '../zoho/fields.ts'

// The values kept to find repeats take about this many bytes of memory, and then the check stops,
// so that memory stays bounded whatever the file: two bytes a character at most, and what a Map
// entry costs V8 besides (measured: about 160 bytes for a short value, the Map's growth included).
const MAX_KEPT_BYTES = 16 * 1024 * 1024
const ENTRY_BYTES = 160

/** A value found again in a unique field's column. */
export interface Repeat {
  readonly column: number
  readonly name: string
  readonly value: string
  /** The row that held it first. */
  readonly first: number
}

/**
 * Finds a value held twice in a column of a unique field, row by row: the first repeat of each
 * column, or with `every` each row that repeats a value.
 */
export class RepeatFinder {
  readonly #columns: { readonly index: number; readonly name: string }[]
  readonly #seen = new Map<number, Map<string, number>>()
  readonly #found: string[] = []
  readonly #every: boolean
  #kept = 0
  /** The row after which values were no longer kept, when the budget ran out. */
  stoppedAfter: number | undefined

  constructor(columns: readonly string[], fields: readonly FormField[], every = false) {
    const unique = new Set(fields.filter(field => field.unique).map(field => field.linkName))
    this.#columns = columns.flatMap((column, index) =>
      unique.has(column.trim()) ? [{ index, name: column.trim() }] : []
    )
    for (const { index } of this.#columns) this.#seen.set(index, new Map())
    this.#every = every
  }

  /** Whether any column needs its values read. */
  get active(): boolean {
    return this.#columns.length > 0 && this.stoppedAfter === undefined
  }

  /** Looks at the data row numbered `row` (the header is row 1): the repeats it holds. */
  add(cells: readonly string[], row: number): Repeat[] {
    if (!this.active) return []
    const repeats: Repeat[] = []
    for (const column of [...this.#columns]) {
      const seen = this.#seen.get(column.index)
      const value = cells[column.index]?.trim() ?? ''
      if (seen === undefined || value === '') continue
      const first = seen.get(value)
      if (first !== undefined) {
        repeats.push({ column: column.index, name: column.name, value, first })
        if (this.#every) continue
        this.#found.push(
          `the unique field ${JSON.stringify(column.name)} holds ${JSON.stringify(value.slice(0, 60))} twice (rows ${first} and ${row})`
        )
        // One repeat per column is enough to say; its values need no more keeping.
        this.#columns.splice(this.#columns.indexOf(column), 1)
        this.#seen.delete(column.index)
        continue
      }
      this.#kept += 2 * value.length + ENTRY_BYTES
      seen.set(value, row)
    }
    if (this.#kept > MAX_KEPT_BYTES) {
      this.stoppedAfter = row
      this.#seen.clear()
    }
    return repeats
  }

  /** The repeats found, one phrase each (the first of each column). */
  get problems(): readonly string[] {
    return this.#found
  }
}
