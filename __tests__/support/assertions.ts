// Assertions shared by the end-to-end tests.
import { expect } from '@jest/globals'
import type { ActionRun } from '../../emulator/run-action.ts'

/** The outputs whose purpose is to hand the job's ID to later steps of the same job. */
const JOB_ID_OUTPUTS = new Set(['job-id', 'job-ids'])

/**
 * Each secret was registered with the runner (an ::add-mask:: command), and appears nowhere
 * else: not in the log, the job summary, or an output other than those that carry the job's ID.
 */
export function expectMasked(run: ActionRun, secrets: readonly string[]): void {
  const log = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const outputs = Object.entries(run.outputs)
    .filter(([name]) => !JOB_ID_OUTPUTS.has(name))
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')
  for (const secret of secrets) {
    expect(secret).not.toBe('')
    expect(run.stdout).toContain(`::add-mask::${secret}`)
    for (const text of [log, run.stderr, outputs, run.summary]) expect(text).not.toContain(secret)
  }
}
