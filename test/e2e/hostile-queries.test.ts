/**
 * One hostile caller against a real gateway process (`node dist/main.js`, embedded sandbox) while a second client
 * keeps querying (DESIGN inv. 12; issue 14). Before the limits, the first query below returned 235 MB in 12 s with a
 * peak RSS of 1.7 GB and /health timed out; three concurrent ones reached 5 GB. Each hostile request must now be
 * refused with OPERATION_LIMIT_EXCEEDED / PAYLOAD_TOO_LARGE, or answered within LIMIT_RESPONSE_BYTES; the second
 * client must get every one of its answers; and the process's peak RSS, read from /proc, must stay bounded. No
 * timing is asserted.
 */
import { readFile, rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import { systemClock } from '../../src/clock.js'
import { encodeAccountId } from '../../src/services/account-id.js'
import { spawnGateway, type GatewayProcess } from '../support/processes.js'
import { GEORGES, GEORGES_JOINT, LEA, LEA_MAIN } from '../support/sandbox-personas.js'
import { seedDataDir } from '../support/test-gateway.js'

/** Peak RSS of the process, with the node heap, buffers and lmdb maps: well under what one hostile query took. */
const PEAK_RSS_BOUND_MB = 300

let gateway: GatewayProcess
let dataDir: string
let hostile: string
let friendly: string

beforeAll(async () => {
  dataDir = await seedDataDir()
  const key = await loadOrCreateDevSigningKey(dataDir)
  const token = (psuId: string) =>
    issueDevToken(key, { psuId, present: false, banks: [] }, { clock: systemClock, ttlSeconds: 3600 })
  hostile = await token(GEORGES)
  friendly = await token(LEA)
  gateway = await spawnGateway({ DATA_DIR: dataDir, STET_BASE_URL: '', STORE_URL: '' })
}, 90_000)
afterAll(async () => {
  await gateway.stop()
  await rm(dataDir, { recursive: true, force: true })
})

async function status(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

async function post(query: string, token: string): Promise<{ status: number; bytes: number; body: Body }> {
  const res = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  })
  const text = await res.body.text()
  return { status: res.statusCode, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Body }
}
interface Body {
  readonly data?: unknown
  readonly errors?: { extensions?: { code?: string; limit?: string } }[]
}

const many = (n: number, make: (i: number) => string): string => Array.from({ length: n }, (_, i) => make(i)).join(' ')
const georgesId = encodeAccountId('17515', GEORGES_JOINT.iban)
const PAGE =
  'transactions(first: 500) { edges { node { id amount { amount currency } bookingDate remittanceInformation } } }'

const HOSTILE: readonly { name: string; query: string; expect: 'refused' | 'answered' }[] = [
  {
    // The issue's query: 2,000 aliases of an account's 500 transactions, through a fragment (compact: 40 KB).
    name: "2,000 aliases of an account's 500 transactions through a fragment",
    query: `{ account(id: "${georgesId}") { ...F } } fragment F on Account { ${many(2_000, (i) => `t${i}:transactions(first:500){edges{node{id}}}`)} }`,
    expect: 'refused',
  },
  {
    name: "150 aliases of an account's 500 transactions through a fragment (under LIMIT_TOKENS)",
    query: `{ account(id: "${georgesId}") { ...F } } fragment F on Account { ${many(150, (i) => `t${i}:transactions(first:500){edges{node{id}}}`)} }`,
    expect: 'refused',
  },
  {
    name: '29 aliases of a whole page (under every limit: answered)',
    query: `{ account(id: "${georgesId}") { ...F } } fragment F on Account { ${many(29, (i) => `t${i}: ${PAGE}`)} }`,
    expect: 'answered',
  },
  {
    name: 'fragments nested 25 deep',
    query: `{ ...D0 } ${many(25, (i) => `fragment D${i} on Query { accounts { iban } ...D${i + 1} }`)} fragment D25 on Query { __typename }`,
    expect: 'refused',
  },
  {
    name: 'a chain of 5,000 fragments',
    query: `{ ...F0 } ${many(5_000, (i) => `fragment F${i} on Query{...F${i + 1}}`)} fragment F5000 on Query{__typename}`,
    expect: 'refused',
  },
  {
    name: 'a fragment bomb (each of 16 fragments spreads the next twice)',
    query: `{ accounts { ...B0 } } ${many(16, (i) => `fragment B${i} on Account { ...B${i + 1} iban ...B${i + 1} }`)} fragment B16 on Account { ${PAGE} }`,
    expect: 'refused',
  },
  {
    name: 'every account, every page, five times over with details',
    query: `{ accounts { ${many(5, (i) => `p${i}: transactions { edges { node { id details amount { amount } } } }`)} } }`,
    expect: 'refused',
  },
]

describe('hostile queries against a gateway process, a second client querying meanwhile', () => {
  it('each is refused or answered within the bounds; the second client gets every answer; peak RSS stays bounded', async () => {
    const pid = gateway.child.pid
    if (pid === undefined) throw new Error('no gateway pid')
    const warm = await post(`{ account(id: "${georgesId}") { ${PAGE} } }`, hostile)
    expect(warm.body.errors).toBeUndefined()
    const atStart = await status(pid)

    let hostileDone = false
    const friendlyAnswers: { status: number; errors: number }[] = []
    const friendlyLoop = (async () => {
      const leaId = encodeAccountId('17515', LEA_MAIN.iban)
      while (!hostileDone) {
        const res = await post(`{ account(id: "${leaId}") { iban balances { type } } }`, friendly)
        friendlyAnswers.push({ status: res.status, errors: res.body.errors?.length ?? 0 })
      }
    })()

    const outcomes: { name: string; status: number; code: string | undefined; limit?: string; bytes: number }[] = []
    const run = async (h: (typeof HOSTILE)[number]): Promise<void> => {
      const res = await post(h.query, hostile)
      const error = res.body.errors?.[0]?.extensions
      outcomes.push({
        name: h.name,
        status: res.status,
        code: error?.code,
        ...(error?.limit ? { limit: error.limit } : {}),
        bytes: res.bytes,
      })
    }
    for (const h of HOSTILE) await run(h)
    // Three concurrent copies of each large one, the allowed one included.
    for (const h of HOSTILE) await Promise.all([run(h), run(h), run(h)])
    hostileDone = true
    await friendlyLoop
    const atEnd = await status(pid)

    console.log(
      JSON.stringify(
        {
          rssAtStartMb: atStart.rssMb,
          rssAtEndMb: atEnd.rssMb,
          peakRssMb: atEnd.peakMb,
          friendly: friendlyAnswers.length,
          outcomes: outcomes.slice(0, HOSTILE.length),
        },
        null,
        1,
      ),
    )
    for (const h of HOSTILE) {
      const mine = outcomes.filter((o) => o.name === h.name)
      expect(mine).toHaveLength(4)
      for (const o of mine) {
        if (h.expect === 'answered') {
          expect({ name: o.name, status: o.status, code: o.code }).toEqual({
            name: h.name,
            status: 200,
            code: undefined,
          })
          expect(o.bytes).toBeLessThan(16_000_000)
        } else {
          expect({ name: o.name, refused: [400, 413].includes(o.status) }).toEqual({ name: h.name, refused: true })
          expect(['OPERATION_LIMIT_EXCEEDED', 'PAYLOAD_TOO_LARGE']).toContain(o.code)
        }
      }
    }
    expect(friendlyAnswers.length).toBeGreaterThanOrEqual(3)
    expect(friendlyAnswers.every((a) => a.status === 200 && a.errors === 0)).toBe(true)
    expect(atEnd.peakMb).toBeLessThan(PEAK_RSS_BOUND_MB)
  }, 120_000)
})
