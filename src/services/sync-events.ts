/**
 * What happened to a PSU's bank connection that a partner wants pushed (issue 17): the journal emits
 * TRANSACTIONS_UPDATED after a merge that changed something, the read path and the scheduler the others. The webhook
 * outbox is one sink; tests and metrics may be others. A sink must not throw into the read that emitted: it records
 * the event durably (or drops it where nobody listens) and returns.
 */
export type SyncEventType =
  'TRANSACTIONS_UPDATED' | 'BALANCES_UPDATED' | 'CONSENT_EXPIRING' | 'REAUTHORIZATION_REQUIRED' | 'QUOTA_EXHAUSTED'

interface ConnectionEventBase {
  /** The PSU as the bank knows it, and the bank's code: together, one bank connection of this TPP. */
  readonly psuId: string
  readonly bank: string
  /** Epoch ms when the gateway saw the change. */
  readonly at: number
}

export type SyncEvent =
  | (ConnectionEventBase & {
      readonly type: 'TRANSACTIONS_UPDATED'
      /** The gateway's opaque account id (GraphQL `Account.id`). */
      readonly accountId: string
      readonly added: number
      readonly modified: number
      readonly removed: number
      /** The `transactionsSync` cursor to sync from to see these changes. */
      readonly cursor: string
    })
  | (ConnectionEventBase & { readonly type: 'BALANCES_UPDATED'; readonly accountId: string })
  | (ConnectionEventBase & { readonly type: 'CONSENT_EXPIRING'; readonly refreshTokenExpiresAt: number })
  | (ConnectionEventBase & { readonly type: 'REAUTHORIZATION_REQUIRED' })
  | (ConnectionEventBase & {
      readonly type: 'QUOTA_EXHAUSTED'
      readonly accountId?: string
      readonly method: string
      /** Epoch ms of the next call the ledger allows for that key. */
      readonly nextAllowedAt: number
    })

export interface SyncEventSink {
  emit(event: SyncEvent): Promise<void>
}
