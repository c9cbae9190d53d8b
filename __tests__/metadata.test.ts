// npm run validate: action.yml, the workflows and the examples pass GitHub's own parser, and a
// typo in any of them, or in the inputs a step gives this action, fails it.
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { NODE24, ROOT } from '../emulator/run-action.ts'

const VALIDATE = join(ROOT, 'scripts/validate-metadata.ts')

async function validate(
  ...files: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE24, [VALIDATE, ...files], {
      cwd: ROOT
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('npm run validate', () => {
  it('passes action.yml, .github/workflows and examples', async () => {
    const result = await validate()
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^\d+ files checked, 0 problems\.$/m)
    expect(Number(/^(\d+) files/.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(10)
    expect(result.code).toBe(0)
  })

  it('fails on a schema error, an unknown input of this action, and a missing required one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoho-validate-'))
    try {
      const workflow = join(dir, 'typo.yml')
      writeFileSync(
        workflow,
        [
          'on: push',
          'jobs:',
          '  load:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '        withh: {}',
          '      - uses: ./',
          '        with:',
          '          owner: jason18',
          '          app: zylker-store',
          '          form: Employee_Details',
          '          job_id: "1"',
          '          token: x',
          '      - uses: ./',
          '        id: create',
          '        with: { owner: o, app: a, form: f, action: create, token: x }',
          '      - run: echo ${{ steps.create.outputs.result-dir }} ${{ steps.create.outputs.job-id }}',
          '      - run: echo ${{ steps.upload.outputs.job-id }}'
        ].join('\n')
      )
      const action = join(dir, 'action.yml')
      writeFileSync(
        action,
        'name: x\ndescription: y\nruns:\n  using: node24\n  mian: dist/index.js\n'
      )
      const result = await validate(workflow, action)

      expect(result.code).toBe(1)
      expect(result.stderr).toContain("Unexpected value 'withh'")
      expect(result.stderr).toContain('job load, step 2 (uses: ./): unknown input "job_id"')
      expect(result.stderr).toContain(
        'job load, step 2 (uses: ./): missing required input "action"'
      )
      expect(result.stderr).toContain("Unexpected value 'mian'")
      expect(result.stderr).toContain(
        'job load reads steps.create.outputs.result-dir, which action "create" does not set'
      )
      expect(result.stderr).toContain(
        'job load reads steps.upload.outputs.job-id, but no step has id upload'
      )
      expect(result.stderr).not.toContain('steps.create.outputs.job-id')
      expect(result.stdout).toContain('2 files checked, 7 problems.')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
