// src/ reads top-down: each module imports only from its own layer or those below, and no module
// imports itself round a cycle. "Send once" is at the bottom, "retry a send" above it, Zoho's calls
// above that, and the flow of a run on top.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT } from '../emulator/run-action.ts'

/**
 * The layers, from the bottom, as docs/architecture.md lists them: a module is in the first layer
 * one of whose prefixes its path starts with. The page is the definition, so it cannot drift.
 */
const ARCHITECTURE = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
const LAYERS: readonly (readonly string[])[] = [
  ...ARCHITECTURE.matchAll(/^\d+\. ((?:`[^`]+`(?:, )?)+):/gm)
].map(([, names = '']) => [...names.matchAll(/`([^`]+)`/g)].map(([, name = '']) => name))

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
  it('holds every module in one layer of docs/architecture.md, and names no module that is not', () => {
    expect(LAYERS.length).toBeGreaterThan(10)
    expect(modules.length).toBeGreaterThan(25)
    for (const prefix of LAYERS.flat())
      expect(modules.filter(module => module.startsWith(prefix))).not.toEqual([])
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

  it('leaves the tests alone: neither scripts/ nor emulator/ imports from __tests__/', () => {
    const outside = ['scripts', 'emulator'].flatMap(dir =>
      readdirSync(join(ROOT, dir), { recursive: true })
        .map(String)
        .filter(file => /\.(ts|mjs)$/.test(file))
        .filter(file => /from '[^']*__tests__\//.test(readFileSync(join(ROOT, dir, file), 'utf8')))
        .map(file => `${dir}/${file}`)
    )
    expect(outside).toEqual([])
  })

  it("keeps the record scanner's memory inside src/csv/: no other module reads into its buffers", () => {
    const outside = modules
      .filter(module => !module.startsWith('csv/'))
      // The scanner, its buffers, or buffers handed in to be read into (as csvChunks once took).
      .filter(module =>
        /\.buffers\b|RecordScanner|into: readonly Buffer\[\]/.test(
          readFileSync(join(SRC, module), 'utf8')
        )
      )
    expect(outside).toEqual([])
  })
})
