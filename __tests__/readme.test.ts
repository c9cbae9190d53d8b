// The README's inputs and outputs tables say what action.yml says.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { INPUT_NAMES } from '../src/inputs.ts'
import { ROOT } from './support/run-action.ts'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The rows of the first table under a `## heading`, as cells without their backticks. */
function table(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter(line => line.startsWith('|'))
    .slice(2)
    .map(line =>
      line
        .slice(1, -1)
        .split('|')
        .map(cell => cell.trim().replace(/^`(.*)`$/, '$1'))
    )
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

describe('README', () => {
  it('lists every input of action.yml, with its required flag, default and description', () => {
    expect(table('Inputs')).toEqual(
      Object.entries(action.inputs).map(([name, input]) => [
        name,
        input.required === true ? 'yes' : 'no',
        input.default ?? '',
        oneLine(input.description)
      ])
    )
  })

  it('lists every output of action.yml with its description', () => {
    expect(table('Outputs')).toEqual(
      Object.entries(action.outputs).map(([name, output]) => [name, oneLine(output.description)])
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
})
