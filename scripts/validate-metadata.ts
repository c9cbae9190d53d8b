// `npm run validate`: checks action.yml and every workflow (.github/workflows/*.yml,
// examples/*.yml) with GitHub's own parser and schemas (@actions/workflow-parser, from
// actions/languageservices), and checks that each step using this action passes only inputs
// action.yml declares, and all it requires. Prints every problem; exits 1 if there is one.
// Run it with file paths to check those files only.
import { registerHooks } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

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
  readonly uses?: unknown
  readonly with?: Record<string, unknown>
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
function inputProblems(path: string, action: ActionMetadata): string[] {
  let workflow: { jobs?: Record<string, { steps?: Step[] }> }
  try {
    workflow = parse(readFileSync(path, 'utf8')) as typeof workflow
  } catch {
    return [] // not YAML at all: GitHub's parser has said so already
  }
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
const problems = files.flatMap(path => [
  ...schemaProblems(path),
  ...(path.endsWith('action.yml') ? [] : inputProblems(path, action))
])
for (const problem of problems) console.error(problem)
console.log(`${files.length} files checked, ${problems.length} problems.`)
process.exitCode = problems.length === 0 ? 0 : 1
