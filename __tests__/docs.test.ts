// The pages of the repository name only files it holds: a renamed or removed module fails here,
// not in a reader's hands.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { ROOT } from '../emulator/run-action.ts'

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs')).map(name => `docs/${name}`)
]
const FILES = readdirSync(ROOT, { recursive: true })
  .map(String)
  .filter(path => !/^(node_modules|\.git|coverage|reports|\.stryker-tmp)\b/.test(path))
  .map(path => path.split('\\').join('/'))

/** The paths a page names in code spans: names with a file extension of the repository's, or folders. */
function namedFiles(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8')
  return [
    ...text.matchAll(/`([\w./-]+\.(?:ts|mjs|js|md|yml|wat|json)|[\w.-]+\/(?:[\w.-]+\/)*)`/g)
  ].map(([, path = '']) => path)
}

/** Whether the repository holds `path`: from its root, or (a module named alone) anywhere. */
function held(path: string): boolean {
  const bare = path.replace(/\/$/, '')
  if (existsSync(join(ROOT, bare))) return true
  return FILES.some(file => file.endsWith(`/${bare}`) || basename(file) === bare)
}

describe('the pages of the repository', () => {
  it.each(PAGES)('%s names only files the repository holds', page => {
    expect(namedFiles(page).filter(path => !held(path))).toEqual([])
  })

  it('reads the files a page names, and would see one missing', () => {
    expect(namedFiles('docs/architecture.md').length).toBeGreaterThan(10)
    expect(held('src/held-job.ts')).toBe(true)
    expect(held('send.ts')).toBe(true)
    expect(held('job-action.ts')).toBe(false)
    expect(held('src/follow.ts')).toBe(false)
  })
})
