// Zoho's data centres: the `dc` names a user may write and the hosts each one serves
// (zoho-bulk-api.md, "Hosts").

export interface DataCentre {
  /** The short name, as in `dc: eu`. */
  readonly code: string
  /** The domain suffix, also accepted as `dc`. */
  readonly suffix: string
  readonly apiHost: string
  readonly accountsHost: string
}

export const DATA_CENTRES: readonly DataCentre[] = [
  { code: 'us', suffix: 'com', apiHost: 'www.zohoapis.com', accountsHost: 'accounts.zoho.com' },
  { code: 'eu', suffix: 'eu', apiHost: 'www.zohoapis.eu', accountsHost: 'accounts.zoho.eu' },
  { code: 'in', suffix: 'in', apiHost: 'www.zohoapis.in', accountsHost: 'accounts.zoho.in' },
  {
    code: 'au',
    suffix: 'com.au',
    apiHost: 'www.zohoapis.com.au',
    accountsHost: 'accounts.zoho.com.au'
  },
  { code: 'jp', suffix: 'jp', apiHost: 'www.zohoapis.jp', accountsHost: 'accounts.zoho.jp' },
  { code: 'ca', suffix: 'ca', apiHost: 'www.zohoapis.ca', accountsHost: 'accounts.zohocloud.ca' },
  {
    code: 'cn',
    suffix: 'com.cn',
    apiHost: 'www.zohoapis.com.cn',
    accountsHost: 'accounts.zoho.com.cn'
  },
  { code: 'sa', suffix: 'sa', apiHost: 'www.zohoapis.sa', accountsHost: 'accounts.zoho.sa' }
]

/** Finds a data centre by its code or domain suffix, ignoring case and surrounding blanks. */
export function findDataCentre(name: string): DataCentre | undefined {
  const wanted = name.trim().toLowerCase()
  return DATA_CENTRES.find(dc => dc.code === wanted || dc.suffix === wanted)
}
