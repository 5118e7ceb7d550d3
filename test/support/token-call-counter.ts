/**
 * A referee on the wire in front of the sandbox bank: forwards every request unchanged and counts the /token grants
 * by type (the sandbox's own stats count AIS calls, not OAuth ones). Test code only: the gateway never sees it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'

export interface TokenCallCounter {
  readonly url: string
  readonly grants: Record<string, number>
  close(): Promise<void>
}

export async function startTokenCallCounter(targetUrl: string): Promise<TokenCallCounter> {
  const target = new URL(targetUrl)
  const grants: Record<string, number> = {}
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.method === 'POST' && (req.url ?? '').split('?')[0] === OAUTH_TOKEN_PATH) {
        const type = new URLSearchParams(body.toString('utf8')).get('grant_type') ?? 'none'
        grants[type] = (grants[type] ?? 0) + 1
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      upstream.on('error', () => res.destroy())
      upstream.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    grants,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
