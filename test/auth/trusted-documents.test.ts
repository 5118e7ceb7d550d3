import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { GraphQLRequest } from '@apollo/server'
import { HeaderMap } from '@apollo/server'
import {
  decideTrustedDocument,
  loadPartnerDocuments,
  loadTrustedDocuments,
  sha256Hex,
  type TrustedDocuments,
} from '../../src/auth/trusted-documents.js'

const BALANCES = 'query Balances { accounts { iban balances { type } } }'
const IDENTITY = 'query Identity { identity { fullName } }'
const OVERDRAFTS = 'query Overdrafts { accounts { overdraft { allowedAmount { amount } } } }'
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-trusted-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function manifest(content: unknown): Promise<string> {
  const file = path.join(dir, `${sha256Hex(JSON.stringify(content)).slice(0, 8)}.json`)
  await writeFile(file, JSON.stringify(content))
  return file
}

describe('the TRUSTED_DOCUMENTS manifest', () => {
  it("reads Apollo's persisted query manifest and the {sha256: document} map (sha256: prefixes too)", async () => {
    const apollo = await loadTrustedDocuments(
      await manifest({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256Hex(BALANCES), body: BALANCES, name: 'Balances', type: 'query' }],
      }),
    )
    expect([...apollo.entries()]).toEqual([[sha256Hex(BALANCES), BALANCES]])
    const map = await loadTrustedDocuments(
      await manifest({ [sha256Hex(BALANCES)]: BALANCES, [`sha256:${sha256Hex(IDENTITY)}`]: IDENTITY }),
    )
    expect(map.get(sha256Hex(IDENTITY))).toBe(IDENTITY)
  })

  it('refuses an id that is not the SHA-256 of its document, an empty manifest, and non-JSON', async () => {
    const sha1Like = 'a'.repeat(40)
    await expect(loadTrustedDocuments(await manifest({ [sha1Like]: BALANCES }))).rejects.toThrow(
      /is not the SHA-256 of its document/,
    )
    await expect(loadTrustedDocuments(await manifest({}))).rejects.toThrow(/registers no document/)
    const bad = path.join(dir, 'bad.json')
    await writeFile(bad, 'not json')
    await expect(loadTrustedDocuments(bad)).rejects.toThrow(/TRUSTED_DOCUMENTS: .*bad\.json: cannot be read as JSON/)
  })
})

describe("a partner's request", () => {
  let documents: TrustedDocuments
  beforeAll(async () => {
    documents = await loadTrustedDocuments(await manifest({ [sha256Hex(BALANCES)]: BALANCES }))
  })
  const http = (body: unknown, search = '') => ({ method: 'POST', headers: new HeaderMap(), search, body })
  const decide = (request: GraphQLRequest) => decideTrustedDocument(documents, request)

  it('runs the registered document by APQ hash, by documentId (body or GET) or by its own text', () => {
    const allowed = { kind: 'allowed', document: BALANCES }
    const id = sha256Hex(BALANCES)
    expect(decide({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } })).toEqual(allowed)
    expect(decide({ http: http({ documentId: `sha256:${id}` }) })).toEqual(allowed)
    expect(decide({ http: http(undefined, `?documentId=${id}`) })).toEqual(allowed)
    expect(decide({ query: BALANCES })).toEqual(allowed)
    expect(decide({ query: BALANCES, extensions: { persistedQuery: { version: 1, sha256Hash: id } } })).toEqual(allowed)
  })

  it('is refused for an unknown id, an unregistered text, or a text that is not its id', () => {
    expect(decide({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(IDENTITY) } } })).toMatchObject({
      kind: 'refused',
      code: 'PERSISTED_QUERY_NOT_FOUND',
    })
    expect(decide({ query: IDENTITY })).toMatchObject({ kind: 'refused', code: 'OPERATION_NOT_ALLOWED' })
    // A registered document with one more space is another document.
    expect(decide({ query: `${BALANCES} ` })).toMatchObject({ kind: 'refused', code: 'OPERATION_NOT_ALLOWED' })
    expect(
      decide({ query: IDENTITY, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(BALANCES) } } }),
    ).toMatchObject({ kind: 'refused', code: 'OPERATION_NOT_ALLOWED' })
    expect(decide({})).toMatchObject({ kind: 'refused', code: 'OPERATION_NOT_ALLOWED' })
  })
})

describe('per-partner manifests (client=file)', () => {
  it("a partner runs the shared documents and its client's own, never another partner's", async () => {
    const shared = await manifest({ [sha256Hex(BALANCES)]: BALANCES })
    const a = await manifest({ [sha256Hex(IDENTITY)]: IDENTITY })
    const b = await manifest({ [sha256Hex(OVERDRAFTS)]: OVERDRAFTS })
    const documents = await loadPartnerDocuments([
      { client: undefined, file: shared },
      { client: 'partner-a', file: a },
      { client: 'partner-b', file: b },
    ])
    const ids = (clientId: string | undefined) => [...documents.forClient(clientId).keys()].sort()
    expect(ids('partner-a')).toEqual([sha256Hex(BALANCES), sha256Hex(IDENTITY)].sort())
    expect(ids('partner-b')).toEqual([sha256Hex(BALANCES), sha256Hex(OVERDRAFTS)].sort())
    // No client claim, or a client without a manifest of its own: the shared documents only.
    expect(ids(undefined)).toEqual([sha256Hex(BALANCES)])
    expect(ids('partner-c')).toEqual([sha256Hex(BALANCES)])
    expect(decideTrustedDocument(documents.forClient('partner-b'), { query: IDENTITY })).toMatchObject({
      kind: 'refused',
      code: 'OPERATION_NOT_ALLOWED',
    })
  })

  it('without a shared manifest, a partner with no manifest of its own runs nothing', async () => {
    const a = await manifest({ [sha256Hex(IDENTITY)]: IDENTITY })
    const documents = await loadPartnerDocuments([{ client: 'partner-a', file: a }])
    expect([...documents.forClient('partner-a').keys()]).toEqual([sha256Hex(IDENTITY)])
    expect(documents.forClient(undefined).size).toBe(0)
    expect(decideTrustedDocument(documents.forClient('partner-z'), { query: IDENTITY })).toMatchObject({
      kind: 'refused',
      code: 'OPERATION_NOT_ALLOWED',
    })
    // One bad manifest among them stops the start, naming its file.
    await expect(loadPartnerDocuments([{ client: 'partner-a', file: await manifest({}) }])).rejects.toThrow(
      /registers no document/,
    )
  })
})
