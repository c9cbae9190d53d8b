// GITHUB_WORKSPACE for the tests of one file: a folder made before them and removed after them.
// `const workspace = useWorkspace()` at the top of the file; `workspace.path` inside a test.
import { afterAll, beforeAll } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function useWorkspace(): { readonly path: string } {
  let path = ''
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), 'zoho-workspace-'))
  })
  afterAll(async () => {
    await rm(path, { recursive: true, force: true })
  })
  return {
    get path() {
      if (path === '') throw new Error('useWorkspace() is for use inside a test')
      return path
    }
  }
}
