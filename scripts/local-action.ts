// `npm run local-action [-- file]`: runs src/main.ts through @github/local-action with the inputs in
// .env (or the file given), to step through the action. Without it, it says what to do rather than
// fail inside the tool.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const envFile = process.argv[2] ?? '.env'
if (!existsSync(join(root, envFile))) {
  console.error(
    `npm run local-action reads the inputs from ${envFile}, and there is none. Copy the example, which ` +
      "runs the emulator's sample job:\n\n  cp .env.example .env\n\nthen start `npm run emulator` in " +
      'another terminal and run `npm run local-action` again.'
  )
  process.exit(1)
}
// The tool's own script, run by this Node: no shell, and no .cmd shim on Windows.
const tool = join(root, 'node_modules/@github/local-action/bin/local-action.js')
const result = spawnSync(process.execPath, [tool, 'run', '.', 'src/main.ts', envFile], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(result.status ?? 1)
