// The form's fields, read from Creator's meta API (zoho-bulk-api.md, "The form's fields"): what a
// file's header is checked against before a job is created.
import { callApi, type Connection } from './api.ts'
import type { CallContext } from './call.ts'
import type { FormRef } from './endpoints.ts'
import { isRecord, replyError, wholeNumber, ZohoError, type ZohoReply } from './reply.ts'
import { formFieldsRequest } from './requests.ts'

export interface FormField {
  readonly linkName: string
  readonly mandatory: boolean
  readonly unique: boolean
  /** The field's type code (zoho-bulk-api.md, "Field types"), when Zoho gives one. */
  readonly type?: number
  /** The subfields' link names, when Zoho lists them (a Name's first_name, last_name, …). */
  readonly subfields?: readonly string[]
  /** The most characters a value may have (`max_char`), when Zoho gives it. */
  readonly maxChars?: number
  /** The values a choice field allows, when Zoho lists them. */
  readonly choices?: readonly string[]
  /** Set when Zoho says the field is a lookup: its value is a related record's ID. */
  readonly lookup?: true
}

/**
 * The types of a lookup shown as Multi Select or Checkbox (zoho-bulk-api.md, "Field types"): its
 * value is a list of IDs, which a bulk insert CSV writes in no way documented.
 */
export const SEVERAL_IDS_TYPES: ReadonlySet<number> = new Set([14, 15])

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
  return fieldsOf(reply.data?.['fields'])
}

/** The fields of Get Fields' list, as readFields reads them; undefined when it is not one. */
export function fieldsOf(list: unknown): FormField[] | undefined {
  if (!Array.isArray(list)) return undefined
  const fields: FormField[] = []
  for (const item of list as unknown[]) {
    if (!isRecord(item) || typeof item['link_name'] !== 'string') return undefined
    const subfields = Array.isArray(item['subfields'])
      ? (item['subfields'] as unknown[]).flatMap(sub =>
          isRecord(sub) && typeof sub['link_name'] === 'string' ? [sub['link_name']] : []
        )
      : undefined
    const type = wholeNumber(item['type'])
    const maxChars = wholeNumber(item['max_char'])
    const choices = choicesOf(item['choices'])
    fields.push({
      linkName: item['link_name'],
      mandatory: item['mandatory'] === true,
      unique: item['unique'] === true,
      ...(type === undefined ? {} : { type }),
      ...(subfields === undefined || subfields.length === 0 ? {} : { subfields }),
      ...(maxChars === undefined || maxChars <= 0 ? {} : { maxChars }),
      ...(choices === undefined ? {} : { choices }),
      ...(item['is_lookup_field'] === true ? { lookup: true as const } : {})
    })
  }
  return fields
}

/**
 * A choice field's values, read tolerantly (zoho-bulk-api.md, "Field types"): plain strings, or
 * objects with a display_value or value; undefined when Zoho lists none, or in a shape not known.
 */
function choicesOf(list: unknown): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined
  const choices: string[] = []
  for (const choice of list as unknown[]) {
    const value = isRecord(choice) ? (choice['display_value'] ?? choice['value']) : choice
    if (typeof value !== 'string') return undefined
    choices.push(value)
  }
  return choices
}

/** The type of a Name field, made of subfields (first_name, last_name, …). */
const NAME_TYPE = 29
/** The types the contract describes, 1 to 18: none of them is made of subfields. */
const MAX_SIMPLE_TYPE = 18

/**
 * Whether a column may name a subfield of the field (`Name.first_name`): a Name, a field Zoho
 * lists subfields for, or one of a type the contract does not describe (an Address may be one).
 */
export function hasSubfields(field: FormField): boolean {
  if (field.subfields !== undefined || field.type === NAME_TYPE) return true
  return field.type === undefined || field.type > MAX_SIMPLE_TYPE
}
