/**
 * A partner's webhook endpoint for tests: a real HTTP server on 127.0.0.1 and a free port that records every
 * delivery (headers and exact body) and answers as the test says: a status, or `hang` (never answers, as a receiver
 * that is slow or dead behind a load balancer).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ReceivedDelivery {
  readonly id: string
  readonly signature: string
  readonly attempt: string
  readonly body: string
  readonly json: {
    id: string
    type: string
    createdAt: string
    webhookId: string
    bank: string
    psuId: string
    data: Record<string, unknown>
  }
  /** What the receiver answered (`hang`: nothing). */
  readonly answered: number | 'hang'
}

export interface WebhookReceiver {
  readonly url: string
  readonly received: ReceivedDelivery[]
  /** Chooses the answer to the n-th request (0-based). */
  respond: (n: number, delivery: Omit<ReceivedDelivery, 'answered'>) => number | 'hang'
  /** Resolves once `predicate` holds for what was received (polling; fails after `timeoutMs`). */
  waitFor(predicate: (received: readonly ReceivedDelivery[]) => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startWebhookReceiver(respond: WebhookReceiver['respond'] = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  const hanging: ServerResponse[] = []
  const receiver: Partial<WebhookReceiver> & { respond: WebhookReceiver['respond'] } = { respond }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const delivery = {
        id: String(req.headers['webhook-id'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        attempt: String(req.headers['webhook-attempt'] ?? ''),
        body,
        json: JSON.parse(body) as ReceivedDelivery['json'],
      }
      const answer = receiver.respond(received.length, delivery)
      received.push({ ...delivery, answered: answer })
      if (answer === 'hang') {
        hanging.push(res)
        return
      }
      res.statusCode = answer
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${address.port}/hooks`,
    received,
    waitFor: async (predicate: (r: readonly ReceivedDelivery[]) => boolean, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs
      while (!predicate(received)) {
        if (Date.now() > until)
          throw new Error(
            `webhook receiver: condition not met; got ${JSON.stringify(received.map((r) => [r.json.type, r.id, r.answered]))}`,
          )
        await sleep(20)
      }
    },
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }) as WebhookReceiver
}
