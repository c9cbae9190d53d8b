// Assertions shared by the end-to-end tests.
import { expect } from '@jest/globals'
import type { ActionRun } from './run-action.ts'

/**
 * Each secret was registered with the runner (an ::add-mask:: command), and appears nowhere
 * else: not in the log, the outputs or the job summary.
 */
export function expectMasked(run: ActionRun, secrets: readonly string[]): void {
  const log = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of secrets) {
    expect(secret).not.toBe('')
    expect(run.stdout).toContain(`::add-mask::${secret}`)
    for (const text of [log, run.stderr, run.outputsFile, run.summary])
      expect(text).not.toContain(secret)
  }
}
