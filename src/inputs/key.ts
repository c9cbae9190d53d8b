// Loads that can be run again: the key (the fields whose values identify a record), the report
// that shows every record of the form (Zoho's Bulk Read reads reports, not forms), and whether to
// write the map from each key to its record's Zoho ID.
import type { ActionName } from './job.ts'
import { LINK_NAME } from './place.ts'
import { parseBoolean, problem, quote, required } from './rules.ts'

export interface LoadKey {
  /** The link names of the key's fields, in order. */
  readonly fields: readonly string[]
  /** The link name of a report of the form that shows all of its records. */
  readonly report: string
  /** Whether id-map.csv is written after the load. */
  readonly idMap: boolean
}

// A key of more fields than this is surely a mistake: a record is identified by one or two.
const MAX_KEY_FIELDS = 5

type KeyInputs = Readonly<Record<'key' | 'key-report' | 'id-map' | 'skip-records', string>>

/** The key of a load; undefined without one (and for the other actions, which warn of it). */
export function parseKey(action: ActionName | undefined, raw: KeyInputs): LoadKey | undefined {
  const idMap = parseBoolean('id-map', raw['id-map'], false)
  if (raw.key === '') {
    if (idMap) throw problem('Input "id-map" needs "key": the map is from each key to its record.')
    return undefined
  }
  if (action !== 'load') return undefined
  const fields = raw.key.split(',').map(field => field.trim())
  const bad = fields.find(field => !LINK_NAME.test(field))
  if (bad !== undefined)
    throw problem(
      `Input "key" must be the link names of the fields that identify a record, separated by ` +
        `commas (such as Employee_ID, or Employee_ID, Email); got ${quote(bad)} in ${quote(raw.key)}.`
    )
  if (raw['skip-records'] !== '')
    throw problem(
      'Input "skip-records" is not for a load with a key: run the same step again, and the key ' +
        'leaves out the records Zoho holds. Remove skip-records.'
    )
  const twice = fields.find((field, at) => fields.indexOf(field) !== at)
  if (twice !== undefined) throw problem(`Input "key" names ${quote(twice)} twice.`)
  if (fields.length > MAX_KEY_FIELDS)
    throw problem(
      `Input "key" names ${fields.length} fields; a key takes ${MAX_KEY_FIELDS} at most.`
    )
  const report = required(
    'key-report',
    {
      ...LINK_NAME,
      allowed: `${LINK_NAME.allowed}, of a report of the form that shows all of its records (a key is read with Zoho's Bulk Read, which reads reports)`
    },
    raw['key-report']
  )
  return { fields, report, idMap }
}

/** Warnings for key inputs that take no effect. */
export function unusedKeyInputs(action: ActionName, raw: KeyInputs): string[] {
  const warnings: string[] = []
  if (raw.key !== '' && action !== 'load')
    warnings.push(`Input "key" takes effect only with action "load"; "${action}" loads no file.`)
  if (raw['key-report'] !== '' && (raw.key === '' || action !== 'load'))
    warnings.push('Input "key-report" takes effect only with "key", on a load.')
  return warnings
}
