// What the emulator answers a request with, before it is written to the wire.

export interface Reply {
  readonly status: number
  /** JSON, or the bytes of a ZIP (or of JSON written by hand, when `json`). */
  readonly body: Record<string, unknown> | Uint8Array
  readonly json?: boolean
  /** Headers besides Content-Type. */
  readonly headers?: Readonly<Record<string, string>>
}

/** Zoho's error body: `{"code": …, "message": …}` with an HTTP status. */
export function error(status: number, code: number, message: string): Reply {
  return { status, body: { code, message } }
}

/** A CSV cell, quoted when it holds a comma, a quote or a line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows as CSV text, each ending in CRLF. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map(row => `${row.map(csvCell).join(',')}\r\n`).join('')
}
