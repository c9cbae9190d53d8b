// Lookups (input `lookups`): the CSV columns of lookup fields that hold the source system's key of
// the related record, each to be put in place of it by that record's Zoho ID. One line a column:
// `Department = Departments_Report.Dept_Code` reads the IDs and the keys from a report of the
// related form; `Department = parents/id-map.csv` takes them from the id-map a parent's load wrote.
import { isAbsolute, resolve } from 'node:path'
import type { ActionName } from './job.ts'
import type { LoadKey } from './key.ts'
import { LINK_NAME } from './place.ts'
import { problem, quote } from './rules.ts'

/** Where the Zoho IDs of a lookup's related records are found, by their key. */
export type LookupSource =
  /** A Bulk Read of the report's ID and the key field. */
  | { readonly report: string; readonly field: string }
  /** An id-map.csv (the key column and ID), read from disk: no call to Zoho. */
  | { readonly idMap: string }

export interface Lookup {
  /** The column of the file, as its header names it: the lookup field's link name. */
  readonly column: string
  readonly source: LookupSource
}

// A form has few lookups; more lines than this is surely a mistake.
const MAX_LOOKUPS = 20

const EXAMPLE =
  '(such as Department = Departments_Report.Dept_Code, or Department = parents/id-map.csv)'

/** The lookups of a load, each line checked; none when the input is empty. */
export function parseLookups(
  action: ActionName | undefined,
  value: string,
  key: LoadKey | undefined,
  workspace: string
): readonly Lookup[] {
  if (value === '' || action !== 'load') return []
  const lines = value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
  if (lines.length > MAX_LOOKUPS)
    throw problem(`Input "lookups" has ${lines.length} lines; it takes ${MAX_LOOKUPS} at most.`)
  const lookups = lines.map(line => parseLine(line, workspace))
  const columns = lookups.map(({ column }) => column)
  const twice = columns.find((column, at) => columns.indexOf(column) !== at)
  if (twice !== undefined) throw problem(`Input "lookups" names column ${quote(twice)} twice.`)
  const keyed = columns.find(column => key?.fields.includes(column) === true)
  if (keyed !== undefined)
    throw problem(
      `Input "lookups" names column ${quote(keyed)}, which is in "key": a key is compared with ` +
        "what Zoho's report shows, and how a report shows a lookup is not known. Key the records " +
        'by other columns.'
    )
  return lookups
}

function parseLine(line: string, workspace: string): Lookup {
  const equals = line.indexOf('=')
  const column = line.slice(0, equals).trim()
  const target = line.slice(equals + 1).trim()
  if (equals === -1 || !LINK_NAME.test(column) || target === '')
    throw problem(
      `Input "lookups": each line is <column> = <report>.<field> or <column> = <path of an ` +
        `id-map.csv> ${EXAMPLE}; got ${quote(line)}.`
    )
  if (target.includes('/') || /\.csv$/i.test(target))
    return { column, source: { idMap: isAbsolute(target) ? target : resolve(workspace, target) } }
  const [report = '', field = '', ...rest] = target.split('.')
  if (rest.length > 0 || !LINK_NAME.test(report) || !LINK_NAME.test(field))
    throw problem(
      `Input "lookups": ${quote(target)} (for column ${column}) is neither <report>.<field>, the ` +
        'link names of a report of the related form and of its key field, nor the path of an ' +
        `id-map.csv ${EXAMPLE}.`
    )
  return { column, source: { report, field } }
}

/** A warning for lookups that take no effect. */
export function unusedLookups(action: ActionName, value: string): string[] {
  return value !== '' && action !== 'load'
    ? [`Input "lookups" takes effect only with action "load"; "${action}" loads no file.`]
    : []
}
