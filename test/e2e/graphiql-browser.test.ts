/**
 * GraphiQL in a real browser with the network cut off: Debian's Chromium (installed by .ci/run) driven by
 * playwright-core, every request that is not to the gateway aborted and recorded. The page must load, open on the
 * example query with a persona's header, and run it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser } from 'playwright-core'
import { launchOfflineChromium } from '../support/offline-chromium.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let t: TestGateway
let browser: Browser

beforeAll(async () => {
  t = await startTestGateway()
  browser = await launchOfflineChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await t?.close()
})

describe('GraphiQL at /graphiql', () => {
  it('loads from local assets only and runs the example query for LEA', async () => {
    const page = await browser.newPage()
    const origin = new URL(t.gateway.url).origin
    const outside: string[] = []
    await page.route('**/*', async (route) => {
      const url = route.request().url()
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue()
      outside.push(url)
      return route.abort()
    })
    await page.goto(`${origin}/graphiql`, { waitUntil: 'networkidle' })
    await page.waitForSelector('.graphiql-container', { timeout: 15_000 })
    expect(await page.locator('.graphiql-query-editor').innerText()).toContain('query Dashboard')
    await page.click('.graphiql-execute-button')
    // A string: it runs in the page, whose DOM types this Node project does not load.
    await page.waitForFunction(
      "document.querySelector('.result-window')?.textContent?.includes('-150.00')",
      undefined,
      {
        timeout: 15_000,
      },
    )
    const result = await page.locator('.result-window').innerText()
    expect(result).toContain('FR7617515000920400430518020')
    expect(outside).toEqual([])
    await page.close()
  }, 60_000)
})
