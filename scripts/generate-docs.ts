// `npm run docs`: writes the README's inputs and outputs tables from action.yml, between the
// <!-- action-docs:… --> markers, so that the two cannot drift. A test fails when they have.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

interface ActionMetadata {
  readonly inputs: Record<string, { description: string; required?: boolean; default?: string }>
  readonly outputs: Record<string, { description: string }>
}

const cell = (text: string) => text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')

export function inputsTable(action: ActionMetadata): string {
  const rows = Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required === true ? 'yes' : 'no'} | ` +
      `${input.default ? `\`${input.default}\`` : ''} | ${cell(input.description)} |`
  )
  return ['| Input | Required | Default | Description |', '|---|---|---|---|', ...rows].join('\n')
}

export function outputsTable(action: ActionMetadata): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
  )
  return ['| Output | Description |', '|---|---|', ...rows].join('\n')
}

/** The README with its generated sections replaced by what action.yml says now. */
export function updateReadme(readme: string, actionYml: string): string {
  const action = parse(actionYml) as ActionMetadata
  return [
    ['inputs', inputsTable(action)],
    ['outputs', outputsTable(action)]
  ].reduce((text, [section, table]) => {
    const start = `<!-- action-docs:${section} -->`
    const end = `<!-- action-docs:${section}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`)
    return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`
  }, readme)
}

if (import.meta.main) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const readmePath = join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const updated = updateReadme(readme, readFileSync(join(root, 'action.yml'), 'utf8'))
  writeFileSync(readmePath, updated)
  console.log(
    updated === readme ? 'README.md is up to date.' : 'README.md updated from action.yml.'
  )
}
