/**
 * The partner's integration in ten lines (README "Partner sync"): register a webhook once, then on each verified
 * TRANSACTIONS_UPDATED sync the account from the event's cursor until `hasMore` is false. Retries deliver the same
 * event id again: `apply` must be idempotent (upsert by transaction id), which a sync page already is.
 */
import { createWebhookVerifier } from './verify-webhook.js'

export interface SyncPage {
  readonly added: readonly { readonly id: string }[]
  readonly modified: readonly { readonly id: string }[]
  readonly removed: readonly string[]
  readonly nextCursor: string
  readonly hasMore: boolean
}
/** The partner's own GraphQL call, with its bearer token for that PSU. */
export type GraphQL = (query: string, variables: Record<string, unknown>) => Promise<{ data?: unknown }>

export const SYNC = `query Sync($id: ID!, $cursor: String) {
  transactionsSync(accountId: $id, cursor: $cursor, first: 500) { added { id } modified { id } removed nextCursor hasMore }
}`

export function webhookHandler(gatewayUrl: string, gql: GraphQL, apply: (page: SyncPage) => Promise<void>) {
  const verify = createWebhookVerifier(gatewayUrl)
  return async (rawBody: string, signature: string): Promise<void> => {
    const event = await verify(rawBody, signature) // throws on a forged or altered delivery
    if (event.type !== 'TRANSACTIONS_UPDATED') return
    for (let cursor = String(event.data.cursor), more = true; more;) {
      const page = ((await gql(SYNC, { id: event.data.accountId, cursor })).data as { transactionsSync: SyncPage })
        .transactionsSync
      await apply(page)
      ;[cursor, more] = [page.nextCursor, page.hasMore]
    }
  }
}
