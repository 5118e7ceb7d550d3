/**
 * TRANSACTIONS_UPDATED (issue 17): a partner read merges LEA's transactions into the journal, the journal's event goes
 * through the webhook outbox, and the cursor the webhook carries is one `transactionsSync` accepts: syncing from it
 * returns exactly the changes the event counted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { webhookHandler, type SyncPage } from '../../examples/partner-webhook-sync.js'
import { createWebhookVerifier } from '../../examples/verify-webhook.js'
import { LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

let t: TestGateway
let receiver: WebhookReceiver

beforeAll(async () => {
  t = await startTestGateway({ SANDBOX_PERSONA_IDS: LEA, WEBHOOK_POLL_MS: '20' })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await t.close()
  await receiver.close()
})

const SYNC = `query S($id: ID!, $cursor: String) {
  transactionsSync(accountId: $id, cursor: $cursor, first: 500) { added { id } modified { id } removed nextCursor hasMore }
}`

describe('TRANSACTIONS_UPDATED webhook', () => {
  it('arrives with counts and a cursor that transactionsSync accepts and answers exactly', async () => {
    const token = await t.gateway.devToken(LEA)
    const reg = await t.query(
      `mutation { registerWebhook(url: "${receiver.url}", events: [TRANSACTIONS_UPDATED]) { id } }`,
      { token },
    )
    expect(reg.errors).toBeUndefined()
    const read = await t.query('{ accounts { id transactions(first: 1) { totalCount } } }', { token })
    expect(read.errors).toBeUndefined()
    const accounts = (read.data as { accounts: { id: string; transactions: { totalCount: number } }[] }).accounts
    const withTransactions = accounts.filter((a) => a.transactions.totalCount > 0)
    expect(withTransactions.length).toBeGreaterThan(0)
    await receiver.waitFor((r) => r.length >= withTransactions.length)
    await new Promise((r) => setTimeout(r, 200))

    const verify = createWebhookVerifier(t.gateway.url)
    expect(receiver.received).toHaveLength(withTransactions.length)
    for (const delivery of receiver.received) {
      const event = await verify(delivery.body, delivery.signature)
      expect(event.type).toBe('TRANSACTIONS_UPDATED')
      const data = event.data as { accountId: string; added: number; modified: number; removed: number; cursor: string }
      const account = withTransactions.find((a) => a.id === data.accountId)
      expect(data).toMatchObject({ added: account?.transactions.totalCount, modified: 0, removed: 0 })
      const sync = await t.query(SYNC, { token, variables: { id: data.accountId, cursor: data.cursor } })
      expect(sync.errors).toBeUndefined()
      const page = (sync.data as { transactionsSync: { added: unknown[]; modified: unknown[]; removed: unknown[] } })
        .transactionsSync
      expect([page.added.length, page.modified.length, page.removed.length]).toEqual([
        data.added,
        data.modified,
        data.removed,
      ])
      expect(sync.extensions?.unattendedBankCalls).toBe(0)
    }

    // The README's ten-line integration, run as written: every delivery through examples/partner-webhook-sync.ts.
    const pages: SyncPage[] = []
    const handle = webhookHandler(
      t.gateway.url,
      async (query, variables) => t.query(query, { token, variables }),
      async (page) => {
        pages.push(page)
      },
    )
    for (const delivery of receiver.received) await handle(delivery.body, delivery.signature)
    const synced = pages.reduce((n, p) => n + p.added.length, 0)
    expect(synced).toBe(withTransactions.reduce((n, a) => n + a.transactions.totalCount, 0))
    await expect(
      handle(delivery0(receiver).body.replace('TRANSACTIONS', 'BALANCES'), delivery0(receiver).signature),
    ).rejects.toThrow()
  })
})

function delivery0(r: WebhookReceiver): { body: string; signature: string } {
  const first = r.received[0]
  if (first === undefined) throw new Error('no delivery')
  return first
}
