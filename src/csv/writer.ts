// Writes a CSV in the one dialect Zoho reads: cells between commas, quoted as RFC 4180 needs, each
// row ending with CRLF. Rows are kept until the next flush, so that a writer that flushes after each
// chunk it reads holds no more than a chunk's rows. A flush starts their write and waits only for
// the one before: the file is written while the next chunk is read and turned into rows.
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
  /** The write the last flush started, which the next flush and the close wait for. */
  #writing: Promise<void> = Promise.resolve()
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
    await this.#writing
    if (this.#pending.length === 0) return
    const text = this.#pending.join('')
    this.#pending = []
    const writing = this.#file.write(text).then(({ bytesWritten }) => {
      this.bytes += bytesWritten
    })
    // A failed write is thrown where it is awaited, by the next flush or the close; until then it
    // is no unhandled rejection.
    writing.catch(() => {})
    this.#writing = writing
  }

  /** Writes the rows kept, and closes the file (also after a failed write). */
  async close(): Promise<void> {
    try {
      await this.flush()
      await this.#writing
    } finally {
      await this.#file.close()
    }
  }
}
