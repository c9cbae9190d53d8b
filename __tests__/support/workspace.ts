// GITHUB_WORKSPACE for the tests of one file: a folder made before them and removed after them.
// `const workspace = useWorkspace()` at the top of the file; `workspace.path` inside a test, and
// `workspace.notAFolder()` for a RUNNER_TEMP the action cannot write under.
import { afterAll, beforeAll } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Workspace {
  readonly path: string
  /** A file of the workspace, named where a folder is wanted: nothing can be written under it. */
  notAFolder(): Promise<string>
}

export function useWorkspace(): Workspace {
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
    },
    async notAFolder() {
      const file = join(this.path, 'not-a-folder')
      await writeFile(file, '')
      return file
    }
  }
}
