// Blank lines: a row of nothing but spaces, tabs and carriage returns, outside quotes, is no record
// wherever it is (the counts, the parts, the value checks). Found after the record scanner's scan
// of a chunk: only where it saw a record end followed by such a byte are records looked at one by one.
import type { RecordScanner } from './scanner.ts'

const LINE_FEED = 0x0a
/** Space, tab, carriage return, line feed: what a blank line holds. */
export const isBlank = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === LINE_FEED

/** Whether `bytes` from `from` to `to` are all blank. */
function allBlank(bytes: Buffer, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!isBlank(bytes[at])) return false
  return true
}

/**
 * Finds the blank records among a CSV's records, a chunk at a time, from a record's start: the
 * first byte after the header.
 */
export class BlankLines {
  /**
   * Whether the bytes since the last line feed are all blank: with no quote open, the record under
   * way is blank so far (true at a record's start).
   */
  #blankSoFar = true

  /**
   * The blank records that end in `chunk` (in the scanner's memory) from `from` to `to`, each as
   * the bytes it holds here (`[start, end)`): the first may start at `from`, having begun in the
   * chunk before. Called just after the scanner scanned those bytes from the quote state `quoted`
   * (its state at `from`), whose state it leaves as that scan did.
   */
  find(
    scanner: RecordScanner,
    chunk: Buffer,
    from: number,
    to: number,
    quoted: boolean
  ): [number, number][] {
    const blanks: [number, number][] = []
    if (from === to) return blanks
    let blankSoFar = this.#blankSoFar && !quoted
    if (!(blankSoFar && isBlank(chunk[from])) && !scanner.blankMayStart) {
      // No record starts blank here: only the line under way at the end may, after a line feed
      // (without one, the chunk's first byte is not blank, or the record under way was not).
      const lastLineFeed = chunk.lastIndexOf(LINE_FEED, to - 1)
      this.#blankSoFar = lastLineFeed >= from && allBlank(chunk, lastLineFeed + 1, to)
      return blanks
    }
    // A record at a time: a blank one holds no quote, so the scan goes on as if it were not there.
    const after = scanner.quoted
    scanner.quoted = quoted
    for (let start = from; start < to;) {
      const end = scanner.scan(chunk, start, to, 1)
      blankSoFar &&= allBlank(chunk, start, end)
      if (scanner.found === 0) break
      if (blankSoFar) blanks.push([start, end])
      start = end
      blankSoFar = true
    }
    this.#blankSoFar = blankSoFar
    scanner.quoted = after
    return blanks
  }

  /** Whether the record under way at the end of the last chunk is blank so far. */
  get underWayBlank(): boolean {
    return this.#blankSoFar
  }
}

/**
 * Follows where a CSV's content ends, a chunk at a time: past the line feed after its last byte
 * that is not blank, then counts the blank rows after it. Only the blank bytes at a chunk's end
 * are looked at one by one: a few bytes, unless the chunk is all blank.
 */
export class BlankTail {
  #seen = 0
  /** Where the content ends so far. */
  contentBytes = 0
  /** Whether the last row with content still runs on (its line feed not yet seen). */
  #inLastRow = false
  #lineFeeds = 0
  #rowUnderWay = false

  see(chunk: Buffer): void {
    let from = chunk.length
    while (from > 0 && isBlank(chunk[from - 1])) from -= 1
    if (from > 0) {
      this.#inLastRow = true
      this.#lineFeeds = 0
      this.#rowUnderWay = false
    }
    for (let at = from; at < chunk.length; at++) {
      if (this.#inLastRow) {
        this.contentBytes = this.#seen + at + 1
        this.#inLastRow = chunk[at] !== LINE_FEED
      } else if (chunk[at] === LINE_FEED) {
        this.#lineFeeds += 1
        this.#rowUnderWay = false
      } else this.#rowUnderWay = true
    }
    if (from > 0 && from === chunk.length) this.contentBytes = this.#seen + chunk.length
    this.#seen += chunk.length
  }

  /** The blank rows after the content: a line feed ends each, and the last may have none. */
  get blankRows(): number {
    return this.#lineFeeds + (this.#rowUnderWay ? 1 : 0)
  }
}
