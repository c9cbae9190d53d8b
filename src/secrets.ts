// Keeps secrets out of everything the action writes. The runner masks the log once a value is
// registered with core.setSecret; outputs and the job summary are files the runner does not
// mask, so text bound for them goes through redact() or redactJson() first.
import * as core from '@actions/core'

export const MASK = '***'

// A JSON string literal, or a run of text between string literals.
const JSON_PIECES = /"(?:[^"\\]|\\.)*"|[^"]+/g
const JSON_NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

export class Secrets {
  #values: string[] = []

  /** Masks a value in the log from now on and redacts it from text passed to this object. */
  add(value: string): void {
    if (value === '' || this.#values.includes(value)) return
    core.setSecret(value)
    // Longest first, so a secret that contains another is replaced whole.
    this.#values = [...this.#values, value].sort((a, b) => b.length - a.length)
  }

  /** Replaces every occurrence of a secret in free text. */
  redact(text: string): string {
    return this.#values.reduce((out, secret) => out.split(secret).join(MASK), text)
  }

  /**
   * Redacts JSON text and keeps it valid JSON: inside a string a secret becomes `***`; a bare
   * number that contains one (a job ID sent as a number) becomes the string "***".
   */
  redactJson(json: string): string {
    return json.replace(JSON_PIECES, piece =>
      piece.startsWith('"')
        ? this.redact(piece)
        : piece.replace(JSON_NUMBER, number =>
            this.redact(number) === number ? number : `"${MASK}"`
          )
    )
  }
}
