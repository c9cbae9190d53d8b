// Writes a CSV in the one dialect Zoho reads: cells between commas, quoted as RFC 4180 needs, each
// row ending with CRLF. Rows are kept until the next flush, so that a writer that flushes after each
// chunk it reads holds no more than a chunk's rows.
import { type FileHandle, open } from 'node:fs/promises'

const NEEDS_QUOTES = /[",\r\n]/

/** One row, as the file holds it. */
export function csvRow(cells: readonly string[]): string {
  const quoted = cells.map(cell =>
    NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
  )
  return `${quoted.join(',')}\r\n`
}

export class CsvWriter {
  readonly #file: FileHandle
  #pending: string[] = []
  /** The bytes written so far. */
  bytes = 0

  private constructor(file: FileHandle) {
    this.#file = file
  }

  /** A writer of a new file at `path`; with `append`, of the end of the file there. */
  static async create(path: string, append = false): Promise<CsvWriter> {
    return new CsvWriter(await open(path, append ? 'a' : 'w'))
  }

  row(cells: readonly string[]): void {
    this.#pending.push(csvRow(cells))
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return
    const text = this.#pending.join('')
    this.#pending = []
    this.bytes += (await this.#file.write(text)).bytesWritten
  }

  /** Writes the rows kept, and closes the file (also after a failed write). */
  async close(): Promise<void> {
    try {
      await this.flush()
    } finally {
      await this.#file.close()
    }
  }
}
