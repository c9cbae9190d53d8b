// The README's inputs and outputs tables are generated from action.yml (npm run docs).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { updateReadme } from '../scripts/generate-docs.ts'
import { INPUT_NAMES, parseSettings, type RawInputs } from '../src/inputs.ts'
import { ROOT } from './support/run-action.ts'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
}

const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const action = parse(actionYml) as ActionYml
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
      '| `poll-every` | no |  | With wait, seconds before the first status poll'
    )
  })

  it('documents the two development commands', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
  })
})

describe('action.yml', () => {
  it('declares exactly the inputs the action reads, each described', () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES])
    for (const input of Object.values(action.inputs))
      expect(input.description.length).toBeGreaterThan(10)
  })

  it('has the defaults the code falls back to when an input is empty', () => {
    const given = Object.fromEntries(
      INPUT_NAMES.map(name => [name, action.inputs[name]?.default ?? ''])
    ) as RawInputs
    const empty = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as RawInputs
    const required = {
      owner: 'o',
      app: 'a',
      form: 'f',
      'job-id': '1234567890',
      action: 'start',
      token: 't'
    }
    expect(parseSettings({ ...given, ...required, wait: 'true' })).toEqual(
      parseSettings({ ...empty, ...required, wait: 'true' })
    )
  })
})
