// The files of npm run bench's passes over a whole CSV: a form with a field of each type the value
// check knows, and a generated CSV of its records (quoted line breaks among them), written as UTF-8
// with commas or as UTF-16 with semicolons.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

export const BENCH_FIELDS = [
  { link_name: 'ID', type: 1, mandatory: true, unique: true, max_char: 20 },
  { link_name: 'Note', type: 2, mandatory: false, unique: false },
  { link_name: 'Email', type: 3, mandatory: false, unique: false, max_char: 100 },
  { link_name: 'Count', type: 5, mandatory: false, unique: false },
  { link_name: 'Rate', type: 6, mandatory: false, unique: false },
  { link_name: 'Share', type: 7, mandatory: false, unique: false },
  { link_name: 'Price', type: 8, mandatory: false, unique: false },
  { link_name: 'Team', type: 12, mandatory: false, unique: false, choices: ['North', 'South'] },
  { link_name: 'Kind', type: 13, mandatory: false, unique: false, choices: ['A', 'B', 'C'] },
  { link_name: 'Site', type: 17, mandatory: false, unique: false }
]

/** Writes about `mb` MB (of text) of records to `path`, in UTF-8 with commas or UTF-16 with semicolons. */
export async function writeBenchCsv(path: string, mb: number, utf16 = false): Promise<void> {
  const separator = utf16 ? ';' : ','
  const file = createWriteStream(path)
  const put = async (text: string): Promise<void> => {
    if (!file.write(utf16 ? Buffer.from(text, 'utf16le') : text)) await once(file, 'drain')
  }
  await put(
    `${utf16 ? '\uFEFF' : ''}${BENCH_FIELDS.map(field => field.link_name).join(separator)}\r\n`
  )
  let id = 0
  for (let written = 0; written < mb * 1_000_000;) {
    const rows: string[] = []
    for (let i = 0; i < 1000; i++, id++) {
      const cells = [
        `R-${id}`,
        `"Line one, ""quoted""\r\nline two ${id % 97}"`,
        `person${id}@example.com`,
        String(id % 1000),
        `${id % 100}.${id % 7}`,
        `0.${id % 10}`,
        `${id % 5000}.99`,
        id % 2 === 0 ? 'North' : 'South',
        ['A', 'B', 'C'][id % 3] ?? 'A',
        `https://example.com/${id}`
      ]
      rows.push(`${cells.join(separator)}\r\n`)
    }
    const text = rows.join('')
    await put(text)
    written += text.length
  }
  file.end()
  await once(file, 'close')
}
