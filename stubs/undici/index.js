// @actions/http-client imports undici only for HttpClient.getAgentDispatcher(), which builds a
// proxy dispatcher for fetch(). This action sends every request through HttpClient.request(),
// which uses node:http agents and never gets there, so the bundle carries this stand-in instead
// of undici's ~900 kB (tsconfig.json's "paths" points ncc here). Should anything construct it,
// it fails loudly rather than quietly.
export function ProxyAgent() {
  throw new Error(
    'undici is left out of this bundle: HttpClient.getAgentDispatcher() is not supported'
  )
}
