// Checks a file's header, and the values of its unique fields, against the form's fields before
// anything is created or sent (check-header: true): a misspelt column then fails the step at once,
// not after a job ran and every row failed while the form was blocked.
import { ActionError } from '../errors.ts'
import { headerProblems, RepeatFinder } from '../header-check.ts'
import { forEachRow, type JobFile } from '../job-file.ts'
import type { Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import type { FormRef } from '../zoho/endpoints.ts'
import { fetchFormFields } from '../zoho/fields.ts'

/** Fails with every problem found in one line; says in the log what was checked. */
export async function checkFileHeader(
  file: JobFile,
  form: FormRef,
  connection: Connection,
  context: CallContext,
  nothingDone: string
): Promise<string> {
  const fields = await fetchFormFields(connection, form, context)
  const problems = headerProblems(file.columns, fields)
  const repeats = new RepeatFinder(file.columns, fields)
  if (repeats.active) {
    await forEachRow(
      file,
      (cells, row) => {
        repeats.add(cells, row)
      },
      () => repeats.active
    )
  }
  problems.push(...repeats.problems)
  if (problems.length > 0) {
    throw new ActionError(
      `The file ${file.name} does not fit the form ${form.form}: ${problems.join('; ')}. ` +
        `${nothingDone} Fix the file, or set check-header: false to skip the check.`
    )
  }
  const partly =
    repeats.stoppedAfter === undefined
      ? ''
      : ` (repeated values were looked for up to row ${repeats.stoppedAfter}, where the values kept reached their memory bound)`
  const summary = `its ${file.columns.length} columns fit the form's ${fields.length} fields${partly}`
  context.log(`Checked the header of ${file.name}: ${summary}.`)
  return summary
}
