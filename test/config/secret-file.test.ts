import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readOrCreateSecretFile } from '../../src/config/secret-file.js'

describe('readOrCreateSecretFile', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-file-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('gives every concurrent starter the same, whole secret (the CI failure: one read an empty file)', async () => {
    const file = join(dir, 'keys', 'key')
    let made = 0
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        readOrCreateSecretFile(file, async () => {
          made += 1
          await new Promise((resolve) => setTimeout(resolve, i % 3))
          return `candidate-${i}-${'x'.repeat(4096)}`
        }),
      ),
    )
    expect(made).toBeGreaterThan(1) // the race did happen
    expect(new Set(results).size).toBe(1)
    expect(results[0]).toMatch(/^candidate-\d+-x{4096}$/)
    expect(await readdir(join(dir, 'keys'))).toEqual(['key']) // no draft left behind
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700)
  })

  it('reads an existing secret without making one', async () => {
    const file = join(dir, 'once')
    const first = await readOrCreateSecretFile(file, () => 'first')
    const second = await readOrCreateSecretFile(file, () => {
      throw new Error('must not be called')
    })
    expect([first, second]).toEqual(['first', 'first'])
  })
})
