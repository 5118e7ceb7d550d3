/**
 * The committed typed documents (examples/generated/graphql.ts) are what `npm run codegen` makes from schema.graphql
 * and examples/operations/: regenerated into a temporary folder with codegen.yml's own settings (in a child Node
 * process: jest's module sandbox cannot load codegen's plugins), formatted as the hook formats them, then compared.
 * Run `npm run schema && npm run codegen` after changing the schema or an operation.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TARGET = 'examples/generated/graphql.ts'

/** Loads codegen.yml, generates its one output into `process.argv[1]`, formats it with the repository's Prettier. */
const REGENERATE = `
import { writeFile } from 'node:fs/promises'
import { generate, loadCodegenConfig } from '@graphql-codegen/cli'
import { format, resolveConfig } from 'prettier'
const [out] = process.argv.slice(1)
const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' })
const targets = Object.keys(config.generates)
if (targets.length !== 1 || targets[0] !== ${JSON.stringify(TARGET)}) throw new Error('codegen.yml generates ' + targets)
const [output] = await generate({ ...config, silent: true, hooks: {}, generates: { [out]: config.generates[targets[0]] } }, false)
const options = await resolveConfig(targets[0])
await writeFile(out, await format(output.content, { ...options, filepath: targets[0] }))
`

describe('codegen', () => {
  it('the committed TypedDocumentNode file is not stale', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-codegen-'))
    try {
      const fresh = path.join(dir, 'graphql.ts')
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', REGENERATE, fresh], { cwd: ROOT })
      const committed = await readFile(path.join(ROOT, TARGET), 'utf8')
      expect(await readFile(fresh, 'utf8')).toBe(committed)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('covers the operations the README and the partner example use', async () => {
    const generated = await readFile(path.join(ROOT, TARGET), 'utf8')
    for (const name of ['Dashboard', 'PartnerPlan', 'PartnerSync', 'PartnerSyncCached', 'PartnerTransactionsPage'])
      expect(generated).toContain(`export const ${name}Document`)
  })
})
