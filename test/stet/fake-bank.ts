/**
 * A tiny node:http bank for the client's unit tests (undici's real-server style): it records every request and answers
 * with whatever the test's handler says. Port 0 on 127.0.0.1, closed by the test.
 */
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Reservation } from '../../src/stet-api/access.js'

export interface RecordedRequest {
  method: string
  /** Path and query exactly as on the request line. */
  url: string
  path: string
  query: URLSearchParams
  headers: Record<string, string>
  body: string
}

export interface FakeReply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Never answer (to provoke a headers timeout). */
  hang?: boolean
}

export type FakeHandler = (request: RecordedRequest, index: number) => FakeReply

export interface FakeBank {
  url: string
  requests: RecordedRequest[]
  /** Requests to resources (not /token). */
  resourceRequests(): RecordedRequest[]
  tokenRequests(): RecordedRequest[]
  setHandler(handler: FakeHandler): void
  close(): Promise<void>
}

export async function startFakeBank(initial: FakeHandler): Promise<FakeBank> {
  let handler = initial
  const requests: RecordedRequest[] = []
  const hanging = new Set<ServerResponse>()
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://bank.test')
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      const reply = handler(recorded, requests.length - 1)
      if (reply.hang === true) {
        hanging.add(res)
        return
      }
      const payload =
        reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    resourceRequests: () => requests.filter((r) => !r.path.startsWith('/stet/psd2/oauth/')),
    tokenRequests: () => requests.filter((r) => r.path === '/stet/psd2/oauth/token'),
    setHandler: (next) => {
      handler = next
    },
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}

/** A port that nothing listens on: bind, read the port, close. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}

/** A reservation that records what the client did with it (the real ledgers are tested in test/quota). */
export class RecordingReservation implements Reservation {
  readonly kind = 'reservation' as const
  released = 0
  exhausted = 0
  replaysAsked = 0
  readonly replays: RecordingReservation[] = []
  constructor(
    readonly quotaKey: string,
    private readonly grantReplay: boolean = true,
  ) {}
  async release(): Promise<void> {
    this.released += 1
  }
  async markExhausted(): Promise<void> {
    this.exhausted += 1
  }
  async reserveReplay(): Promise<Reservation | undefined> {
    this.replaysAsked += 1
    if (!this.grantReplay) return undefined
    const replay = new RecordingReservation(this.quotaKey, false)
    this.replays.push(replay)
    return replay
  }
}
