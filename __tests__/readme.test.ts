// The README's inputs and outputs tables are generated from action.yml (npm run docs).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { updateReadme } from '../scripts/generate-docs.ts'
import { ROOT } from '../emulator/run-action.ts'

const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

describe('README', () => {
  it('has the inputs and outputs tables of action.yml (run `npm run docs` and commit README.md)', () => {
    expect(readme).toBe(updateReadme(readme, actionYml))
  })

  it('would be rewritten by npm run docs if action.yml changed', () => {
    const renamed = actionYml.replace('  poll-interval:', '  poll-every:')
    const updated = updateReadme(readme, renamed)
    expect(updated).not.toBe(readme)
    expect(updated).toContain(
      '| `poll-every` | no | `5` | With wait, seconds before the first status poll'
    )
  })
})
