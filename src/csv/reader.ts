// An RFC 4180 reader that takes text in pieces: quoted cells may hold commas, quotes ("") and line
// breaks, and a piece may end anywhere, even between the CR and LF of a line break. Linear in the text.
// The project's one CSV dialect, as the record scanner (scanner.ts) and the split read it too: a record
// ends at a line feed outside quotes, LF or CRLF; a CR alone is part of its cell. A blank row (nothing
// but spaces, tabs and CRs, outside quotes) is no record: it is read as a row of no cells.

const BLANK = /^[ \t\r]*$/

export class CsvReader {
  /** The rows read, a blank one as no cells. */
  readonly rows: string[][] = []
  /** What separates cells: a comma in the dialect Zoho reads (dialect.ts reads the others). */
  readonly #delimiter: string
  #row: string[] = []
  #cell = ''
  #quoted = false
  /** A quote was opened in the row under way: it is not blank. */
  #quotedRow = false
  /** The last character closed a quote: a second quote now is an escaped one. */
  #closedQuote = false
  /** A CR outside quotes was read last: a line break if an LF follows, else part of its cell. */
  #afterCr = false
  #started = false

  /** Finds the next character that is not plain: a quote, a line break or the delimiter. */
  readonly #special: RegExp

  constructor(delimiter = ',') {
    this.#delimiter = delimiter
    this.#special = new RegExp(`["\\r\\n${delimiter}]`, 'g')
  }

  push(text: string): void {
    let at = 0
    if (!this.#started && text.length > 0) {
      this.#started = true
      if (text.startsWith('\uFEFF')) at = 1
    }
    while (at < text.length) {
      if (this.#quoted) {
        // Inside quotes all is the cell's up to the next quote: taken a run at a time.
        const close = text.indexOf('"', at)
        if (close === -1) {
          this.#cell += text.slice(at)
          return
        }
        this.#cell += text.slice(at, close)
        this.#quoted = false
        this.#closedQuote = true
        at = close + 1
        continue
      }
      const char = text.charAt(at)
      if (this.#afterCr) {
        this.#afterCr = false
        if (char !== '\n') this.#cell += '\r'
      }
      if (char === '"' && this.#closedQuote) {
        this.#cell += '"'
        this.#quoted = true
      } else if (char === '"' && this.#cell === '') this.#quoted = this.#quotedRow = true
      else if (char === this.#delimiter) this.#endCell()
      else if (char === '\n') this.#endRow()
      else if (char === '\r') this.#afterCr = true
      else {
        // A run of plain characters, up to the next that means something.
        this.#special.lastIndex = at + 1
        const next = this.#special.exec(text)?.index ?? text.length
        this.#cell += text.slice(at, next)
        this.#closedQuote = false
        at = next
        continue
      }
      this.#closedQuote = false
      at += 1
    }
  }

  /** Whether the text so far ends inside quotes. */
  get quoted(): boolean {
    return this.#quoted
  }

  /** The text is complete: its last row counts even without a line break. */
  end(): void {
    if (this.#afterCr) this.#cell += '\r'
    this.#afterCr = false
    if (this.#cell !== '' || this.#row.length > 0 || this.#quoted) this.#endRow()
  }

  #endCell(): void {
    this.#row.push(this.#cell)
    this.#cell = ''
  }

  #endRow(): void {
    const blank = this.#row.length === 0 && !this.#quotedRow && BLANK.test(this.#cell)
    this.#endCell()
    this.rows.push(blank ? [] : this.#row)
    this.#row = []
    this.#quotedRow = false
  }
}

/** All rows of a whole CSV text. */
export function parseCsv(text: string): string[][] {
  const reader = new CsvReader()
  reader.push(text)
  reader.end()
  return reader.rows
}
