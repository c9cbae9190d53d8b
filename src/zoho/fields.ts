// The form's fields, read from Creator's meta API (zoho-bulk-api.md, "The form's fields"): what a
// file's header is checked against before a job is created.
import { callApi, type Connection } from './api.ts'
import type { CallContext } from './call.ts'
import type { FormRef } from './endpoints.ts'
import { isRecord, replyError, ZohoError, type ZohoReply } from './reply.ts'
import { formFieldsRequest } from './requests.ts'

export interface FormField {
  readonly linkName: string
  readonly mandatory: boolean
  readonly unique: boolean
  /** The subfields' link names, when Zoho lists them (a Name's first_name, last_name, …). */
  readonly subfields?: readonly string[]
}

/** GETs the form's fields (retried like every call). */
export async function fetchFormFields(
  connection: Connection,
  form: FormRef,
  context: CallContext
): Promise<readonly FormField[]> {
  const reply = await callApi(
    connection,
    formFieldsRequest(connection, form),
    answer => replyError(answer, "list the form's fields", 'fields') ?? unreadable(answer),
    context
  )
  return readFields(reply) ?? []
}

function unreadable(reply: ZohoReply): ZohoError | undefined {
  if (readFields(reply) !== undefined) return undefined
  return new ZohoError(
    `Zoho listed the form's fields in a shape this action cannot read: ${reply.quoted.body}. ` +
      'Set check-header: false to skip the check.',
    reply
  )
}

/** The fields of a reply `{"code":3000,"fields":[{"link_name":…},…]}`; undefined when not so. */
export function readFields(reply: ZohoReply): FormField[] | undefined {
  const list = reply.data?.['fields']
  if (!Array.isArray(list)) return undefined
  const fields: FormField[] = []
  for (const item of list as unknown[]) {
    if (!isRecord(item) || typeof item['link_name'] !== 'string') return undefined
    const subfields = Array.isArray(item['subfields'])
      ? (item['subfields'] as unknown[]).flatMap(sub =>
          isRecord(sub) && typeof sub['link_name'] === 'string' ? [sub['link_name']] : []
        )
      : undefined
    fields.push({
      linkName: item['link_name'],
      mandatory: item['mandatory'] === true,
      unique: item['unique'] === true,
      ...(subfields === undefined || subfields.length === 0 ? {} : { subfields })
    })
  }
  return fields
}
