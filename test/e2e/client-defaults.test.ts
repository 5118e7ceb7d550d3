/**
 * The two most used GraphQL clients, with their default fetch options, against the endpoint: urql sends queries as
 * GET without a preflight header (refused as CSRF before issue 14), Apollo Client POSTs JSON and its cache adds
 * `__typename`; both use `@skip` / `@include` (gone from the schema before issue 14).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client'
import { Client, fetchExchange } from '@urql/core'
import { LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let t: TestGateway
let token: string
beforeAll(async () => {
  t = await startTestGateway()
  token = await t.gateway.devToken(LEA)
})
afterAll(async () => {
  await t.close()
})

const QUERY = `query Accounts($withBalances: Boolean!, $skipName: Boolean!) {
  accounts {
    id
    iban
    name @skip(if: $skipName)
    balances @include(if: $withBalances) { type amount { amount currency } }
  }
}`
type Result = { accounts: { iban: string; name?: string; balances?: unknown[] }[] }

describe('client defaults', () => {
  it('urql (GET for queries by default)', async () => {
    const methods: string[] = []
    const client = new Client({
      url: `${t.gateway.url}/graphql`,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET')
        return fetch(input, init)
      },
    })
    const res = await client.query<Result>(QUERY, { withBalances: true, skipName: true }).toPromise()
    expect(res.error).toBeUndefined()
    expect(methods).toEqual(['GET'])
    const accounts = res.data?.accounts ?? []
    expect(accounts.length).toBeGreaterThan(0)
    expect(accounts[0]).not.toHaveProperty('name')
    expect(accounts[0]?.balances?.length).toBeGreaterThan(0)
  })

  it('Apollo Client (POST, __typename added by its cache)', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: `${t.gateway.url}/graphql`, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache(),
    })
    const res = await client.query<Result>({ query: gql(QUERY), variables: { withBalances: false, skipName: false } })
    expect(res.error).toBeUndefined()
    const accounts = res.data?.accounts ?? []
    expect(accounts.length).toBeGreaterThan(0)
    expect(typeof accounts[0]?.name).toBe('string')
    expect(accounts[0]).not.toHaveProperty('balances')
    client.stop()
  })
})
