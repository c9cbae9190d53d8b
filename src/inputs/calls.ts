// How each call to Zoho is made: how many times a failed one is tried again, and how long one
// attempt may take.
import type { RetryPolicy } from '../retry.ts'
import { type NumberRule, parseNumber, seconds } from './rules.ts'

const DEFAULT_RETRIES = 3
const MAX_RETRIES = 10
const DEFAULT_TIMEOUT_SECONDS = 30
const MAX_TIMEOUT_SECONDS = 600
const BACKOFF_BASE_MS = 1000
const MAX_BACKOFF_MS = 20_000

const RETRIES: NumberRule = {
  pattern: /^\d+$/,
  min: 0,
  max: MAX_RETRIES,
  allowed: `a whole number of extra attempts from 0 to ${MAX_RETRIES}`
}
const TIMEOUT = seconds(MAX_TIMEOUT_SECONDS)

/** The retries of a failed call, with waits multiplied by the runner's `timeScale`. */
export function parseRetry(value: string, timeScale: number): RetryPolicy {
  return {
    retries: parseNumber('retries', value, DEFAULT_RETRIES, RETRIES),
    baseDelayMs: BACKOFF_BASE_MS,
    maxDelayMs: MAX_BACKOFF_MS,
    timeScale
  }
}

/** The deadline of each attempt of each call, in milliseconds. */
export function parseTimeout(value: string): number {
  return parseNumber('timeout', value, DEFAULT_TIMEOUT_SECONDS, TIMEOUT) * 1000
}
