// The small rule language every input is checked with: what a value must look like, and the one
// line that says so when it does not ("Input "x" must be …; got "…".").
import { InputError } from '../errors.ts'
import { cut } from '../text.ts'

export interface Rule {
  readonly test: (value: string) => boolean
  /** What is allowed, completing "Input "x" must be ...". */
  readonly allowed: string
  /** Whether a rejected value may be quoted back in the error (never for secrets). */
  readonly echo: boolean
}

export interface NumberRule {
  readonly pattern: RegExp
  readonly min: number
  readonly max: number
  readonly allowed: string
}

/** A required value that passes `rule`. */
export function required(name: string, rule: Rule, value: string): string {
  if (value === '') throw problem(`Input "${name}" is required: ${rule.allowed}.`)
  if (!rule.test(value)) {
    const got = rule.echo ? `; got ${quote(value)}` : ''
    throw problem(`Input "${name}" must be ${rule.allowed}${got}.`)
  }
  return value
}

/** One of a few words, compared without case. */
export function oneOf<T extends string>(
  name: string,
  allowed: readonly T[],
  value: string,
  note = ''
): T {
  const found = allowed.find(option => option === value.toLowerCase())
  if (found !== undefined) return found
  const quoted = allowed.map(option => `"${option}"`)
  const list = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
  if (value === '') throw problem(`Input "${name}" is required: ${list}.`)
  throw problem(`Input "${name}" must be ${list}${note}; got ${quote(value)}.`)
}

export function parseNumber(
  name: string,
  value: string,
  fallback: number,
  rule: NumberRule
): number {
  if (value === '') return fallback
  const number = Number(value)
  if (!rule.pattern.test(value) || number < rule.min || number > rule.max) {
    throw problem(`Input "${name}" must be ${rule.allowed}; got ${quote(value)}.`)
  }
  return number
}

/** A number of seconds above 0 and at most `max`. */
export function seconds(max: number, note = ''): NumberRule {
  return {
    pattern: /^\d+(\.\d+)?$/,
    min: Number.MIN_VALUE,
    max,
    allowed: `a number of seconds above 0 and at most ${max}${note}`
  }
}

/** Booleans as YAML 1.2 (and so GitHub Actions) writes them. */
export function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (/^(true|True|TRUE)$/.test(value)) return true
  if (/^(false|False|FALSE)$/.test(value)) return false
  const yaml11 = /^(y|yes|n|no|on|off)$/i.test(value)
    ? ' (YAML 1.1 words such as yes and no are not booleans in GitHub Actions)'
    : ''
  throw problem(`Input "${name}" must be true or false; got ${quote(value)}${yaml11}.`)
}

/** A user's value for an error message: one line, and not a page long. */
export function quote(value: string): string {
  return JSON.stringify(cut(value, 60))
}

export function problem(message: string): InputError {
  return new InputError([message])
}

/** What `Problems.take` hands back for an input that had a problem (undefined may be a value). */
class Noted {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    this.problems = problems
  }
}

type Checked<T> = { [K in keyof T]: Exclude<T[K], Noted> }

/**
 * Gathers the problems of many inputs, so that one run names them all. `take` runs one parser and
 * hands back its value, or a mark after noting its problem; `checked` gives the values once no
 * input had a problem.
 */
export class Problems {
  readonly found: string[] = []

  take<T>(parse: () => T): T | Noted {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      this.found.push(...error.problems)
      return new Noted(error.problems)
    }
  }

  /** The value `take` handed back, or undefined when its input had a problem. */
  static valueOf<T>(taken: T | Noted): T | undefined {
    return taken instanceof Noted ? undefined : taken
  }

  /** The values, or the InputError that names every problem noted. */
  checked<T extends Record<string, unknown>>(values: T): Checked<T> {
    if (this.found.length > 0 || !noneNoted(values)) throw new InputError(this.found)
    return values
  }
}

function noneNoted<T extends Record<string, unknown>>(values: T): values is Checked<T> & T {
  return Object.values(values).every(value => !(value instanceof Noted))
}
