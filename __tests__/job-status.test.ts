import { describe, expect, it } from '@jest/globals'
import { readJobStatus } from '../src/zoho/job-status.ts'
import { reply } from './support/replies.ts'

const statusOf = (body: unknown) => readJobStatus(reply(200, JSON.stringify(body)))

describe('readJobStatus', () => {
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
})
