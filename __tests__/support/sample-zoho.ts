// A fresh sample emulator for every test of a file: `const zoho = useSampleZoho()` at the top; or,
// for a file of loads, the emulator, a workspace and a load of a file written in it: `useSampleLoads()`.
import { afterEach, beforeEach } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ActionRun, runAction } from '../../emulator/run-action.ts'
import { sampleLoadInputs, startSampleEmulator } from '../../emulator/sample.ts'
import type { EmulatedJob, ZohoEmulator } from '../../emulator/zoho-emulator.ts'
import { useWorkspace, type Workspace } from './workspace.ts'

export interface SampleZoho {
  readonly emulator: ZohoEmulator
  /** The sample job, live: tests set its state and read what the action did to it. */
  readonly job: EmulatedJob
  /** The emulator's base URL, for `api-url` and `accounts-url`. */
  readonly url: string
}

export function useSampleZoho(): SampleZoho {
  let current: SampleZoho | undefined
  beforeEach(async () => {
    current = await startSampleEmulator()
  })
  afterEach(async () => {
    await current?.emulator.stop()
  })
  const now = (): SampleZoho => {
    if (current === undefined) throw new Error('useSampleZoho() is for use inside a test')
    return current
  }
  return {
    get emulator() {
      return now().emulator
    },
    get job() {
      return now().job
    },
    get url() {
      return now().url
    }
  }
}

/** The sample emulator and a workspace, for the files whose tests load a file into a free form. */
export interface SampleLoads {
  readonly zoho: SampleZoho
  readonly workspace: Workspace
  /**
   * Writes `contents` as `name` in the workspace, then runs the action as the runner would: a
   * load of that file into the sample form, with `inputs` over the sample's.
   */
  readonly load: (
    name: string,
    contents: string | Uint8Array,
    inputs?: Readonly<Record<string, string>>
  ) => Promise<ActionRun>
}

/** `const { zoho, workspace, load } = useSampleLoads()` at the top of a file of loads. */
export function useSampleLoads(): SampleLoads {
  const zoho = useSampleZoho()
  const workspace = useWorkspace()
  beforeEach(() => {
    zoho.job.state = 'Completed' // the sample job has ended: the form is free for new jobs
  })
  return {
    zoho,
    workspace,
    load: async (name, contents, inputs = {}) => {
      await writeFile(join(workspace.path, name), contents)
      return runAction(
        { ...sampleLoadInputs(zoho.url, name), ...inputs },
        { GITHUB_WORKSPACE: workspace.path }
      )
    }
  }
}
