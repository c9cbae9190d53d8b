// src/ reads top-down: each module imports only from its own layer or those below, and no module
// imports itself round a cycle. "Send once" is at the bottom, "retry a send" above it, Zoho's calls
// above that, and the flow of a run on top.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT } from './support/run-action.ts'

/** From the bottom: a module is in the first layer one of whose prefixes its path starts with. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'text.ts', 'clock.ts', 'secrets.ts'],
  ['http/'],
  ['retry.ts'],
  ['zoho/'],
  ['csv.ts', 'poll.ts', 'header-check.ts', 'split.ts', 'records/'],
  ['inputs/', 'inputs.ts', 'outputs.ts'],
  ['steps/', 'results.ts', 'job-file.ts'],
  ['report.ts', 'cancel.ts'],
  ['held-job.ts'],
  ['run-steps.ts', 'load.ts'],
  ['main.ts', 'post.ts'],
  ['index.ts']
]

const SRC = join(ROOT, 'src')
const modules = readdirSync(SRC, { recursive: true })
  .map(String)
  .filter(file => file.endsWith('.ts'))
  .map(file => file.split('\\').join('/'))

function layerOf(module: string): number {
  const layer = LAYERS.findIndex(prefixes => prefixes.some(prefix => module.startsWith(prefix)))
  if (layer === -1) throw new Error(`src/${module} is in no layer: add it to LAYERS`)
  return layer
}

/** The modules of src/ that `module` imports, values and types alike. */
function importsOf(module: string): string[] {
  const text = readFileSync(join(SRC, module), 'utf8')
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map(match =>
      relative(SRC, join(SRC, dirname(module), match[1] ?? ''))
        .split('\\')
        .join('/')
    )
    .filter(target => !target.startsWith('..'))
}

const graph = new Map(modules.map(module => [module, importsOf(module)]))

describe('the layers of src/', () => {
  it('holds every module in one layer', () => {
    expect(modules.length).toBeGreaterThan(25)
    for (const module of modules) expect(layerOf(module)).toBeGreaterThanOrEqual(0)
  })

  it.each(modules)('%s imports nothing from a layer above it', module => {
    const upward = (graph.get(module) ?? []).filter(target => layerOf(target) > layerOf(module))
    expect(upward).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const visit = (module: string, path: readonly string[]): void => {
      if (path.includes(module)) {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' → '))
        return
      }
      for (const target of graph.get(module) ?? []) visit(target, [...path, module])
    }
    for (const module of modules) visit(module, [])
    expect(cycles).toEqual([])
  })
})
