import { describe, expect, it } from '@jest/globals'
import { readJobStatus, stateName } from '../src/zoho/job-status.ts'
import { readReadStatus } from '../src/zoho/bulk-read.ts'
import { reply } from './support/replies.ts'

const statusOf = (body: unknown) => readJobStatus(reply(200, JSON.stringify(body)))

describe('readJobStatus', () => {
  it('passes over a state that is not text, or only blanks, to the next place it may be', () => {
    expect(statusOf({ code: 3000, api_status: 5, details: { status: 'Completed' } })).toEqual({
      state: 'Completed',
      raw: 'Completed',
      records: {}
    })
    expect(statusOf({ code: 3000, api_status: '   ' })).toEqual({ records: {} })
  })

  it.each([
    [{ code: 3000, data: { api_status: 'COMPLETED' } }, 'Completed'],
    [{ code: 3000, data: { api_status: 'IN PROGRESS' } }, 'In-progress'],
    [{ code: 3000, api_status: 'In-progress' }, 'In-progress'],
    [{ code: 3000, status: 'Ready-to-upload' }, 'Ready-to-upload'],
    [{ code: 3000, details: { state: 'system_aborted' } }, 'System Aborted'],
    [{ code: 3000, details: { status: 'User Aborted' } }, 'User Aborted'],
    [{ code: 3000, state: 'EXPIRED' }, 'Expired'],
    [{ code: 3000, data: { status: 'failed' } }, 'Failed'],
    [{ code: 3000, status: 'Aborted' }, 'Aborted']
  ])('reads %j as %s', (body, state) => {
    expect(statusOf(body).state).toBe(state)
  })

  it('prefers a state field to a top-level status that is a message', () => {
    expect(statusOf({ code: 3000, status: 'Success', data: { api_status: 'COMPLETED' } })).toEqual({
      state: 'Completed',
      raw: 'COMPLETED',
      records: {}
    })
  })

  it('reports a value it does not know as unknown, keeping what Zoho wrote', () => {
    expect(statusOf({ code: 3000, data: { api_status: 'QUEUED' } })).toEqual({
      raw: 'QUEUED',
      records: {}
    })
  })

  it('reports nothing when no state is given', () => {
    expect(statusOf({ code: 3000 })).toEqual({ records: {} })
    expect(readJobStatus(reply(502, '<html>'))).toEqual({ records: {} })
  })

  it('passes over a state that is blank or not text for the next one', () => {
    expect(
      statusOf({ code: 3000, api_status: '  ', data: { state: 7, status: 'Failed' } })
    ).toEqual({ state: 'Failed', raw: 'Failed', records: {} })
  })

  it('takes each count from the first place that gives it', () => {
    const counts = statusOf({
      code: 3000,
      record_details: { total_records: 'many' },
      data: { record_details: { total_records: 12, success_records: 10 }, total_records: 99 }
    }).records
    expect(counts).toEqual({ total: 12, success: 10 })
  })
})

describe('stateName', () => {
  it('names a state normalised, else as Zoho wrote it, else unknown', () => {
    expect(stateName({ state: 'Completed', raw: 'COMPLETED', records: {} })).toBe('Completed')
    expect(stateName({ raw: 'QUEUED', records: {} })).toBe('QUEUED')
    expect(stateName({ records: {} })).toBe('unknown')
  })
})

describe('readReadStatus', () => {
  const details = (body: Record<string, unknown>) =>
    readReadStatus(reply(200, { code: 3000, details: { id: '3888833000000400000', ...body } }))

  it('reads the state as an insert job’s, whether Zoho writes it as its samples or its prose', () => {
    expect(details({ status: 'In-progress' }).status.state).toBe('In-progress')
    expect(details({ status: 'IN PROGRESS' }).status.state).toBe('In-progress')
    expect(details({ status: 'COMPLETED' }).status.state).toBe('Completed')
    expect(details({ status: 'Scheduled' }).status).toEqual({ raw: 'Scheduled', records: {} })
  })

  it('reads the count and the cursor of a completed batch, under details, data or the top', () => {
    const result = { count: '200000', record_cursor: ' 3a1f ' }
    const read = {
      status: { state: 'Completed', raw: 'Completed', records: {} },
      count: 200000,
      cursor: '3a1f'
    }
    expect(details({ status: 'Completed', result })).toEqual(read)
    expect(
      readReadStatus(reply(200, { code: 3000, data: { status: 'Completed', result } }))
    ).toEqual(read)
    expect(readReadStatus(reply(200, { code: 3000, status: 'Completed', result }))).toEqual(read)
  })

  it('finds no cursor in the last batch, nor in a blank or unreadable one', () => {
    expect(details({ status: 'Completed', result: { count: 7 } })).toEqual({
      status: { state: 'Completed', raw: 'Completed', records: {} },
      count: 7
    })
    for (const cursor of ['', '  ', 12, null])
      expect(
        details({ status: 'Completed', result: { record_cursor: cursor } })
      ).not.toHaveProperty('cursor')
    expect(details({ status: 'Completed', result: { count: -1 } })).not.toHaveProperty('count')
    expect(details({ status: 'Completed', result: 'none' })).toEqual({
      status: { state: 'Completed', raw: 'Completed', records: {} }
    })
  })
})
