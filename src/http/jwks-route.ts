/**
 * A public key set at a well-known path: the key the gateway signs its webhook deliveries with
 * (`/.well-known/webhook-jwks.json`), so a receiver verifies each delivery without being given a key by hand, and a
 * rotated key reaches it on its next fetch.
 */
import { sendJson, type Route } from './gateway-http.js'

export function jwksRoute(path: string, jwks: { readonly keys: readonly object[] }): Route {
  return {
    method: 'GET',
    path,
    handler: (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=300')
      sendJson(res, 200, jwks)
    },
  }
}
