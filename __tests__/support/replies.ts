// Zoho replies for unit tests, parsed as the action parses what comes over the wire.
import { parseReply, type ZohoReply } from '../../src/zoho/reply.ts'

export function reply(
  status: number,
  body: string | object,
  headers: Readonly<Record<string, string>> = {}
): ZohoReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return parseReply({ status, headers, body: Buffer.from(text) }, same => same)
}
