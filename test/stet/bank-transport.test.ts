/**
 * `readBodyText`, the one reader of every bank answer: whole bodies in any number of chunks (a character split between
 * two of them included), the size bound, and a body cut short.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, request } from 'undici'
import { MAX_RESPONSE_BYTES, readBodyText, ResponseTooLargeError } from '../../src/stet/bank-transport.js'

let server: Server
let origin = ''
const agent = new Agent()

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/chunks') {
      // "é" is two bytes in UTF-8: the first chunk ends between them.
      const bytes = Buffer.from('{"name":"Léa"}', 'utf8')
      res.write(bytes.subarray(0, 11))
      setTimeout(() => res.end(bytes.subarray(11)), 20)
    } else if (req.url === '/large') {
      const chunk = Buffer.alloc(1024 * 1024, 0x61)
      for (let i = 0; i <= MAX_RESPONSE_BYTES / chunk.length; i++) res.write(chunk)
      res.end()
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' })
      res.write('{"partial":')
      setTimeout(() => res.destroy(), 20)
    } else {
      res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await agent.close()
  await new Promise((resolve) => server.close(resolve))
})

describe('readBodyText', () => {
  it('joins the chunks before decoding, so a character split between two is read whole', async () => {
    const response = await request(`${origin}/chunks`, { dispatcher: agent })
    expect(await readBodyText(response.body)).toBe('{"name":"Léa"}')
  })

  it('reads an empty body as ""', async () => {
    const response = await request(`${origin}/empty`, { dispatcher: agent })
    expect(await readBodyText(response.body)).toBe('')
  })

  it('refuses a body past MAX_RESPONSE_BYTES and stops reading it', async () => {
    const response = await request(`${origin}/large`, { dispatcher: agent })
    await expect(readBodyText(response.body)).rejects.toBeInstanceOf(ResponseTooLargeError)
    expect(response.body.destroyed).toBe(true)
  })

  it('fails a body cut short by the bank', async () => {
    const response = await request(`${origin}/cut`, { dispatcher: agent })
    await expect(readBodyText(response.body)).rejects.toThrow()
  })
})
