// The floor for an upload from a Node action: the same multipart/form-data body (one part named
// "file", the file's bytes streamed from disk, Content-Length announced), read from the same INPUT_*
// variables, with nothing but node:http and node:fs.
import { appendFileSync, createReadStream, statSync } from 'node:fs'
import http from 'node:http'
import { basename, resolve } from 'node:path'

const input = name => process.env[`INPUT_${name.toUpperCase()}`] ?? ''
const path = resolve(process.env.GITHUB_WORKSPACE ?? '.', input('file'))
const url =
  `${input('api-url')}/creator/v2.1/bulk/${input('owner')}/${input('app')}` +
  `/form/${input('form')}/insert/${input('job-id')}`
const boundary = 'bench-boundary-0123456789'
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path)}"\r\n` +
    'Content-Type: text/csv\r\n\r\n'
)
const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
const request = http.request(url, {
  method: 'POST',
  headers: {
    Authorization: `Zoho-oauthtoken ${input('token')}`,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
    'Content-Length': head.length + statSync(path).size + tail.length
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
request.write(head)
const file = createReadStream(path)
file.pipe(request, { end: false })
file.on('end', () => request.end(tail))
