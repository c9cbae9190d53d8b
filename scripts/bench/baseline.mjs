// The physical floor for a Node action: the same PATCH, read from the same INPUT_* variables and
// answered into the same GITHUB_OUTPUT, with nothing but node:http and node:fs. No validation, no
// retries, no masking, no summary: what any action must at least pay.
import { appendFileSync } from 'node:fs'
import http from 'node:http'

const input = name => process.env[`INPUT_${name.toUpperCase()}`] ?? ''
const url =
  `${input('api-url')}/creator/v2.1/bulk/${input('owner')}/${input('app')}` +
  `/form/${input('form')}/insert/${input('job-id')}`
const body = JSON.stringify({ data: { action: input('action') } })
const request = http.request(url, {
  method: 'PATCH',
  headers: {
    Authorization: `Zoho-oauthtoken ${input('token')}`,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body)
  }
})
request.on('response', response => {
  let text = ''
  response.on('data', chunk => (text += chunk))
  response.on('end', () => {
    const { code } = JSON.parse(text)
    appendFileSync(process.env.GITHUB_OUTPUT, `code=${code}\n`)
    process.exitCode = code === 3000 ? 0 : 1
  })
})
request.end(body)
