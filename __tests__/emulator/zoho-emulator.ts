// A local Zoho Creator Bulk Insert API for tests and the demo: plain node:http on loopback.
// It keeps tokens, applications and jobs, answers the start/abort endpoint with the codes and body
// shapes of ../../../shared/zoho-bulk-api.md, and records every request it receives.
import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

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
}

export interface RecordedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/** A canned answer that replaces the emulator's own for one request. */
export interface ScriptedReply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: string
}

export interface TlsOptions {
  readonly key: string
  readonly cert: string
}

interface Reply {
  readonly status: number
  readonly body: Record<string, unknown>
}

const JOB_PATH = /^\/creator\/v2\.1\/bulk\/([^/]+)\/([^/]+)\/form\/([^/]+)\/insert\/([^/]+)$/
const UPDATE_SCOPE = 'ZohoCreator.bulk.UPDATE'
const ALL_SCOPES = ['ZohoCreator.bulk.CREATE', UPDATE_SCOPE, 'ZohoCreator.bulk.READ']

function error(status: number, code: number, message: string): Reply {
  return { status, body: { code, message } }
}

// Zoho documents no code for an action a job's state does not allow (starting a running or
// expired job); the emulator answers with 7130, "not permitted on this job".
const NOT_PERMITTED = error(400, 7130, 'The requested action is not permitted on this job')

export class ZohoEmulator {
  readonly requests: RecordedRequest[] = []
  /** owner → app → forms */
  readonly #apps = new Map<string, Map<string, Set<string>>>()
  /** token → scopes */
  readonly #tokens = new Map<string, Set<string>>()
  readonly #jobs = new Map<string, EmulatedJob>()
  readonly #callsByToken = new Map<string, number>()
  readonly #script: ScriptedReply[] = []
  readonly #server: http.Server
  /** Calls a token may make before Zoho answers code 4000 (the daily limit). */
  dailyLimit = Number.POSITIVE_INFINITY

  constructor(tls?: TlsOptions) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      void this.#handle(req, res)
    }
    this.#server = tls ? https.createServer(tls, listener) : http.createServer(listener)
  }

  /** Starts listening on a free loopback port; returns the base URL to pass as `api-url`. */
  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    const { port } = this.#server.address() as AddressInfo
    return `${this.#server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }

  addApp(owner: string, app: string, forms: readonly string[]): void {
    const apps = this.#apps.get(owner) ?? new Map<string, Set<string>>()
    apps.set(app, new Set(forms))
    this.#apps.set(owner, apps)
  }

  addToken(token: string, scopes: readonly string[] = ALL_SCOPES): void {
    this.#tokens.set(token, new Set(scopes))
  }

  addJob(job: Omit<EmulatedJob, 'environment'> & { environment?: Environment }): EmulatedJob {
    const stored: EmulatedJob = { environment: 'production', ...job }
    this.#jobs.set(jobKey(stored.environment, stored.owner, stored.app, stored.form, stored.id), stored)
    return stored
  }

  /** Answers the next requests with these replies, in order, instead of the emulator's own. */
  replyNext(...replies: ScriptedReply[]): void {
    this.#script.push(...replies)
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const request: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8')
    }
    this.requests.push(request)
    const scripted = this.#script.shift()
    if (scripted !== undefined) {
      res.writeHead(scripted.status, scripted.headers).end(scripted.body)
      return
    }
    const reply = this.#answer(request)
    res
      .writeHead(reply.status, { 'Content-Type': 'application/json;charset=UTF-8' })
      .end(JSON.stringify(reply.body))
  }

  #answer(request: RecordedRequest): Reply {
    const path = JOB_PATH.exec(new URL(request.url, 'http://emulator').pathname)
    if (path === null) return error(404, 1000, 'Invalid API URL')
    if (request.method !== 'PATCH') return error(405, 1000, `Method ${request.method} is not supported`)

    const token = /^Zoho-oauthtoken (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
    const scopes = token === undefined ? undefined : this.#tokens.get(token)
    if (token === undefined || scopes === undefined) return error(401, 1030, 'Invalid OAuth token')
    if (!scopes.has(UPDATE_SCOPE)) return error(401, 2945, 'OAUTH_SCOPE_MISMATCH')
    const calls = (this.#callsByToken.get(token) ?? 0) + 1
    this.#callsByToken.set(token, calls)
    if (calls > this.dailyLimit) {
      return { status: 200, body: { code: 4000, message: 'Daily API limit of the account has been reached' } }
    }

    const environment = request.headers.environment ?? 'production'
    if (environment !== 'development' && environment !== 'stage' && environment !== 'production') {
      return error(400, 1000, `Invalid environment ${String(environment)}`)
    }
    const [owner, app, form, id] = path.slice(1).map(segment => decodeURIComponent(segment)) as [
      string,
      string,
      string,
      string
    ]
    const apps = this.#apps.get(owner)
    if (apps === undefined) return error(404, 1040, `No account owner named ${owner}`)
    const forms = apps.get(app)
    if (forms === undefined) return error(404, 2892, `No application named ${app}`)
    if (!forms.has(form)) return error(404, 2893, `No form named ${form} in ${app}`)

    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      return error(400, 1000, 'Content-Type must be application/json')
    }
    const action = readAction(request.body)
    if (action === undefined) return error(400, 1000, 'data.action must be "start" or "abort"')

    const job = this.#jobs.get(jobKey(environment, owner, app, form, id))
    if (job === undefined) return error(404, 11330, `No bulk insert job ${id} exists for form ${form}`)
    return action === 'start' ? start(job) : abort(job)
  }
}

// What Zoho answers when a job is already past the point where start or abort applies.
const ALREADY_OVER: Partial<Record<JobState, Reply>> = {
  Completed: error(409, 11100, 'The job is already completed'),
  'User Aborted': error(409, 11080, 'The job is already aborted by the user'),
  'System Aborted': error(409, 11090, 'The job is aborted by the system')
}

function start(job: EmulatedJob): Reply {
  if (job.state !== 'Ready-to-upload') return ALREADY_OVER[job.state] ?? NOT_PERMITTED
  if (!job.uploaded) return error(400, 11350, 'Cannot start the job: file upload is not complete')
  job.state = 'In-progress'
  return { status: 200, body: { code: 3000, status: 'Job created successfully' } }
}

function abort(job: EmulatedJob): Reply {
  if (job.state !== 'Ready-to-upload' && job.state !== 'In-progress') {
    return ALREADY_OVER[job.state] ?? NOT_PERMITTED
  }
  job.state = 'User Aborted'
  return { status: 200, body: { code: 3000, status: 'Job aborted successfully' } }
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
