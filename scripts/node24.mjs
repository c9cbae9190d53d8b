// Runs one of the scripts in scripts/, which are TypeScript run by Node's own type stripping, once
// this Node is one that can: `node scripts/node24.mjs scripts/demo.ts [args]`. Plain JavaScript, so
// that an older Node says in one line which Node to use instead of ERR_UNKNOWN_FILE_EXTENSION.
import { spawnSync } from 'node:child_process'

const NEEDED = 24
const major = Number(process.versions.node.split('.')[0])
if (major < NEEDED) {
  const event = process.env.npm_lifecycle_event
  const command = event === undefined ? `node ${process.argv[2]}` : `npm run ${event}`
  console.error(
    `${command} needs Node ${NEEDED} or later (.node-version), and this is Node ` +
      `${process.versions.node}: install Node ${NEEDED}, or run npm ci on a platform for which it ` +
      'installs Node 24 from npm (Linux x64 or arm64, macOS on Intel, Windows x64).'
  )
  process.exit(1)
}
const [script, ...args] = process.argv.slice(2)
const result = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' })
process.exit(result.status ?? 1)
