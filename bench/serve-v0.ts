/**
 * V0, the floor: a hand-written REST aggregator on node:http + undici that makes exactly the bank calls each query
 * needs, the independent ones in parallel. No GraphQL, no cache, no quota, no schema validation of the bank's bodies.
 * V0m (BANK_MEMORY=true): the same code over the in-memory answers of memory-bank.ts.
 * Env: BANK_URL, PKI_DIR, STET_CLIENT_ID, PSUS (to link at start), BANK_CONNECTIONS (32), PORT (0). The PSU is named by `x-psu-id`;
 * `x-psu-present: 1` sends PSU-IP-Address (the socket's address), its absence makes every call unattended.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type {
  AccountResource,
  BalanceResource,
  HalEndUserIdentity,
  HalOverdrafts,
  TransactionResource,
} from '../src/stet-api/wire.js'
import { toStetDateParam, transactionWindowStart } from '../src/services/transaction-window.js'
import { bankFromEnv, BankStatusError, ok } from './bank-client.js'
import { baselineBank } from './memory-bank.js'
import { installAllocationProfile } from './allocation-profile.js'
import { announceReady, installLoopMonitor } from './loop-monitor.js'

installLoopMonitor()
installAllocationProfile(process.env.BENCH_ALLOCATION_PROFILE)
const bank = baselineBank(await bankFromEnv(process.env), process.env)

interface Call {
  readonly psu: string
  readonly ip: string | undefined
}

const money = (a: { amount: string | number; currency: string }) => ({ amount: String(a.amount), currency: a.currency })

async function accounts(c: Call): Promise<AccountResource[]> {
  return (ok(await bank.get(c.psu, '/accounts', c.ip), 'accounts') as { accounts: AccountResource[] }).accounts
}

function resourceIdOf(account: AccountResource | undefined): string {
  if (account?.resourceId === undefined) throw new NotFound()
  return account.resourceId
}

async function balances(c: Call, resourceId: string) {
  const body = ok(await bank.get(c.psu, `/accounts/${resourceId}/balances`, c.ip), 'balances') as {
    balances: BalanceResource[]
  }
  return body.balances.map((b) => ({ type: b.balanceType, amount: money(b.balanceAmount) }))
}

async function overdraft(c: Call, resourceId: string) {
  const body = ok(await bank.get(c.psu, `/accounts/${resourceId}/overdrafts`, c.ip), 'overdrafts') as HalOverdrafts
  return { allowedAmount: money(body.overdrafts.allowedAmount) }
}

async function transactions(c: Call, resourceId: string, first: number) {
  const dateFrom = encodeURIComponent(toStetDateParam(transactionWindowStart(Date.now()))).replace(/%3A/gi, ':')
  const answer = await bank.get(c.psu, `/accounts/${resourceId}/transactions?dateFrom=${dateFrom}`, c.ip)
  const all =
    answer.status === 204 ? [] : (ok(answer, 'transactions') as { transactions: TransactionResource[] }).transactions
  return {
    totalCount: all.length,
    edges: all
      .slice(0, first)
      .map((t) => ({ node: { id: t.resourceId ?? t.entryReference ?? '', amount: money(t.transactionAmount) } })),
  }
}

async function identity(c: Call) {
  const body = ok(await bank.get(c.psu, '/end-user-identity', c.ip), 'identity') as HalEndUserIdentity
  return { fullName: body.identity.fullName }
}

class NotFound extends Error {}

const routes: Record<string, (c: Call, q: URLSearchParams) => Promise<unknown>> = {
  // One account's balances: the list (to find the bank's resourceId of the IBAN), then its balances.
  '/balances': async (c, q) => {
    const account = (await accounts(c)).find((a) => a.accountId?.iban === q.get('iban'))
    return { iban: q.get('iban'), balances: await balances(c, resourceIdOf(account)) }
  },
  // Dashboard: list ∥ identity, then balances ∥ transactions ∥ overdraft of every account.
  '/dashboard': async (c) => {
    const [list, who] = await Promise.all([accounts(c), identity(c)])
    const rows = await Promise.all(
      list.map(async (a) => {
        const id = resourceIdOf(a)
        const [b, t, o] = await Promise.all([balances(c, id), transactions(c, id, 3), overdraft(c, id)])
        return { iban: a.accountId?.iban, name: a.name, balances: b, transactions: t, overdraft: o }
      }),
    )
    return { accounts: rows, identity: who }
  },
  // The aliases-and-fragments query asks one account's balances and overdraft: list, then both in parallel.
  '/account': async (c, q) => {
    const account = (await accounts(c)).find((a) => a.accountId?.iban === q.get('iban'))
    const id = resourceIdOf(account)
    const [b, o] = await Promise.all([balances(c, id), overdraft(c, id)])
    return { iban: q.get('iban'), name: account?.name, balances: b, overdraft: o }
  },
  '/transactions': async (c, q) => {
    const first = Number(q.get('first') ?? '10')
    const list = await accounts(c)
    return {
      accounts: await Promise.all(
        list.map(async (a) => ({
          iban: a.accountId?.iban,
          transactions: await transactions(c, resourceIdOf(a), first),
        })),
      ),
    }
  },
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://v0')
  const route = routes[url.pathname]
  const psu = req.headers['x-psu-id']
  if (route === undefined || typeof psu !== 'string') return send(res, 404, { error: 'not found' })
  const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
  const call: Call = { psu, ip: req.headers['x-psu-present'] === '1' ? address : undefined }
  route(call, url.searchParams).then(
    (body) => send(res, 200, body),
    (error: unknown) => {
      if (error instanceof NotFound) return send(res, 404, { error: 'account not found' })
      if (error instanceof BankStatusError) return send(res, 502, { error: error.message, bankStatus: error.status })
      send(res, 500, { error: 'internal error' })
    },
  )
}

const server = createServer(handle)
server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  announceReady(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => void bank.close().finally(() => process.exit(0)))
})
