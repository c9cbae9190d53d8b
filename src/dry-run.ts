// A dry run: every check a load or an upload makes before it sends anything, then the plan it would
// follow (its records, and the jobs they would go in), reported in the log, the outputs and the
// summary, with nothing created, uploaded or changed in Zoho.
import * as core from '@actions/core'
import { planParts } from './csv/split.ts'
import type { PartLimits } from './inputs.ts'
import { csvText, discardCopy, type JobFile, MAX_FILE_BYTES } from './job-file.ts'
import type { JobOperation, JobRun } from './job-operations.ts'
import { leaveOutKeysInZoho, partsNeeded } from './load.ts'
import type { PlannedPart } from './report.ts'
import { counted } from './text.ts'

/** `operation`, or with dry-run: true the plan of it instead. */
export function unlessDryRun<A extends 'upload' | 'load'>(
  operation: JobOperation<A>
): JobOperation<A> {
  return async run => (run.settings.dryRun ? plan(run) : operation(run))
}

async function plan(run: JobRun<'upload' | 'load'>): Promise<void> {
  const { settings, context, keyed } = run
  let { file } = run
  // With a key, the plan is of the records Zoho does not hold (read as the load would read them).
  if ('key' in settings && settings.key !== undefined && keyed !== undefined) {
    const { form, copyRoot, wait, key } = settings
    const read = { file, key, keyed, form, copyRoot, wait }
    const { left } = await leaveOutKeysInZoho(read, run)
    if (left === undefined) {
      context.log(`Dry run: every record of ${file.name} is in Zoho already: nothing to load.`)
      return
    }
    file = left
  }
  try {
    await report(run, file)
  } finally {
    if (file !== run.file) await discardCopy(file)
  }
}

async function report(run: JobRun<'upload' | 'load'>, file: JobFile): Promise<void> {
  const { settings, record, context } = run
  const parts = 'parts' in settings ? await partsOf(file, settings.parts) : [wholeOf(file)]
  const total = parts.reduce((sum, part) => sum + part.records, 0)
  record.plan = { records: total, parts }
  const left = record.values === undefined ? '' : `, ${counted(record.values.rows, 'row')} left out`
  context.log(
    `Dry run: ${file.name} would load ${counted(total, 'record')} in ` +
      `${counted(parts.length, 'job')}${left}; nothing was sent to Zoho.`
  )
  for (const { index, firstRow, lastRow, records } of parts)
    context.log(`Part ${index}: rows ${firstRow} to ${lastRow} (${counted(records, 'record')}).`)
  core.setOutput('total-records', String(total))
  // The rows check-values with bad-rows: skip left out of the file planned.
  core.setOutput('rejected-records', String(record.values?.rows ?? 0))
  core.setOutput('parts', String(parts.length))
}

/** The jobs a load would take: the whole file, or the parts it would split it into. */
async function partsOf(file: JobFile, limits: PartLimits): Promise<PlannedPart[]> {
  const measured = partsNeeded(file, limits)
  if (measured === undefined) return [wholeOf(file)]
  return planParts(csvText(file), { ...limits, maxBytes: MAX_FILE_BYTES, bytes: measured.bytes })
}

function wholeOf({ measure: { records, blankRows } }: JobFile): PlannedPart {
  return { index: 1, firstRow: 2, lastRow: records + blankRows + 1, records }
}
