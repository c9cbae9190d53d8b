// Zoho's Bulk Read as the emulator plays it (shared/zoho-bulk-api.md, "Bulk Read"): a read job on a
// report exports the records of the report's form, with their IDs, as a ZIP holding one CSV, at
// most max_records of them a batch. While records remain, the completed job gives a record cursor,
// which the next create sends alone. The records are those the emulator's insert jobs loaded and
// those a test added. Where the contract is silent (the error codes of a read, the CSV's shape),
// the emulator's choice is said where it is made.
import { strToU8, zipSync } from 'fflate'
import { csvText, error, type Reply } from './reply.ts'

/** A record of a form: its ID (19 digits, as Zoho's) and its values by field link name. */
export interface EmulatedRecord {
  readonly ID: string
  readonly values: Readonly<Record<string, string>>
}

export type ReadEnd = 'Completed' | 'Failed'

export interface ReadJob {
  readonly id: string
  readonly owner: string
  readonly app: string
  readonly report: string
  /** The columns of its CSV, in order. */
  readonly fields: readonly string[]
  /** The records of its batch. */
  readonly batch: readonly EmulatedRecord[]
  /** The cursor to the next batch, when records remain after this one. */
  readonly cursor: string | undefined
  readonly createdAt: number
  readonly endsAt: number
  readonly ends: ReadEnd
}

/** Where a form's records are: the environment, the account owner, the application, the form. */
export interface FormPlace {
  readonly owner: string
  readonly app: string
  readonly form: string
  readonly environment?: string
}

/** A read request, once the emulator has checked its token, environment, owner and application. */
export interface ReadRequest {
  readonly method: string
  readonly environment: string
  readonly owner: string
  readonly app: string
  readonly report: string
  /** The read job's ID, for its status and its result. */
  readonly id: string | undefined
  readonly result: boolean
  readonly body: string
}

// max_records: 100,000 by default, from 100,000 to 200,000, a multiple of 1000 [limits].
const DEFAULT_BATCH = 100_000
const MIN_BATCH = 100_000
const MAX_BATCH = 200_000
const CURSOR_LIFETIME_MS = 15 * 60_000

interface Cursor {
  readonly key: string
  readonly snapshot: readonly EmulatedRecord[]
  readonly next: number
  readonly fields: readonly string[]
  readonly maxRecords: number
  readonly expiresAt: number
}

type Query =
  | { readonly cursor: string }
  | { readonly fields: readonly string[] | undefined; readonly maxRecords: number }

export class BulkReads {
  /** owner/app/report → the report's form */
  readonly #reports = new Map<string, string>()
  /** environment/owner/app/form → its records, in the order they were added */
  readonly #records = new Map<string, EmulatedRecord[]>()
  readonly #jobs = new Map<string, ReadJob>()
  readonly #cursors = new Map<string, Cursor>()
  /** The link names of a form's fields, as the fields API lists them. */
  readonly #fieldsOf: (form: string) => readonly string[]
  /** Brings the insert jobs up to date (their records land as they complete) before a read. */
  readonly #settle: () => void
  #nextJobId = 3888833000000400000n
  #nextRecordId = 3888833000000500000n
  #nextCursor = 1
  /** How long a read job runs before it ends. */
  runMs = 0
  /** The time now, which a test may move on to see a read job end without waiting. */
  now: () => number = Date.now
  /** How a read job ends. */
  ends: (job: Omit<ReadJob, 'ends'>) => ReadEnd = () => 'Completed'
  /** The most records of a batch whatever max_records says, so that tests see batches of a few. */
  batchCap = Number.POSITIVE_INFINITY
  /** A state as Zoho's OpenAPI samples write it ("In-progress") or as its prose does ("IN PROGRESS"). */
  stateStyle: 'samples' | 'prose' = 'samples'
  /** The result's CSV as served: as made (a header, CRLF, no BOM), unless a test says otherwise. */
  csvShape: (csv: string, job: ReadJob) => string | Uint8Array = csv => csv

  constructor(fieldsOf: (form: string) => readonly string[], settle: () => void) {
    this.#fieldsOf = fieldsOf
    this.#settle = settle
  }

  addReport(owner: string, app: string, report: string, form: string): void {
    this.#reports.set([owner, app, report].join('/'), form)
  }

  /** Adds records to a form, as if inserted; their IDs, in order. */
  addRecords(place: FormPlace, rows: readonly Readonly<Record<string, string>>[]): string[] {
    const records = this.#recordsAt(place)
    return rows.map(values => {
      const record = { ID: String(this.#nextRecordId++), values: { ...values } }
      records.push(record)
      return record.ID
    })
  }

  /** The records of a form, in the order they were added. */
  records(place: FormPlace): readonly EmulatedRecord[] {
    return this.#recordsAt(place)
  }

  /** The read jobs created, in order. */
  get jobs(): readonly ReadJob[] {
    return [...this.#jobs.values()]
  }

  #recordsAt({ owner, app, form, environment = 'production' }: FormPlace): EmulatedRecord[] {
    const key = [environment, owner, app, form].join('/')
    const records = this.#records.get(key) ?? []
    this.#records.set(key, records)
    return records
  }

  /** …/report/<report>/read[/<id>[/result]]: create, status, result. */
  answer(request: ReadRequest): Reply {
    const form = this.#reports.get([request.owner, request.app, request.report].join('/'))
    if (form === undefined) return error(404, 2894, `No report named ${request.report}`)
    const { id } = request
    if (id === undefined) {
      if (request.method !== 'POST')
        return error(405, 1000, `Method ${request.method} is not supported`)
      return this.#create(request, form)
    }
    if (request.method !== 'GET')
      return error(405, 1000, `Method ${request.method} is not supported`)
    const job = this.#jobs.get(id)
    // Zoho documents no code for a read job that does not exist: the insert's, 11330.
    if (job === undefined || job.report !== request.report)
      return error(404, 11330, `No bulk read job ${id} exists for report ${request.report}`)
    return request.result ? this.#result(job) : this.#status(job)
  }

  #create(request: ReadRequest, form: string): Reply {
    const query = readQuery(request.body)
    if (typeof query === 'string') return error(400, 3020, query)
    const now = this.now()
    let cursor: Cursor
    if ('cursor' in query) {
      const found = this.#cursors.get(query.cursor)
      // Zoho documents no code for a cursor it no longer knows: 3020, as for a body it cannot use.
      if (found === undefined || found.expiresAt < now || found.key !== request.report)
        return error(400, 3020, 'The record_cursor is not valid, or has expired (15 minutes)')
      this.#cursors.delete(query.cursor)
      cursor = found
    } else {
      const known = this.#fieldsOf(form)
      const fields = query.fields ?? ['ID', ...known]
      const unknown = fields.find(field => field !== 'ID' && !known.includes(field))
      if (unknown !== undefined)
        return error(400, 3020, `No field named ${unknown} in report ${request.report}`)
      this.#settle()
      const place = { ...request, form }
      cursor = {
        key: request.report,
        snapshot: [...this.#recordsAt(place)],
        next: 0,
        fields,
        maxRecords: query.maxRecords,
        expiresAt: Number.POSITIVE_INFINITY
      }
    }
    const size = Math.min(cursor.maxRecords, this.batchCap)
    const end = cursor.next + size
    const id = String(this.#nextJobId++)
    const endsAt = now + this.runMs
    let next: string | undefined
    if (end < cursor.snapshot.length) {
      next = `CURSOR-${this.#nextCursor++}-${id}`
      this.#cursors.set(next, { ...cursor, next: end, expiresAt: endsAt + CURSOR_LIFETIME_MS })
    }
    const made = {
      id,
      owner: request.owner,
      app: request.app,
      report: request.report,
      fields: cursor.fields,
      batch: cursor.snapshot.slice(cursor.next, end),
      cursor: next,
      createdAt: now,
      endsAt
    }
    const job: ReadJob = { ...made, ends: this.ends(made) }
    this.#jobs.set(id, job)
    return { status: 200, body: { code: 3000, details: this.#details(job, 'In-progress') } }
  }

  #state(job: ReadJob): ReadEnd | 'In-progress' {
    return this.now() < job.endsAt ? 'In-progress' : job.ends
  }

  #details(job: ReadJob, state: ReadEnd | 'In-progress'): Record<string, unknown> {
    return {
      id: job.id,
      operation: 'read',
      created_by: job.owner,
      created_time: new Date(job.createdAt).toISOString(),
      status: this.stateStyle === 'prose' ? state.toUpperCase().replace('-', ' ') : state
    }
  }

  #status(job: ReadJob): Reply {
    const state = this.#state(job)
    const details = this.#details(job, state)
    if (state === 'Completed') {
      details['result'] = {
        count: job.batch.length,
        download_url: `/api/bulk/v2.1/${job.owner}/${job.app}/report/${job.report}/read/${job.id}/result/`,
        ...(job.cursor === undefined ? {} : { record_cursor: job.cursor })
      }
    }
    return { status: 200, body: { code: 3000, details } }
  }

  #result(job: ReadJob): Reply {
    const state = this.#state(job)
    // Zoho documents no code for the result of a read not yet done: the insert's, 11110 and 11130.
    if (state === 'In-progress')
      return error(400, 11110, 'The result file is being generated; try again later')
    if (state === 'Failed') return error(404, 11130, 'No result file for this job')
    const rows = job.batch.map(record =>
      job.fields.map(field => (field === 'ID' ? record.ID : (record.values[field] ?? '')))
    )
    const csv = this.csvShape(csvText([[...job.fields], ...rows]), job)
    return {
      status: 200,
      body: zipSync({ [`${job.report}.csv`]: typeof csv === 'string' ? strToU8(csv) : csv }),
      ...(job.cursor === undefined ? {} : { headers: { recordCursor: job.cursor } })
    }
  }
}

/** The query of a create's body, or what is wrong with it. */
function readQuery(body: string): Query | string {
  let parsed: unknown
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body)
  } catch {
    return 'The body is not JSON'
  }
  if (typeof parsed !== 'object' || parsed === null) return 'The body must be a JSON object'
  const query: unknown = 'query' in parsed ? parsed.query : {}
  if (typeof query !== 'object' || query === null) return 'query must be an object'
  const {
    record_cursor: cursor,
    fields,
    max_records: max,
    criteria,
    ...rest
  } = query as Record<string, unknown>
  const others = Object.keys(rest)
  if (others.length > 0) return `Unknown query keys: ${others.join(', ')}`
  if (cursor !== undefined) {
    if (fields !== undefined || max !== undefined || criteria !== undefined)
      return 'With a record_cursor, fields, criteria and max_records must not be sent'
    return typeof cursor === 'string' ? { cursor } : 'record_cursor must be a string'
  }
  // The emulator does not filter: a criteria would be ignored, which a test would not see.
  if (criteria !== undefined) return 'criteria is not supported by the emulator'
  if (fields !== undefined && !(Array.isArray(fields) && fields.every(f => typeof f === 'string')))
    return 'fields must be a list of link names'
  const maxRecords = max ?? DEFAULT_BATCH
  if (
    typeof maxRecords !== 'number' ||
    !Number.isInteger(maxRecords) ||
    maxRecords < MIN_BATCH ||
    maxRecords > MAX_BATCH ||
    maxRecords % 1000 !== 0
  )
    return 'max_records must be a multiple of 1000 from 100000 to 200000'
  return { fields: fields as readonly string[] | undefined, maxRecords }
}
