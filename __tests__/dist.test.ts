// dist/ is what the runner executes: it must be the bundle of the committed src/.
import { expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../emulator/run-action.ts'

it('runs dist/index.js on node24, as action.yml declares, and again after a cancel', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: unknown }
  expect(action.runs).toEqual({
    using: 'node24',
    main: 'dist/index.js',
    post: 'dist/index.js',
    'post-if': 'cancelled()'
  })
})

it('has dist/ identical to a fresh bundle of src/ (run `npm run bundle` and commit dist/)', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'zoho-dist-'))
  try {
    // The package's own bundle script, with the output sent elsewhere (ncc takes the last -o).
    // npm's own script, run by this Node: no shell, and no npm.cmd shim on Windows.
    const npm = process.env['npm_execpath']
    const [command, args] = npm === undefined ? ['npm', []] : [process.execPath, [npm]]
    execFileSync(command, [...args, 'run', '-s', 'bundle', '--', '-o', fresh], {
      cwd: ROOT,
      stdio: 'ignore'
    })
    const committed = join(ROOT, 'dist')
    expect(readdirSync(committed).sort()).toEqual(readdirSync(fresh).sort())
    for (const file of readdirSync(fresh)) {
      const same = readFileSync(join(committed, file)).equals(readFileSync(join(fresh, file)))
      expect({ file, same }).toEqual({ file, same: true })
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true })
  }
}, 120_000)

it('keeps dist/index.js under 340 KB: no module the action never runs, no comments', () => {
  const bundle = readFileSync(join(ROOT, 'dist/index.js'), 'utf8')
  expect(bundle.length).toBeLessThan(340 * 1000)
  // One scope: src/index.ts has no top-level await, which would keep each module apart.
  expect(bundle).not.toContain('harmony import')
  // Stand-ins for what @actions/* import and this action never calls (stubs/).
  expect(bundle).toContain('undici is left out of this bundle')
  expect(bundle).not.toContain('ToolRunner') // @actions/exec's own
  expect(bundle).not.toContain('fflate')
})
