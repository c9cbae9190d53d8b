// The account the tests and the demo talk to: Zoho's own example names from the seed page.
import { type EmulatedJob, type TlsOptions, ZohoEmulator } from './zoho-emulator.ts'

export const SAMPLE = {
  owner: 'jason18',
  app: 'zylker-store',
  form: 'Employee_Details',
  /** A report that shows every record of the form, for a Bulk Read. */
  report: 'All_Employees',
  jobId: '3888833000000114027',
  token: '1000.8cb99d5f3c1e4a7b9be93.9b8e2f7a6c5d4b3a2f1e0d9c8b7a6f5e4',
  /** A Self Client of the EU data centre. */
  clientId: '1000.SELFCLIENT7Q2W3E4R5T6Y',
  clientSecret: 'c0ffee5ecret9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
  refreshToken: '1000.refresh5a4b3c2d1e0f.9e8d7c6b5a4f3e2d1c0b'
} as const

/**
 * The sample form's fields, as the fields API lists them (zoho-bulk-api.md, "Field types"): type 29
 * is a Name, with subfields; 12 a Drop Down with its choices; 5 a Number; 8 a Currency.
 */
export const SAMPLE_FIELDS = [
  { link_name: 'Employee_ID', display_name: 'Employee ID', type: 1, mandatory: true, unique: true },
  { link_name: 'Name', display_name: 'Name', type: 29, mandatory: false, unique: false },
  {
    link_name: 'Email',
    display_name: 'Email',
    type: 3,
    mandatory: false,
    unique: true,
    max_char: 255
  },
  {
    link_name: 'Department',
    display_name: 'Department',
    type: 12,
    mandatory: false,
    unique: false,
    choices: ['Engineering', 'Marketing', 'Sales']
  },
  { link_name: 'Age', display_name: 'Age', type: 5, mandatory: false, unique: false },
  {
    link_name: 'Salary',
    display_name: 'Salary',
    type: 8,
    mandatory: false,
    unique: false,
    max_char: 12
  }
] as const

/**
 * Three related forms of the sample app, for a migration: departments; employees, whose Department
 * is a lookup of a department; projects, whose Lead is a lookup of an employee and whose Members a
 * lookup shown as Multi Select (zoho-bulk-api.md, "Field types": a lookup is a 12 to 15 with
 * is_lookup_field and related_form). Each has a report of all its records and a key field.
 */
export const RELATED = {
  departments: { form: 'Departments', report: 'All_Departments', key: 'Dept_Code' },
  employees: { form: 'Employees', report: 'All_Staff', key: 'Employee_Code' },
  projects: { form: 'Projects', report: 'All_Projects', key: 'Project_Code' }
} as const

const text = (link_name: string, more: object = {}) => ({
  link_name,
  display_name: link_name.replaceAll('_', ' '),
  type: 1,
  mandatory: false,
  unique: false,
  ...more
})

const lookup = (link_name: string, type: 12 | 13 | 14 | 15, related_form: string) => ({
  ...text(link_name),
  type,
  is_lookup_field: true,
  related_form
})

export const RELATED_FIELDS: Readonly<
  Record<string, readonly Readonly<Record<string, unknown>>[]>
> = {
  Departments: [text('Dept_Code', { mandatory: true, unique: true }), text('Dept_Name')],
  Employees: [
    text('Employee_Code', { mandatory: true, unique: true }),
    text('Full_Name'),
    lookup('Department', 12, 'Departments')
  ],
  Projects: [
    text('Project_Code', { mandatory: true, unique: true }),
    text('Title'),
    lookup('Lead', 13, 'Employees'),
    lookup('Members', 14, 'Employees')
  ]
}

/** The inputs of a step that starts the sample job through the emulator at `url`. */
export function sampleInputs(url: string): Record<string, string> {
  return {
    dc: 'eu',
    owner: SAMPLE.owner,
    app: SAMPLE.app,
    form: SAMPLE.form,
    'job-id': SAMPLE.jobId,
    action: 'start',
    token: SAMPLE.token,
    'api-url': url
  }
}

/** The inputs of a step that loads `file` into the sample form, polling every 0.1 s at first. */
export function sampleLoadInputs(url: string, file: string): Record<string, string> {
  return { ...sampleInputs(url), 'job-id': '', action: 'load', file, 'poll-interval': '0.1' }
}

/** The inputs of a step that starts the sample job and waits for it, polling every 0.1 s at first. */
export function sampleWaitInputs(url: string): Record<string, string> {
  return { ...sampleInputs(url), wait: 'true', 'poll-interval': '0.1' }
}

/**
 * An emulator holding the sample account, its token, a report of the form, the related forms with
 * their reports, and one uploaded job ready to start.
 */
export async function startSampleEmulator(
  tls?: TlsOptions,
  port = 0
): Promise<{ emulator: ZohoEmulator; job: EmulatedJob; url: string }> {
  const emulator = new ZohoEmulator(tls)
  const related = Object.values(RELATED)
  emulator.addApp(SAMPLE.owner, SAMPLE.app, [SAMPLE.form, ...related.map(({ form }) => form)])
  emulator.addToken(SAMPLE.token)
  emulator.fields.set(SAMPLE.form, SAMPLE_FIELDS)
  emulator.reads.addReport(SAMPLE.owner, SAMPLE.app, SAMPLE.report, SAMPLE.form)
  for (const { form, report } of related) {
    emulator.fields.set(form, RELATED_FIELDS[form] ?? [])
    emulator.reads.addReport(SAMPLE.owner, SAMPLE.app, report, form)
  }
  emulator.addClient(SAMPLE.clientId, SAMPLE.clientSecret, SAMPLE.refreshToken, {
    apiDomain: 'https://www.zohoapis.eu'
  })
  const job = emulator.addJob({
    owner: SAMPLE.owner,
    app: SAMPLE.app,
    form: SAMPLE.form,
    id: SAMPLE.jobId,
    state: 'Ready-to-upload',
    uploaded: true
  })
  return { emulator, job, url: await emulator.start(port) }
}
