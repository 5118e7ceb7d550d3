/**
 * A partner's webhook receiver checks each delivery before it trusts it (README "Webhooks"): the `Webhook-Signature`
 * header is a JWS over the exact body with a detached payload (`header..signature`), ES256, by a key the gateway
 * serves at `/.well-known/webhook-jwks.json`. Only jose and the raw body: nothing of the gateway's code.
 */
import { compactVerify, createRemoteJWKSet } from 'jose'

/** What every delivery's body holds (README "Webhooks"). */
export interface WebhookEventBody {
  /** The idempotency id: the same on every retry of this event. */
  readonly id: string
  readonly type:
    'TRANSACTIONS_UPDATED' | 'BALANCES_UPDATED' | 'CONSENT_EXPIRING' | 'REAUTHORIZATION_REQUIRED' | 'QUOTA_EXHAUSTED'
  readonly createdAt: string
  readonly webhookId: string
  readonly bank: string
  readonly psuId: string
  readonly data: Record<string, unknown>
}

/** Returns a function that verifies one delivery (raw body text + its header) and gives its event, or throws. */
export function createWebhookVerifier(
  gatewayUrl: string,
): (rawBody: string, signatureHeader: string) => Promise<WebhookEventBody> {
  // Fetched once, cached by jose, fetched again for a key id it does not know (a rotated key).
  const jwks = createRemoteJWKSet(new URL('/.well-known/webhook-jwks.json', gatewayUrl))
  return async (rawBody, signatureHeader) => {
    const [header, detached, signature] = signatureHeader.split('.')
    if (header === undefined || detached !== '' || signature === undefined) throw new Error('not a detached JWS')
    const payload = Buffer.from(rawBody, 'utf8').toString('base64url')
    const { payload: signed } = await compactVerify(`${header}.${payload}.${signature}`, jwks, {
      algorithms: ['ES256'],
    })
    return JSON.parse(new TextDecoder().decode(signed)) as WebhookEventBody
  }
}
