// Keeps secrets out of everything the action writes. The runner masks the log once a value is
// registered with core.setSecret; outputs and the job summary are files the runner does not
// mask, so text bound for them goes through redact() or redactJson() first. Both run in time
// linear in the text, whatever Zoho sends.
import * as core from '@actions/core'

export const MASK = '***'

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
    const pieces: string[] = []
    for (let at = 0; at < json.length;) {
      const end = json.charAt(at) === '"' ? endOfString(json, at) : nextQuote(json, at)
      const piece = json.slice(at, end)
      pieces.push(
        piece.startsWith('"')
          ? this.redact(piece)
          : piece.replace(JSON_NUMBER, number =>
              this.redact(number) === number ? number : `"${MASK}"`
            )
      )
      at = end
    }
    return pieces.join('')
  }
}

/** The index just past the string literal that opens at `start`, or the text's end. */
function endOfString(json: string, start: number): number {
  for (let at = start + 1; at < json.length; at++) {
    const char = json.charAt(at)
    if (char === '\\') at++
    else if (char === '"') return at + 1
  }
  return json.length
}

function nextQuote(json: string, from: number): number {
  const at = json.indexOf('"', from)
  return at === -1 ? json.length : at
}

/**
 * A job ID as the log may show it: whole when it is not masked, else by its last six digits
 * ("…114027"), so that the job can still be found in Creator without revealing its ID.
 */
export function jobIdForLog(jobId: string, masked: boolean): string {
  return masked ? `…${jobId.slice(-6)}` : jobId
}
