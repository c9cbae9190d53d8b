// For the bench's stage scripts: how src/'s calls reach the emulator at `url` as the sample account,
// retried as a step retries them, and logging nothing (the bench measures, it does not narrate).
import { systemClock } from '../../src/clock.ts'
import type { Connection } from '../../src/zoho/api.ts'
import type { CallContext } from '../../src/zoho/call.ts'
import { SAMPLE } from '../../emulator/sample.ts'

export function sampleConnection(url: string): Connection {
  return {
    apiBaseUrl: url,
    environment: 'production',
    tokens: { current: () => Promise.resolve(SAMPLE.token), renew: () => Promise.resolve(false) }
  }
}

export function quietContext(): CallContext {
  return {
    policy: { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, timeScale: 1 },
    timeoutMs: 120_000,
    clock: systemClock,
    calls: { made: 0 },
    log: () => {},
    redact: text => text
  }
}

/** How a stage waits for each read job: as a step would, for up to ten minutes. */
export const READ_WAIT = { timeoutMs: 600_000, firstDelayMs: 50 }
