// `npm run validate`: checks action.yml and every workflow (.github/workflows/*.yml,
// examples/*.yml) with GitHub's own parser and schemas (@actions/workflow-parser, from
// actions/languageservices), and checks that each step using this action passes only inputs
// action.yml declares, and all it requires, and that every `steps.<id>.outputs.<name>` a job reads
// names a step of the job whose action sets that output (src/outputs.ts). The README's YAML blocks are
// held to the output rule too, so that each works when copied. Prints every problem; exits 1 if
// there is one. Run it with file paths to check those files only.
import { registerHooks } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { OUTPUTS_OF } from '../src/outputs.ts'

// The parser imports its JSON schemas without `with { type: 'json' }`, which bundlers accept and
// Node does not: say it for them.
registerHooks({
  load: (url, context, nextLoad) =>
    nextLoad(
      url,
      url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context
    )
})
const { NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser')
const { parseAction } = await import('@actions/workflow-parser/actions/index')

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const THIS_ACTION = /^(\.\/?|[\w.-]+\/zoho-creator-bulk-action@.+)$/

interface ActionMetadata {
  readonly inputs: Record<string, { required?: boolean }>
}

interface Step {
  readonly id?: unknown
  readonly uses?: unknown
  readonly with?: Record<string, unknown>
}

interface Workflow {
  readonly jobs?: Record<string, { steps?: Step[] }>
}

/** GitHub's parser's verdict on one file. */
function schemaProblems(path: string): string[] {
  const file = { name: relative(ROOT, path), content: readFileSync(path, 'utf8') }
  const parser = path.endsWith('action.yml') ? parseAction : parseWorkflow
  return parser(file, new NoOperationTraceWriter())
    .context.errors.getErrors()
    .map(error => error.message)
}

/** Inputs given to this action that it does not declare, and required ones left out. */
function inputProblems(path: string, workflow: Workflow, action: ActionMetadata): string[] {
  const required = Object.entries(action.inputs)
    .filter(([, input]) => input.required === true)
    .map(([name]) => name)
  return Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) =>
    (job.steps ?? []).flatMap((step, index) => {
      if (typeof step.uses !== 'string' || !THIS_ACTION.test(step.uses)) return []
      const where = `${relative(ROOT, path)}: job ${jobName}, step ${index + 1} (uses: ${step.uses})`
      const given = Object.keys(step.with ?? {})
      return [
        ...given
          .filter(name => !(name in action.inputs))
          .map(name => `${where}: unknown input "${name}"`),
        ...required
          .filter(name => !given.includes(name))
          .map(name => `${where}: missing required input "${name}"`)
      ]
    })
  )
}

const READS = /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g

/** Outputs read from a step of this action that its action never sets, or from no such step. */
function outputProblems(where: string, workflow: Workflow): string[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) => {
    const steps = job.steps ?? []
    const actionOf = new Map(
      steps.flatMap(step =>
        typeof step.id === 'string' ? [[step.id, ours(step) ? actionName(step) : undefined]] : []
      )
    )
    return [...JSON.stringify(job).matchAll(READS)].flatMap(([read, id = '', name = '']) => {
      if (!actionOf.has(id))
        return [`${where}: job ${jobName} reads ${read}, but no step has id ${id}`]
      const action = actionOf.get(id)
      if (action === undefined) return [] // another action's step
      const sets: readonly string[] | undefined = (OUTPUTS_OF as Record<string, readonly string[]>)[
        action
      ]
      return sets?.includes(name) === true
        ? []
        : [`${where}: job ${jobName} reads ${read}, which action "${action}" does not set`]
    })
  })
}

const ours = (step: Step): boolean => typeof step.uses === 'string' && THIS_ACTION.test(step.uses)
function actionName(step: Step): string {
  const action = step.with?.['action']
  return typeof action === 'string' ? action.toLowerCase() : ''
}

/** The README's YAML blocks, each as a workflow: a whole one, a list of steps, or one step. */
function readmeBlocks(): [where: string, workflow: Workflow][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  return [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map(([, text = ''], index) => {
    const block: unknown = parse(text)
    const where = `README.md: YAML block ${index + 1}`
    if (Array.isArray(block)) return [where, { jobs: { block: { steps: block as Step[] } } }]
    if (typeof block === 'object' && block !== null && 'jobs' in block)
      return [where, block as Workflow]
    return [where, { jobs: { block: { steps: [block as Step] } } }]
  })
}

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(join(ROOT, dir))
      .filter(name => /\.ya?ml$/.test(name))
      .map(name => join(ROOT, dir, name))
  } catch {
    return []
  }
}

const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [join(ROOT, 'action.yml'), ...yamlFiles('.github/workflows'), ...yamlFiles('examples')]
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata
/** The workflow at `path`, or an empty one when it is not YAML (GitHub's parser says so). */
function readWorkflow(path: string): Workflow {
  try {
    return parse(readFileSync(path, 'utf8')) as Workflow
  } catch {
    return {}
  }
}

const problems = [
  ...files.flatMap(path => {
    if (path.endsWith('action.yml')) return schemaProblems(path)
    const workflow = readWorkflow(path)
    return [
      ...schemaProblems(path),
      ...inputProblems(path, workflow, action),
      ...outputProblems(relative(ROOT, path), workflow)
    ]
  }),
  ...(process.argv.length > 2
    ? []
    : readmeBlocks().flatMap(([where, workflow]) => outputProblems(where, workflow)))
]
for (const problem of problems) console.error(problem)
console.log(
  `${files.length} files checked, ${problems.length} problem${problems.length === 1 ? '' : 's'}.`
)
process.exitCode = problems.length === 0 ? 0 : 1
