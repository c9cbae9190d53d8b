// A local Zoho for tests and the demo: plain node:http on loopback, serving both the accounts
// server's token endpoint and the Creator Bulk Insert and Bulk Read APIs. It keeps OAuth clients,
// tokens, applications, jobs and the records they insert, answers with the codes and body shapes
// of shared/zoho-bulk-api.md, records every request, and plays scripted faults (statuses, resets,
// hangs) on demand.
import { strToU8, unzipSync, zipSync } from 'fflate'
import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { BulkReads } from './bulk-read.ts'
import { csvText, error, type Reply } from './reply.ts'

export type JobState =
  | 'Ready-to-upload'
  | 'In-progress'
  | 'Completed'
  | 'Failed'
  | 'User Aborted'
  | 'System Aborted'
  | 'Expired'

export type Environment = 'production' | 'development' | 'stage'

export interface EmulatedJob {
  readonly owner: string
  readonly app: string
  readonly form: string
  readonly id: string
  readonly environment: Environment
  state: JobState
  /** Whether the CSV has been uploaded; a job cannot start before. */
  uploaded: boolean
  /** How the job runs once started: for how long, how it ends, and what its records come to. */
  run?: { readonly forMs: number; readonly ends: JobState; readonly records: RecordCounts }
  /** The counts the status reports: the total while running, all of them once the run ends. */
  records?: RecordCounts
  startedAt?: number
  /** The result files (ZIPs) by filter, once the job is over. */
  results?: Partial<Record<ResultFilter, Uint8Array>>
  /** How many result requests are answered 11110 (still being generated) before the file. */
  resultNotReady?: number
  /** The file uploaded to the job: its name as sent, and its bytes. */
  file?: { readonly name: string; readonly bytes: Buffer }
  /** What the job found in its file when it ran: its records, the first and the last. */
  received?: { readonly records: number; readonly first: string[]; readonly last: string[] }
  /** The records of its file that go in, by link name: added to the form when it completes. */
  inserts?: readonly Readonly<Record<string, string>>[]
}

/** One row of an uploaded CSV that the emulator rejects when it runs the job, and why. */
export type RowRule = (row: Readonly<Record<string, string>>) => string | undefined

/**
 * The emulator's own rule for the jobs it runs from their file: a record whose Email column (when
 * there is one) does not look like an e-mail address fails, as a Creator email field would refuse it.
 */
export const INVALID_EMAIL: RowRule = row =>
  row['Email'] === undefined || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(row['Email'])
    ? undefined
    : 'Invalid email address'

export interface RecordCounts {
  readonly total: number
  readonly success: number
  readonly failed: number
  readonly unprocessed: number
}

export type ResultFilter = 'success' | 'failure' | 'unprocessed'

export interface RecordedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  /** The body as text; empty for a body over 1 MiB (see bytes). */
  readonly body: string
  /** The body's size in bytes. */
  readonly bytes: number
}

/**
 * What to do instead of answering: `reset` closes the connection, `hang` never answers, `trickle`
 * sends headers and then a byte every 100 ms without end (a socket never idle, a response never
 * complete; `trickle-zip` starts it as a ZIP), `cut` sends the headers and half the body it announced, then closes the connection;
 * the `apply-then-` forms first do what Zoho would (a start takes effect), then lose the answer.
 */
export type Fault =
  | 'reset'
  | 'hang'
  | 'trickle'
  | 'trickle-zip'
  | 'cut'
  | 'apply-then-reset'
  | 'apply-then-hang'
  | 'apply-then-cut'

/** A canned answer that replaces the emulator's own for one request. */
export type ScriptedReply = {
  /** Only a request with this method takes this reply; any request when absent. */
  readonly method?: string
  /** Only a request whose path and query contain this takes this reply. */
  readonly urlIncludes?: string
  /** Only once the emulator has received more than this many requests. */
  readonly afterRequests?: number
} & (
  | {
      readonly status: number
      readonly headers?: Readonly<Record<string, string>>
      readonly body: string | Uint8Array
      /** First do what Zoho would with the request (a start takes effect), then answer this. */
      readonly apply?: boolean
    }
  | { readonly fault: Fault }
)

export interface TlsOptions {
  readonly key: string
  readonly cert: string
}

interface OAuthClient {
  readonly secret: string
  /** refresh token → scopes of the access tokens it mints */
  readonly refreshTokens: Map<string, readonly string[]>
  readonly apiDomain: string
}

const JOB_PATH =
  /^\/creator\/v2\.1\/bulk\/([^/]+)\/([^/]+)\/form\/([^/]+)\/insert(?:\/([^/]+)(\/result)?)?$/
const FIELDS_PATH = /^\/creator\/v2\.1\/meta\/([^/]+)\/([^/]+)\/form\/([^/]+)\/fields$/
const READ_PATH =
  /^\/creator\/v2\.1\/bulk\/([^/]+)\/([^/]+)\/report\/([^/]+)\/read(?:\/([^/]+)(\/result)?)?$/
const TOKEN_PATH = '/oauth/v2/token'
/** POST here puts every job back as it was added (npm run emulator, to run the sample job again). */
export const RESET_PATH = '/_emulator/reset'
const CREATE_SCOPE = 'ZohoCreator.bulk.CREATE'
const UPDATE_SCOPE = 'ZohoCreator.bulk.UPDATE'
const READ_SCOPE = 'ZohoCreator.bulk.READ'
export const META_SCOPE = 'ZohoCreator.meta.form.READ'
export const ALL_SCOPES = [CREATE_SCOPE, UPDATE_SCOPE, READ_SCOPE, META_SCOPE] as const
const SCOPE_OF: Readonly<Record<string, string>> = {
  GET: READ_SCOPE,
  PATCH: UPDATE_SCOPE,
  POST: CREATE_SCOPE
}

// Zoho documents no code for an action a job's state does not allow (starting a running or
// expired job); the emulator answers with 7130, "not permitted on this job".
const NOT_PERMITTED = error(400, 7130, 'The requested action is not permitted on this job')

const THROTTLED: Reply = {
  status: 400,
  body: {
    error: 'Access Denied',
    error_description:
      'You have made too many requests continuously. Please try again after some time.',
    status: 'failure'
  }
}

export class ZohoEmulator {
  readonly requests: RecordedRequest[] = []
  /** Every access token the token endpoint has minted, in order. */
  readonly minted: string[] = []
  /** owner → app → forms */
  readonly #apps = new Map<string, Map<string, Set<string>>>()
  /** access token → scopes */
  readonly #tokens = new Map<string, Set<string>>()
  readonly #clients = new Map<string, OAuthClient>()
  readonly #jobs = new Map<string, EmulatedJob>()
  readonly #callsByToken = new Map<string, number>()
  readonly #script: ScriptedReply[] = []
  /** Each job as it was added, for reset(). */
  readonly #initial = new Map<EmulatedJob, Pick<EmulatedJob, 'state' | 'uploaded'>>()
  readonly #server: http.Server
  /** API calls a token may make before Zoho answers code 4000 (the daily limit). */
  dailyLimit = Number.POSITIVE_INFINITY
  /** Access tokens the token endpoint mints before it throttles ("Access Denied"). */
  mintLimit = Number.POSITIVE_INFINITY
  /** How long a minted access token works, and what the token endpoint says of it (expires_in). */
  tokenLifetimeMs = 3_600_000
  /** Hears of every request and how it was answered: a status, or the fault played (npm run emulator prints them). */
  onAnswer: (request: RecordedRequest, answer: string) => void = () => {}
  /** minted access token → when it stops working */
  readonly #expiry = new Map<string, number>()
  /** The URL forms an upload is taken at (Zoho's page shows both); any other is answered 404, 1000. */
  uploadUrlForms: ReadonlySet<'path' | 'query'> = new Set(['path', 'query'])
  /** How a job the emulator runs from its file decides which rows fail. */
  rowRule: RowRule = INVALID_EMAIL
  /** How long a job run from its file takes: the same for every job, or by job. */
  loadRunMs: number | ((job: EmulatedJob) => number) = 0
  /** What a result file is served as: the ZIP as made, unless a test says otherwise. */
  resultShape: (zip: Uint8Array, filter: ResultFilter, job: EmulatedJob) => Uint8Array = zip => zip
  /** How a create's answer holds the job: under details (Zoho's page), data, or at the top level. */
  createdShape: 'details' | 'data' | 'top' = 'details'
  /** Whether a create's answer gives job_id as a bare JSON number rather than a string. */
  jobIdAsNumber = false
  /** The IDs the next created jobs get, counting up. */
  #nextJobId = 3888833000000200000n
  /** The body of a job status reply; the default is the shape of Zoho's OpenAPI file. */
  statusBody = (job: EmulatedJob): Record<string, unknown> => ({
    code: 3000,
    data: { api_status: job.state.toUpperCase().replace('-', ' ') },
    ...(job.records === undefined ? {} : { record_details: recordDetails(job.records) })
  })

  constructor(tls?: TlsOptions) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      void this.#handle(req, res)
    }
    this.#server = tls ? https.createServer(tls, listener) : http.createServer(listener)
  }

  /** Listens on loopback (a free port by default); returns the base URL for api-url and accounts-url. */
  async start(port = 0): Promise<string> {
    this.#server.listen(port, '127.0.0.1')
    await once(this.#server, 'listening')
    const address = this.#server.address() as AddressInfo
    return `${this.#server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${address.port}`
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => {
      this.#server.close(() => {
        resolve()
      })
    })
  }

  /** form → its fields, as the fields API lists them (link_name, mandatory, unique, type, …). */
  readonly fields = new Map<string, readonly Readonly<Record<string, unknown>>[]>()

  /** Reports, the records of forms, and the read jobs on them (Bulk Read). */
  readonly reads = new BulkReads(
    form => (this.fields.get(form) ?? []).map(field => String(field['link_name'])),
    () => {
      for (const job of this.#jobs.values()) this.#advance(job)
    }
  )

  addApp(owner: string, app: string, forms: readonly string[]): void {
    const apps = this.#apps.get(owner) ?? new Map<string, Set<string>>()
    apps.set(app, new Set(forms))
    this.#apps.set(owner, apps)
  }

  addToken(token: string, scopes: readonly string[] = ALL_SCOPES): void {
    this.#tokens.set(token, new Set(scopes))
  }

  /** A Self Client whose refresh token mints access tokens for the DC of `apiDomain`. */
  addClient(
    clientId: string,
    secret: string,
    refreshToken: string,
    {
      scopes = ALL_SCOPES,
      apiDomain = 'https://www.zohoapis.com'
    }: { scopes?: readonly string[]; apiDomain?: string } = {}
  ): void {
    this.#clients.set(clientId, {
      secret,
      refreshTokens: new Map([[refreshToken, scopes]]),
      apiDomain
    })
  }

  /** Puts every job back in the state it was added in, so that a job that has run can run again. */
  reset(): void {
    for (const [job, { state, uploaded }] of this.#initial) {
      Object.assign(job, { state, uploaded })
      delete job.records
      delete job.startedAt
    }
  }

  addJob(job: Omit<EmulatedJob, 'environment'> & { environment?: Environment }): EmulatedJob {
    const stored: EmulatedJob = { environment: 'production', ...job }
    this.#initial.set(stored, { state: stored.state, uploaded: stored.uploaded })
    this.#jobs.set(
      jobKey(stored.environment, stored.owner, stored.app, stored.form, stored.id),
      stored
    )
    return stored
  }

  /** A job by its ID, whatever its form and environment. */
  jobById(id: string): EmulatedJob | undefined {
    return [...this.#jobs.values()].find(job => job.id === id)
  }

  /** Answers the next matching requests with these replies, in order, instead of its own. */
  replyNext(...replies: ScriptedReply[]): void {
    this.#script.push(...replies)
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer)
    } catch {
      return // the client gave up sending (a cancelled upload): there is no request to answer
    }
    const raw = Buffer.concat(chunks)
    const request: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: raw.length <= KEPT_BODY_BYTES ? raw.toString('utf8') : '',
      bytes: raw.length
    }
    this.requests.push(request)
    if (request.method === 'POST' && request.url === RESET_PATH) {
      this.reset()
      res.writeHead(204).end()
      return
    }
    const index = this.#script.findIndex(
      reply =>
        (reply.method === undefined || reply.method === request.method) &&
        (reply.urlIncludes === undefined || request.url.includes(reply.urlIncludes)) &&
        this.requests.length > (reply.afterRequests ?? 0)
    )
    const scripted = index === -1 ? undefined : this.#script.splice(index, 1)[0]
    if (scripted !== undefined && 'fault' in scripted) this.onAnswer(request, scripted.fault)
    else
      res.on('finish', () => {
        this.onAnswer(request, String(res.statusCode))
      })
    if (scripted === undefined) {
      const reply = this.#answer(request, raw)
      if (reply.body instanceof Uint8Array) {
        res
          .writeHead(reply.status, {
            ...reply.headers,
            'Content-Type': reply.json === true ? 'application/json' : 'application/zip'
          })
          .end(reply.body)
      } else {
        res
          .writeHead(reply.status, {
            ...reply.headers,
            'Content-Type': 'application/json;charset=UTF-8'
          })
          .end(JSON.stringify(reply.body))
      }
    } else if ('status' in scripted) {
      if (scripted.apply === true) this.#answer(request, raw)
      res.writeHead(scripted.status, scripted.headers).end(scripted.body)
    } else {
      if (scripted.fault.startsWith('apply-')) this.#answer(request, raw) // done, but the answer is lost
      if (scripted.fault.endsWith('reset')) req.socket.destroy()
      if (scripted.fault.endsWith('cut')) {
        const body = JSON.stringify({ code: 3000, status: 'Job created successfully' })
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': String(body.length)
        })
        res.write(body.slice(0, body.length / 2), () => {
          req.socket.destroy()
        })
      }
      if (scripted.fault.startsWith('trickle')) {
        const zip = scripted.fault === 'trickle-zip'
        res.writeHead(200, { 'Content-Type': zip ? 'application/zip' : 'application/json' })
        if (zip) res.write(Buffer.from('PK\x03\x04', 'latin1'))
        const drip = setInterval(() => {
          res.write(' ')
        }, 100)
        res.on('close', () => {
          clearInterval(drip)
        })
      }
      // A hang leaves the connection open until the client gives up or the emulator stops.
    }
  }

  #answer(request: RecordedRequest, raw: Buffer): Reply {
    const url = new URL(request.url, 'http://emulator')
    if (url.pathname === TOKEN_PATH && request.method === 'POST') return this.#mint(request)
    const fieldsPath = FIELDS_PATH.exec(url.pathname)
    const readPath = READ_PATH.exec(url.pathname)
    const path = JOB_PATH.exec(url.pathname) ?? fieldsPath ?? readPath
    if (path === null) return error(404, 1000, 'Invalid API URL')
    const scope =
      fieldsPath === null
        ? SCOPE_OF[request.method]
        : request.method === 'GET'
          ? META_SCOPE
          : undefined
    if (scope === undefined) return error(405, 1000, `Method ${request.method} is not supported`)

    const token = /^Zoho-oauthtoken (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
    const scopes = token === undefined ? undefined : this.#tokens.get(token)
    if (token === undefined || scopes === undefined) return error(401, 1030, 'Invalid OAuth token')
    if (Date.now() >= (this.#expiry.get(token) ?? Number.POSITIVE_INFINITY)) {
      return error(401, 1030, 'Invalid OAuth token')
    }
    if (!scopes.has(scope)) {
      return error(401, 2945, 'OAUTH_SCOPE_MISMATCH')
    }
    const calls = (this.#callsByToken.get(token) ?? 0) + 1
    this.#callsByToken.set(token, calls)
    if (calls > this.dailyLimit) {
      return {
        status: 200,
        body: { code: 4000, message: 'Daily API limit of the account has been reached' }
      }
    }

    const environment = request.headers.environment ?? 'production'
    if (environment !== 'development' && environment !== 'stage' && environment !== 'production') {
      return error(400, 1000, `Invalid environment ${String(environment)}`)
    }
    const [owner = '', app = '', form = ''] = path.slice(1, 4).map(decodeURIComponent)
    const pathId = path[4] === undefined ? undefined : decodeURIComponent(path[4])
    const apps = this.#apps.get(owner)
    if (apps === undefined) return error(404, 1040, `No account owner named ${owner}`)
    const forms = apps.get(app)
    if (forms === undefined) return error(404, 2892, `No application named ${app}`)
    if (readPath !== null) {
      const read = { owner, app, report: form, id: pathId, result: path[5] !== undefined }
      return this.reads.answer({ ...read, method: request.method, environment, body: request.body })
    }
    if (!forms.has(form)) return error(404, 2893, `No form named ${form} in ${app}`)
    if (fieldsPath !== null)
      return { status: 200, body: { code: 3000, fields: this.fields.get(form) ?? [] } }

    if (request.method === 'POST' && pathId === undefined && !url.searchParams.has('job_id'))
      return this.#create(environment, owner, app, form)
    if (request.method === 'POST') {
      const urlForm = pathId === undefined ? 'query' : 'path'
      if (!this.uploadUrlForms.has(urlForm) || path[5] !== undefined)
        return error(404, 1000, 'Invalid API URL')
      const id = pathId ?? url.searchParams.get('job_id') ?? ''
      const job = this.#jobs.get(jobKey(environment, owner, app, form, id))
      if (job === undefined)
        return error(404, 11330, `No bulk insert job ${id} exists for form ${form}`)
      return upload(job, request, raw)
    }
    if (pathId === undefined) return error(404, 1000, 'Invalid API URL')
    const id = pathId
    const job = this.#jobs.get(jobKey(environment, owner, app, form, id))
    const noJob = error(404, 11330, `No bulk insert job ${id} exists for form ${form}`)
    if (job !== undefined) this.#advance(job)
    if (request.method === 'GET') {
      if (job === undefined) return noJob
      return path[5] === undefined
        ? { status: 200, body: this.statusBody(job) }
        : result(job, url.searchParams.get('filter'), this.resultShape)
    }
    if (path[5] !== undefined) return error(405, 1000, `Method ${request.method} is not supported`)
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      return error(400, 1000, 'Content-Type must be application/json')
    }
    const action = readAction(request.body)
    if (action === undefined) return error(400, 1000, 'data.action must be "start" or "abort"')
    if (job === undefined) return noJob
    const runMs = typeof this.loadRunMs === 'number' ? this.loadRunMs : this.loadRunMs(job)
    return action === 'start'
      ? start(job, this.#lookupsChecked(job, this.rowRule), runMs)
      : abort(job)
  }

  /**
   * `rule`, after Zoho's check of the form's lookup fields: a lookup's value is the ID of a record
   * of its related form (zoho-bulk-api.md, "Field types"), so a row whose value is not one fails.
   * Zoho's wording of that reason is not documented: the emulator's says which field and value.
   */
  #lookupsChecked(job: EmulatedJob, rule: RowRule): RowRule {
    const known = new Map<string, ReadonlySet<string>>()
    for (const field of this.fields.get(job.form) ?? []) {
      const related = field['related_form']
      if (field['is_lookup_field'] !== true || typeof related !== 'string') continue
      const ids = this.reads.records({ ...job, form: related }).map(record => record.ID)
      known.set(String(field['link_name']), new Set(ids))
    }
    return row => {
      for (const [name, ids] of known) {
        const value = (row[name] ?? '').trim()
        if (value !== '' && !ids.has(value))
          return `Invalid value for ${name}: ${value} is not the ID of a related record`
      }
      return rule(row)
    }
  }

  /** Moves a running job on to how its run ends, once its time is up; its records land then. */
  #advance(job: EmulatedJob): void {
    if (job.state !== 'In-progress' || job.run === undefined || job.startedAt === undefined) return
    if (Date.now() - job.startedAt < job.run.forMs) return
    job.state = job.run.ends
    job.records = job.run.records
    if (job.state === 'Completed' && job.inserts !== undefined)
      this.reads.addRecords(job, job.inserts)
    delete job.inserts
  }

  /** POST …/insert: a new job, unless the form has an active one (one active job per form). */
  #create(environment: Environment, owner: string, app: string, form: string): Reply {
    const active = [...this.#jobs.values()].some(
      job =>
        job.environment === environment &&
        job.owner === owner &&
        job.app === app &&
        job.form === form &&
        (job.state === 'Ready-to-upload' || job.state === 'In-progress')
    )
    if (active) return error(400, 7130, 'Another bulk job of this form is not yet completed')
    const id = String(this.#nextJobId++)
    this.addJob({ owner, app, form, id, environment, state: 'Ready-to-upload', uploaded: false })
    const details = {
      job_id: this.jobIdAsNumber ? Number(id) : id,
      status: 'Ready-to-upload',
      created_by: owner,
      created_time: new Date().toISOString()
    }
    const body =
      this.createdShape === 'top'
        ? { code: 3000, ...details }
        : { code: 3000, [this.createdShape]: details }
    // A careless serializer writes the ID as a bare number: its digits go out exactly as they are.
    if (this.jobIdAsNumber)
      return {
        status: 200,
        body: Buffer.from(
          JSON.stringify(body).replace(/"job_id":\d+(\.\d+)?(e\+\d+)?/, `"job_id":${id}`)
        ),
        json: true
      }
    return { status: 200, body }
  }

  /** The accounts server: refresh token → access token; failures come with HTTP 200 or 400. */
  #mint(request: RecordedRequest): Reply {
    if (!/^application\/x-www-form-urlencoded\b/.test(request.headers['content-type'] ?? '')) {
      return { status: 400, body: { error: 'invalid_request' } }
    }
    const form = new URLSearchParams(request.body)
    if (form.get('grant_type') !== 'refresh_token')
      return { status: 200, body: { error: 'unsupported_grant_type' } }
    const client = this.#clients.get(form.get('client_id') ?? '')
    if (client === undefined || client.secret !== form.get('client_secret')) {
      return { status: 200, body: { error: 'invalid_client' } }
    }
    const scopes = client.refreshTokens.get(form.get('refresh_token') ?? '')
    if (scopes === undefined) return { status: 200, body: { error: 'invalid_code' } }
    if (this.minted.length >= this.mintLimit) return THROTTLED
    const token = `1000.minted${this.minted.length + 1}.${Math.random().toString(16).slice(2, 14)}`
    this.minted.push(token)
    this.addToken(token, scopes)
    this.#expiry.set(token, Date.now() + this.tokenLifetimeMs)
    return {
      status: 200,
      body: {
        access_token: token,
        api_domain: client.apiDomain,
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeMs / 1000
      }
    }
  }
}

// What Zoho answers when a job is already past the point where start or abort applies.
const ALREADY_OVER: Partial<Record<JobState, Reply>> = {
  Completed: error(409, 11100, 'The job is already completed'),
  'User Aborted': error(409, 11080, 'The job is already aborted by the user'),
  'System Aborted': error(409, 11090, 'The job is aborted by the system')
}

function start(job: EmulatedJob, rule: RowRule, runMs: number): Reply {
  if (job.state !== 'Ready-to-upload') return ALREADY_OVER[job.state] ?? NOT_PERMITTED
  if (!job.uploaded) return error(400, 11350, 'Cannot start the job: file upload is not complete')
  if (job.run === undefined && job.file !== undefined) runFromFile(job, rule, runMs)
  job.state = 'In-progress'
  job.startedAt = Date.now()
  if (job.run !== undefined) job.records = { ...NOTHING_YET, total: job.run.records.total }
  return { status: 200, body: { code: 3000, status: 'Job created successfully' } }
}

function abort(job: EmulatedJob): Reply {
  if (job.state !== 'Ready-to-upload' && job.state !== 'In-progress') {
    return ALREADY_OVER[job.state] ?? NOT_PERMITTED
  }
  job.state = 'User Aborted'
  return { status: 200, body: { code: 3000, status: 'Job aborted successfully' } }
}

const NOTHING_YET: RecordCounts = { total: 0, success: 0, failed: 0, unprocessed: 0 }

function recordDetails(records: RecordCounts): Record<string, number> {
  return {
    total_records: records.total,
    success_records: records.success,
    failed_records: records.failed,
    unprocessed_records: records.unprocessed
  }
}

/** GET …/result?filter=…: the ZIP, 11110 while it is being generated, 11130 when there is none. */
function result(
  job: EmulatedJob,
  filter: string | null,
  shape: (zip: Uint8Array, filter: ResultFilter, job: EmulatedJob) => Uint8Array
): Reply {
  if (filter !== 'success' && filter !== 'failure' && filter !== 'unprocessed') {
    return error(400, 1000, 'filter must be success, failure or unprocessed')
  }
  const over = job.state !== 'Ready-to-upload' && job.state !== 'In-progress'
  if (over && (job.resultNotReady ?? 0) > 0) job.resultNotReady = (job.resultNotReady ?? 0) - 1
  else if (over) {
    const file = job.results?.[filter]
    return file === undefined
      ? error(404, 11130, `No ${filter} result file for this job`)
      : { status: 200, body: shape(file, filter, job) }
  }
  return error(400, 11110, 'The result file is being generated; try again later')
}

/** The action of a {"data":{"action":…}} body: lower case only, as Zoho's samples send it. */
function readAction(body: string): 'start' | 'abort' | undefined {
  try {
    const action: unknown = (JSON.parse(body) as { data?: { action?: unknown } }).data?.action
    return action === 'start' || action === 'abort' ? action : undefined
  } catch {
    return undefined
  }
}

function jobKey(environment: string, owner: string, app: string, form: string, id: string): string {
  return [environment, owner, app, form, id].join('/')
}

/** POST of the job's file: multipart/form-data with one part named "file", sent with a length. */
function upload(job: EmulatedJob, request: RecordedRequest, raw: Buffer): Reply {
  const boundary = /^multipart\/form-data;\s*boundary=(.+)$/.exec(
    request.headers['content-type'] ?? ''
  )?.[1]
  if (boundary === undefined)
    return error(400, 9350, 'file is not mentioned in the request parameter')
  if (request.headers['content-length'] === undefined)
    return error(400, 11000, 'Content-Length is required')
  const part = filePart(raw, boundary)
  if (part === undefined) return error(400, 9350, 'file is not mentioned in the request parameter')
  if (job.uploaded) return error(409, 11070, 'Input file already exists for this job')
  if (job.state !== 'Ready-to-upload')
    return error(400, 11340, 'Upload is not supported in the current state of the job')
  job.file = part
  job.uploaded = true
  return { status: 200, body: { code: 3000, message: 'File uploaded successfully' } }
}

/** The part named "file" of a multipart body: its filename and bytes. */
function filePart(raw: Buffer, boundary: string): { name: string; bytes: Buffer } | undefined {
  const delimiter = Buffer.from(`--${boundary}`)
  for (let at = raw.indexOf(delimiter); at !== -1;) {
    const next = raw.indexOf(delimiter, at + delimiter.length)
    if (next === -1) return undefined
    const part = raw.subarray(at + delimiter.length + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    const head = part.subarray(0, split).toString('utf8')
    const disposition =
      /content-disposition: form-data; name="([^"]*)"(?:; filename="([^"]*)")?/i.exec(head)
    if (disposition?.[1] === 'file' && disposition[2] !== undefined)
      return { name: disposition[2], bytes: Buffer.from(part.subarray(split + 4)) }
    at = next
  }
  return undefined
}

const KEPT_SUCCESS_BYTES = 10 * 1024 * 1024
// A request body larger than this is recorded by its size only.
const KEPT_BODY_BYTES = 1024 * 1024

/** Plans the run of a job from its uploaded CSV (or the one CSV in its ZIP): each row by `rule`. */
function runFromFile(job: EmulatedJob, rule: RowRule, runMs: number): void {
  const file = job.file
  if (file === undefined) return
  const text = /\.zip$/i.test(file.name)
    ? Buffer.from(Object.values(unzipSync(file.bytes))[0] ?? new Uint8Array()).toString('utf8')
    : file.bytes.toString('utf8')
  let header: string[] | undefined
  const failed: string[][] = []
  // The rows that go in are kept for the success file and as the form's records, unless the file
  // is large (tests of large files count records; they neither ask for the success file nor read
  // the form).
  const succeeded: string[][] | undefined = file.bytes.length <= KEPT_SUCCESS_BYTES ? [] : undefined
  const inserts: Record<string, string>[] = []
  let total = 0
  let success = 0
  forEachCsvRow(text.replace(/^\uFEFF/, ''), row => {
    if (header === undefined) {
      header = row
      return
    }
    total += 1
    job.received = { records: total, first: job.received?.first ?? row, last: row }
    const record = Object.fromEntries(header.map((name, index) => [name, row[index] ?? '']))
    const reason = rule(record)
    if (reason !== undefined) failed.push([...row, reason])
    else {
      success += 1
      if (succeeded !== undefined) {
        succeeded.push(row)
        inserts.push(record)
      }
    }
  })
  header ??= []
  const csvZip = (name: string, table: string[][]): Uint8Array =>
    zipSync({ [name]: strToU8(csvText(table)) })
  job.inserts = inserts
  job.run = {
    forMs: runMs,
    ends: 'Completed',
    records: {
      total,
      success,
      failed: failed.length,
      unprocessed: 0
    }
  }
  job.results = {
    ...(succeeded !== undefined && succeeded.length > 0
      ? { success: csvZip('success.csv', [header, ...succeeded]) }
      : {}),
    ...(failed.length > 0
      ? { failure: csvZip('failure.csv', [[...header, 'Error'], ...failed]) }
      : {})
  }
}

/** Each row of a CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks), in order. */
function forEachCsvRow(text: string, visit: (row: string[]) => void): void {
  const rows = { push: visit }
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let at = 0; at < text.length; at++) {
    const char = text.charAt(at)
    if (quoted) {
      if (char === '"' && text.charAt(at + 1) === '"') {
        cell += '"'
        at++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text.charAt(at + 1) === '\n') at++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += char
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
}
