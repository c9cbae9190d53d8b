// How a load splits its file into jobs: the most records one job takes, and the records to skip
// (to resume a load that stopped).
import { type NumberRule, parseNumber } from './rules.ts'

export interface PartLimits {
  /** The most records a job takes; undefined for no limit but Zoho's size. */
  readonly maxRecords: number | undefined
  /** The records at the start of the file that are not loaded. */
  readonly skipRecords: number
}

const MAX_COUNT = 1_000_000_000
const RECORDS_PER_JOB: NumberRule = {
  pattern: /^\d+$/,
  min: 1,
  max: MAX_COUNT,
  allowed: 'a whole number of records from 1 (or empty for no limit)'
}
const SKIP_RECORDS: NumberRule = {
  pattern: /^\d+$/,
  min: 0,
  max: MAX_COUNT,
  allowed: 'a whole number of records from 0'
}

type PartInputs = Readonly<Record<'max-records-per-job' | 'skip-records', string>>

export function parseMaxRecords(raw: PartInputs): number | undefined {
  const value = parseNumber('max-records-per-job', raw['max-records-per-job'], 0, RECORDS_PER_JOB)
  return value === 0 ? undefined : value
}

export function parseSkipRecords(raw: PartInputs): number {
  return parseNumber('skip-records', raw['skip-records'], 0, SKIP_RECORDS)
}
