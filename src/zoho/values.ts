// What a value of a form's field must be for Zoho to take it, by the field's type as Get Fields
// gives it (zoho-bulk-api.md, "Field types"): checked cell by cell before any job exists with
// check-values. A type the contract does not describe is not checked, nor is a lookup's value.
import type { FormField } from './fields.ts'

/** A kind of problem, with what the log and problems.csv say of it. */
export const VALUE_PROBLEMS = {
  mandatory: 'is empty, but the field is mandatory',
  email: 'is not an email address',
  whole: 'is not a whole number',
  number: 'is not a number',
  long: 'is longer than the field takes',
  choice: 'is not one of the field’s choices',
  repeat: 'repeats a value of a unique field'
} as const

export type ValueProblem = keyof typeof VALUE_PROBLEMS

const EMAIL = 3
const NUMBER = 5
/** Decimal, Percent, Currency. */
const DECIMALS: ReadonlySet<number> = new Set([6, 7, 8])
/** Drop Down and Radio: one value. Multi Select and Checkbox hold several, written in no way documented. */
const ONE_CHOICE: ReadonlySet<number> = new Set([12, 13])

const EMAIL_FORM = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const WHOLE_FORM = /^[+-]?\d+$/
const NUMBER_FORM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** What is wrong with `value` (as the file holds it) for `field`, or undefined when nothing is. */
export function valueProblem(field: FormField, value: string): ValueProblem | undefined {
  const trimmed = value.trim()
  if (trimmed === '') return field.mandatory ? 'mandatory' : undefined
  // Counted as Zoho's Java strings count them: in UTF-16 code units.
  if (field.maxChars !== undefined && value.length > field.maxChars) return 'long'
  if (field.lookup === true) return undefined
  if (field.type === EMAIL && !EMAIL_FORM.test(trimmed)) return 'email'
  if (field.type === NUMBER && !WHOLE_FORM.test(trimmed)) return 'whole'
  if (field.type !== undefined && DECIMALS.has(field.type) && !NUMBER_FORM.test(trimmed))
    return 'number'
  if (
    field.type !== undefined &&
    ONE_CHOICE.has(field.type) &&
    field.choices !== undefined &&
    !field.choices.includes(trimmed)
  )
    return 'choice'
  return undefined
}
