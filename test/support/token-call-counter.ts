/**
 * A referee on the wire in front of the sandbox bank: forwards every request unchanged and counts the /token grants
 * by type, and the ones the bank refused by type and OAuth error (the sandbox's own stats count AIS calls, not OAuth
 * ones). Test code only: the gateway never sees it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'

export interface TokenCallCounter {
  readonly url: string
  readonly grants: Record<string, number>
  /** `<grant_type> <error>` → how many /token answers were that OAuth error (e.g. `refresh_token invalid_grant`). */
  readonly refusals: Record<string, number>
  close(): Promise<void>
}

export async function startTokenCallCounter(targetUrl: string): Promise<TokenCallCounter> {
  const target = new URL(targetUrl)
  const grants: Record<string, number> = {}
  const refusals: Record<string, number> = {}
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const isToken = req.method === 'POST' && (req.url ?? '').split('?')[0] === OAUTH_TOKEN_PATH
      const type = isToken ? (new URLSearchParams(body.toString('utf8')).get('grant_type') ?? 'none') : ''
      if (isToken) grants[type] = (grants[type] ?? 0) + 1
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          if (!isToken || (answer.statusCode ?? 502) < 400) {
            answer.pipe(res)
            return
          }
          const answered: Buffer[] = []
          answer.on('data', (c: Buffer) => answered.push(c))
          answer.on('end', () => {
            const text = Buffer.concat(answered)
            let error = 'unreadable'
            try {
              error = String((JSON.parse(text.toString('utf8')) as { error?: unknown }).error)
            } catch {
              // not JSON: counted as unreadable
            }
            refusals[`${type} ${error}`] = (refusals[`${type} ${error}`] ?? 0) + 1
            res.end(text)
          })
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
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
