// Blank lines: a row of nothing but spaces, tabs and carriage returns, outside quotes, is no record
// wherever it is (the counts, the parts, the value checks). Found with the record scanner, a chunk
// at a time; a chunk with no line that starts blank costs four searches, not a scan.
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

/** A line feed and what can start a blank line after it: where a blank record may be. */
const MAY_START_BLANK = ['\n\n', '\n\r', '\n ', '\n\t'].map(text => Buffer.from(text))

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
   * The blank records that end in `chunk` (in the scanner's memory) from `from`, each as the bytes
   * it holds here (`[start, end)`): the first may start at `from`, having begun in the chunk before.
   * The scanner's quote state is the one at `from`, and is left so.
   */
  find(scanner: RecordScanner, chunk: Buffer, from: number): [number, number][] {
    const blanks: [number, number][] = []
    const quoted = scanner.quoted
    let blankSoFar = this.#blankSoFar && !quoted
    if (!(blankSoFar && isBlank(chunk[from])) && !mayStartBlank(chunk, from)) {
      // No record starts blank here: only the line under way at the end may.
      const lastLineFeed = chunk.lastIndexOf(LINE_FEED)
      this.#blankSoFar =
        lastLineFeed < from
          ? this.#blankSoFar && allBlank(chunk, from, chunk.length)
          : allBlank(chunk, lastLineFeed + 1, chunk.length)
      return blanks
    }
    // A record at a time: a blank one holds no quote, so the scan goes on as if it were not there.
    let start = from
    while (start < chunk.length) {
      const end = scanner.scan(chunk, start, chunk.length, 1)
      blankSoFar &&= allBlank(chunk, start, end)
      if (scanner.found === 0) break
      if (blankSoFar) blanks.push([start, end])
      start = end
      blankSoFar = true
    }
    this.#blankSoFar = blankSoFar
    scanner.quoted = quoted
    return blanks
  }

  /** Whether the record under way at the end of the last chunk is blank so far. */
  get underWayBlank(): boolean {
    return this.#blankSoFar
  }
}

function mayStartBlank(chunk: Buffer, from: number): boolean {
  return MAY_START_BLANK.some(pattern => chunk.indexOf(pattern, from) !== -1)
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
