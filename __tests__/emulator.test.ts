// The tools a contributor runs by hand: `npm run emulator` prints what it is asked and lets its
// sample job run again; `npm run local-action` without its .env says what to do.
import { afterEach, expect, it } from '@jest/globals'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { sampleInputs } from '../emulator/sample.ts'
import { NODE24, ROOT, runAction } from '../emulator/run-action.ts'

let emulator: ChildProcess | undefined
afterEach(async () => {
  if (emulator?.exitCode === null) {
    emulator.kill('SIGTERM')
    await once(emulator, 'close')
  }
})

it('npm run emulator prints each request, and its sample job runs again after a reset', async () => {
  const child = spawn(NODE24, [join(ROOT, 'scripts/emulator.ts')], {
    env: { PATH: process.env['PATH'] ?? '', EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  emulator = child
  let printed = ''
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()))
  while (!/Stop with Ctrl\+C/.test(printed)) await once(child.stdout, 'data')
  const url = /Zoho emulator on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] ?? ''
  const reset = /Run the sample job again after it has run: curl -X POST (\S+)/.exec(printed)?.[1]
  expect(reset).toBe(`${url}/_emulator/reset`)

  const first = await runAction(sampleInputs(url))
  expect(first.outputs['code']).toBe('3000')
  expect(printed).toMatch(
    /\d\d:\d\d:\d\d\.\d{3} PATCH \/creator\/v2\.1\/bulk\/jason18\/zylker-store\/form\/Employee_Details\/insert\/\d+ → 200/
  )
  const again = await runAction(sampleInputs(url))
  expect(again.exitCode).toBe(1) // the job has run
  await fetch(reset ?? '', { method: 'POST' })
  const afterReset = await runAction(sampleInputs(url))
  expect(afterReset.errors).toEqual([])
  expect(afterReset.outputs['code']).toBe('3000')
})

it('npm run local-action without its .env says what to do, without a stack trace', () => {
  const result = spawnSync(NODE24, [join(ROOT, 'scripts/local-action.ts'), 'no-such.env'], {
    encoding: 'utf8'
  })
  expect(result.status).toBe(1)
  expect(result.stderr).toContain(
    'npm run local-action reads the inputs from no-such.env, and there is none.'
  )
  expect(result.stderr).toContain('cp .env.example .env')
  expect(result.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/)
})
