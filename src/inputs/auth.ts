// How the action authenticates: a token, or all three refresh inputs to mint one; never both,
// never part.
import type { DataCentre } from '../zoho/datacenters.ts'
import type { Auth } from '../zoho/auth.ts'
import { parseBaseUrl } from './place.ts'
import { problem, required, type Rule } from './rules.ts'

export const TOKEN_SCHEME = /^zoho-oauthtoken\s+/i
export const REFRESH_INPUTS = ['client-id', 'client-secret', 'refresh-token'] as const

type AuthInputs = Readonly<
  Record<'token' | 'accounts-url' | (typeof REFRESH_INPUTS)[number], string>
>

const PRINTABLE = /^[\x21-\x7e]+$/
const oneLineRule = (what: string, echo: boolean): Rule => ({
  test: value => PRINTABLE.test(value),
  allowed: `${what}: one line of printable characters without spaces`,
  echo
})
const TOKEN = oneLineRule('a Zoho OAuth access token', false)
const CLIENT_ID = oneLineRule("the Self Client's client ID", true)
const CLIENT_SECRET = oneLineRule('the client secret', false)
const REFRESH_TOKEN = oneLineRule('the refresh token', false)

export function parseAuth(raw: AuthInputs, dataCentre: DataCentre | undefined): Auth {
  const given = REFRESH_INPUTS.filter(name => raw[name] !== '')
  if (given.length === 0) {
    if (raw['accounts-url'] !== '') {
      throw problem(
        'Input "accounts-url" applies only with "client-id", "client-secret" and "refresh-token".'
      )
    }
    if (raw.token === '') {
      throw problem(
        'Input "token" is required, or else all three of "client-id", "client-secret" and ' +
          '"refresh-token" to mint one.'
      )
    }
    return { kind: 'token', token: required('token', TOKEN, raw.token.replace(TOKEN_SCHEME, '')) }
  }
  if (raw.token !== '') {
    throw problem(
      'Give either "token", or "client-id", "client-secret" and "refresh-token", not both.'
    )
  }
  const missing = REFRESH_INPUTS.filter(name => raw[name] === '')
  if (missing.length > 0) {
    throw problem(
      'Inputs "client-id", "client-secret" and "refresh-token" go together; ' +
        `missing: ${missing.map(name => `"${name}"`).join(', ')}.`
    )
  }
  return {
    kind: 'refresh',
    credentials: {
      clientId: required('client-id', CLIENT_ID, raw['client-id']),
      clientSecret: required('client-secret', CLIENT_SECRET, raw['client-secret']),
      refreshToken: required('refresh-token', REFRESH_TOKEN, raw['refresh-token']),
      accountsBaseUrl:
        parseBaseUrl('accounts-url', raw['accounts-url']) ??
        `https://${dataCentre?.accountsHost ?? ''}`
    }
  }
}
