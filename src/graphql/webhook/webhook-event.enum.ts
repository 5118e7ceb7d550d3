import { registerEnumType } from 'type-graphql'

/** The events a webhook may subscribe to (services/sync-events.ts). */
export enum WebhookEvent {
  TRANSACTIONS_UPDATED = 'TRANSACTIONS_UPDATED',
  BALANCES_UPDATED = 'BALANCES_UPDATED',
  CONSENT_EXPIRING = 'CONSENT_EXPIRING',
  REAUTHORIZATION_REQUIRED = 'REAUTHORIZATION_REQUIRED',
  QUOTA_EXHAUSTED = 'QUOTA_EXHAUSTED',
}
registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  description: 'What happened to a PSU connection that the gateway pushes to a webhook.',
  valuesConfig: {
    TRANSACTIONS_UPDATED: {
      description:
        "An account's transactions changed: data has the counts and the transactionsSync cursor to sync from.",
    },
    BALANCES_UPDATED: {
      description:
        "A bank read (the PSU's, a partner's or the refresh scheduler's) returned balances that differ from the cached ones.",
    },
    CONSENT_EXPIRING: {
      description:
        "The 180 days since the PSU's last authorisation end within 14 days (sent once per connection and expiry).",
    },
    REAUTHORIZATION_REQUIRED: { description: 'The bank refused a token refresh: the PSU must link the bank again.' },
    QUOTA_EXHAUSTED: {
      description:
        'A read was refused for quota: data names the method, the account and the next allowed call (once per key and window).',
    },
  },
})
