/**
 * The GraphQL-over-HTTP spec's server audits (`serverAudits` from graphql-http) against the running gateway: every
 * MUST passes; the SHOULD and MAY results are printed and listed in the README. The audits send no credentials, so
 * the fetch they use adds a development bearer token, as any real client would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { serverAudits } from 'graphql-http'
import { LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let t: TestGateway
let token: string
beforeAll(async () => {
  t = await startTestGateway({ SANDBOX_PERSONAS: 'false' })
  token = await t.gateway.devToken(LEA)
})
afterAll(async () => {
  await t.close()
})

const authorised: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers)
  headers.set('authorization', `Bearer ${token}`)
  return fetch(input, { ...init, headers })
}

describe('graphql-http server audits', () => {
  const audits = serverAudits({ url: () => `${t.gateway.url}/graphql`, fetchFn: authorised })
  const results: string[] = []
  afterAll(() => {
    console.log(`graphql-http audits:\n${results.join('\n')}`)
  })
  it.each(audits.filter((a) => a.name.startsWith('MUST')).map((a) => [a.name, a] as const))('%s', async (_n, audit) => {
    const result = await audit.fn()
    results.push(`${result.status.padEnd(5)} ${audit.name}`)
    expect({ name: audit.name, status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual(
      {
        name: audit.name,
        status: 'ok',
        reason: undefined,
      },
    )
  })
  it('SHOULD and MAY audits run (their results are listed in the README)', async () => {
    const optional = audits.filter((a) => !a.name.startsWith('MUST'))
    expect(optional.length).toBeGreaterThan(0)
    for (const audit of optional) {
      const result = await audit.fn()
      results.push(`${result.status.padEnd(5)} ${audit.name}${'reason' in result ? ` (${result.reason})` : ''}`)
    }
  })
})
