// Runs the action the way the runner does: inputs as INPUT_* variables (hyphens kept), outputs
// and summary written to the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, under RUNNER_TEMP.
// The end-to-end suites run the bundle on Node 24. The jest project "in-process" runs the same
// suites through src/main.ts's runMain() inside the test process, so that coverage sees src/.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OUTPUTS_OF } from '../src/outputs.ts'
import { findNode24 } from './node24.ts'

export const ROOT = fileURLToPath(new URL('../', import.meta.url))
/**
 * The runner sends SIGTERM 7.5 s after a cancel's SIGINT: what a user can rely on. No test asks for
 * quicker by the clock, which a loaded machine would fail now and then.
 */
export const RUNNER_GRACE_MS = 7500

/** The runtime action.yml declares (node24). */
export const NODE24 = findNode24(ROOT)
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
  /** Every folder the action left under RUNNER_TEMP, by its full path. */
  readonly folders: readonly string[]
  /** A file the action saved in result-dir, by its name there. */
  resultFile(name: string): Buffer | undefined
  /** How long the run took from the signal sent to its end, when one was sent (ms). */
  readonly afterSignalMs?: number
  /** What the step saved for its post step (core.saveState), the last value of each name. */
  readonly state: Readonly<Record<string, string>>
}

/** A signal sent as the runner sends it on a cancel, once the log matches `when`. */
export interface SignalAt {
  readonly name: NodeJS.Signals
  readonly when: RegExp
}

interface Execution {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly afterSignalMs?: number
}

type Executor = (
  env: Record<string, string>,
  dir: string,
  signal: SignalAt | undefined
) => Promise<Execution>

/** Set by the jest project that runs the suites in-process (see jest.config.js). */
export const IN_PROCESS =
  (globalThis as { ACTION_UNDER_TEST?: string }).ACTION_UNDER_TEST === 'in-process'

export async function runAction(
  inputs: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>> = {},
  signal?: SignalAt
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'zoho-action-'))
  const outputPath = join(dir, 'output')
  await writeFile(outputPath, '')
  const statePath = join(dir, 'state')
  await writeFile(statePath, '')
  const summaryPath = join(dir, 'summary')
  await writeFile(summaryPath, '')
  try {
    const execution = await (IN_PROCESS ? inProcess : bundle)(
      {
        GITHUB_OUTPUT: outputPath,
        GITHUB_STEP_SUMMARY: summaryPath,
        GITHUB_STATE: statePath,
        RUNNER_TEMP: dir,
        // Retries in tests wait milliseconds, not seconds: the backoff (base 1 ms instead of 1 s)
        // and Zoho's throttle windows (60 ms instead of a minute, 0.6 s instead of 10 minutes).
        ZOHO_BULK_ACTION_TIME_SCALE: '0.001',
        ...Object.fromEntries(
          Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
        ),
        ...env
      },
      dir,
      signal
    )
    const outputsFile = await readFile(outputPath, 'utf8')
    const files: Record<string, Buffer> = {}
    const folders: string[] = []
    for (const name of await readdir(dir, { recursive: true })) {
      const path = join(dir, name)
      if ((await stat(path)).isDirectory()) folders.push(path)
      else if (![outputPath, summaryPath, statePath].includes(path))
        files[path] = await readFile(path)
    }
    const outputs = parseOutputs(outputsFile)
    checkOutputsOf(inputs['action'] ?? '', outputs)
    return {
      ...execution,
      outputs,
      resultFile: name => files[join(outputs['result-dir'] ?? '', name)],
      outputsFile,
      state: parseOutputs(await readFile(statePath, 'utf8')),
      summary: await readFile(summaryPath, 'utf8'),
      errors: execution.stdout
        .split('\n')
        .filter(line => line.startsWith('::error::'))
        .map(line => unescapeCommand(line.slice('::error::'.length))),
      files,
      folders
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Every run is held to the table of what its action sets, which npm run validate reads. */
function checkOutputsOf(action: string, outputs: Readonly<Record<string, string>>): void {
  const allowed: readonly string[] | undefined = (OUTPUTS_OF as Record<string, readonly string[]>)[
    action.toLowerCase()
  ]
  if (allowed === undefined) return
  const unlisted = Object.keys(outputs).filter(name => !allowed.includes(name))
  if (unlisted.length > 0)
    throw new Error(
      `action ${action} set outputs src/outputs.ts does not list: ${unlisted.join(', ')}`
    )
}

/** The post step of a run whose main step saved `state`, as the runner runs it after a cancel. */
export async function runPostStep(
  inputs: Readonly<Record<string, string>>,
  state: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>> = {}
): Promise<ActionRun> {
  const stateEnv = Object.fromEntries(
    Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])
  )
  return runAction(inputs, { ...stateEnv, ...env })
}

/** runAction, and how long the run took in all (ms). */
export async function timedRun(
  ...args: Parameters<typeof runAction>
): Promise<ActionRun & { readonly ms: number }> {
  const started = Date.now()
  const run = await runAction(...args)
  return { ...run, ms: Date.now() - started }
}

/** dist/index.js in a child process on Node 24, with nothing of this process's environment but PATH. */
const bundle: Executor = async (env, dir, signal) => {
  const child = spawn(NODE24, [BUNDLE], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let signalledAt: number | undefined
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (signal !== undefined && signalledAt === undefined && signal.when.test(stdout)) {
      signalledAt = Date.now()
      child.kill(signal.name)
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [exitCode] = (await once(child, 'close')) as [number | null]
  return { exitCode, stdout, stderr, ...afterSignal(signalledAt) }
}

function afterSignal(signalledAt: number | undefined): { afterSignalMs?: number } {
  return signalledAt === undefined ? {} : { afterSignalMs: Date.now() - signalledAt }
}

// Imported as the test file loads, not in a test: StrykerJS then knows that what src/ does at load
// time (its tables and constants) is covered by every test, and runs them all for such a mutant.
const entries = IN_PROCESS
  ? {
      runMain: (await import('../src/main.ts')).runMain,
      runPost: (await import('../src/post.ts')).runPost
    }
  : undefined

/** src/main.ts's runMain() in this process, with its environment, output and exit code captured. */
const inProcess: Executor = async (env, _dir, signal) => {
  if (entries === undefined)
    throw new Error('The in-process runs are for the jest project "in-process".')
  // As index.ts chooses: the post step when the main step left its mark.
  const entry = env['STATE_is-post'] === 'true' ? entries.runPost : entries.runMain
  // @actions/core remembers the summary file's path once it has written to it; each run has its own.
  const core = await import('@actions/core')
  ;(core.summary as unknown as { _filePath: string | undefined })._filePath = undefined
  const saved = process.env
  const captured = { stdout: '', stderr: '' }
  let signalledAt: number | undefined
  const restore = [
    capture(process.stdout, text => {
      captured.stdout += text
      if (signal !== undefined && signalledAt === undefined && signal.when.test(captured.stdout)) {
        signalledAt = Date.now()
        // The action's own handler, as the signal would call it, without signalling jest itself.
        setImmediate(() => process.emit(signal.name, signal.name))
      }
    }),
    capture(process.stderr, text => (captured.stderr += text))
  ]
  process.env = { ...withoutRunnerVariables(saved), ...env }
  process.exitCode = 0
  try {
    await entry()
    return { exitCode: exitCodeNow(), ...captured, ...afterSignal(signalledAt) }
  } finally {
    for (const undo of restore) undo()
    process.exitCode = 0
    process.env = saved
  }
}

/** Sends what is written to `stream` to `sink` instead; returns how to undo that. */
function capture(stream: NodeJS.WriteStream, sink: (text: string) => void): () => void {
  const original = stream.write.bind(stream)
  stream.write = (chunk: string | Uint8Array) => {
    sink(chunk.toString())
    return true
  }
  return () => {
    stream.write = original
  }
}

/** This process's environment without what a run of the action reads from the runner. */
function withoutRunnerVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !/^(INPUT_|GITHUB_|RUNNER_|STATE_)/.test(name) && name !== 'NODE_EXTRA_CA_CERTS'
    )
  )
}

function exitCodeNow(): number {
  const code = process.exitCode
  return code === undefined || code === null ? 0 : Number(code)
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
