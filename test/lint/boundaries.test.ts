/**
 * `npm run lint` fails on an import cycle and on an import across the layers (eslint.config.js): a copy of the
 * sources, linted once as they are (clean) and once with one violation seeded per file, each reported by the rule
 * that owns it. ESLint runs as `npm run lint` runs it, on the copy's own eslint.config.js and tsconfig.json.
 */
import { execFile } from 'node:child_process'
import { appendFile, cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

const run = promisify(execFile)
const repo = process.cwd()

interface LintMessage {
  ruleId: string | null
  message: string
}
interface LintResult {
  filePath: string
  messages: LintMessage[]
}

/** Each seeded file, what is appended to it, and the rule (and message part) that must report it. */
const SEEDS: { file: string; code: string; rule: string; says: string }[] = [
  // A static cycle: context.ts imports loaders.ts already.
  {
    file: 'src/graphql/loaders.ts',
    code: "import { createContext } from './context.js'\nexport const seededCycle = createContext\n",
    rule: 'import-x/no-cycle',
    says: 'Dependency cycle',
  },
  // A dynamic import closing a cycle: token-source.ts imports stet-errors.ts (a type-only import is no cycle).
  {
    file: 'src/stet/stet-errors.ts',
    code: "export const seededDynamicCycle = () => import('./token-source.js')\n",
    rule: 'import-x/no-cycle',
    says: 'Dependency cycle',
  },
  // A cycle through three new files.
  {
    file: 'src/services/seeded-a.ts',
    code: "import { b } from './seeded-b.js'\nexport const a = (): number => b() + 1\n",
    rule: 'import-x/no-cycle',
    says: 'Dependency cycle',
  },
  {
    file: 'src/services/seeded-b.ts',
    code: "import { c } from './seeded-c.js'\nexport const b = (): number => c() + 1\n",
    rule: 'import-x/no-cycle',
    says: 'Dependency cycle',
  },
  {
    file: 'src/services/seeded-c.ts',
    code: "import { a } from './seeded-a.js'\nexport const c = (): number => a() + 1\n",
    rule: 'import-x/no-cycle',
    says: 'Dependency cycle',
  },
  // Layers: services may not import graphql/, statically or dynamically.
  {
    file: 'src/services/iban.ts',
    code: "export { createContext as seeded } from '../graphql/context.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import graphql/',
  },
  {
    file: 'src/services/account-id.ts',
    code: "export const seeded = () => import('../graphql/schema.js')\n",
    rule: 'no-restricted-syntax',
    says: 'may not import graphql/ (dynamic import)',
  },
  // The sandbox: stet-api, pki and clock.ts only (config/ is a folder as well as config.ts).
  {
    file: 'src/sandbox/paris-calendar.ts',
    code: "export { loadAuthConfig as seeded } from '../config/auth-config.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import config/',
  },
  {
    file: 'src/sandbox/personas.ts',
    code: "export { TokenSource as seeded } from '../stet/token-source.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import stet/',
  },
  // A leaf imports nothing above it.
  {
    file: 'src/clock.ts',
    code: "export type { Caller as Seeded } from './auth/caller.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import auth/',
  },
  {
    file: 'src/byte-bounded-map.ts',
    code: "export type { CheckedStatement as Seeded } from './stet/checked-statements.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import stet/',
  },
  // audit/ sits beside the ledger: services/ and stores/ use it, never the other way.
  {
    file: 'src/audit/audit-days.ts',
    code: "export type { OperationBudget as Seeded } from '../services/bank-reader.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import services/',
  },
  {
    file: 'src/http/cors.ts',
    code: "export { AuditTrail as seeded } from '../audit/audit-trail.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import audit/',
  },
  // redis/ is for quota, cache and stores; it imports none of ours.
  {
    file: 'src/graphql/format-error.ts',
    code: "export { isCluster as seeded } from '../redis/redis-connection.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import redis/',
  },
  {
    file: 'src/redis/redis-connection.ts',
    code: "export type { QuotaLedger as Seeded } from '../quota/quota-ledger.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import quota/',
  },
  // A partner's example has only the generated documents, never src/.
  {
    file: 'examples/partner-sync.ts',
    code: "export { systemClock as seeded } from '../src/clock.js'\n",
    rule: 'no-restricted-imports',
    says: 'may not import src/',
  },
]

let clean: string
let seeded: string

async function copyOfSources(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-lint-'))
  for (const entry of ['src', 'examples', 'eslint.config.js', 'tsconfig.json', 'package.json']) {
    await cp(path.join(repo, entry), path.join(dir, entry), { recursive: true })
  }
  await symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  return dir
}

/** ESLint's JSON report for the seeded files, run in `dir`; exit code 1 (problems found) is an answer, not a failure. */
async function lint(dir: string, files: string[]): Promise<{ exitCode: number; results: LintResult[] }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['node_modules/eslint/bin/eslint.js', '--format', 'json', ...files],
      {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    return { exitCode: 0, results: JSON.parse(stdout) as LintResult[] }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string }
    if (failed.code !== 1 || failed.stdout === undefined) throw error
    return { exitCode: 1, results: JSON.parse(failed.stdout) as LintResult[] }
  }
}

beforeAll(async () => {
  clean = await copyOfSources()
  seeded = await copyOfSources()
  for (const seed of SEEDS) {
    if (seed.file.includes('/seeded-')) await writeFile(path.join(seeded, seed.file), seed.code)
    else await appendFile(path.join(seeded, seed.file), `\n${seed.code}`)
  }
})
afterAll(async () => {
  for (const dir of [clean, seeded]) if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

// ESLint with the TypeScript resolver takes seconds per run, more on a loaded machine.
jest.setTimeout(180_000)

describe('npm run lint: cycles and layers', () => {
  const existing = [...new Set(SEEDS.map((s) => s.file).filter((f) => !f.includes('/seeded-')))]

  it('the files as they are lint clean', async () => {
    const { exitCode, results } = await lint(clean, existing)
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.ruleId}`))).toEqual([])
    expect(exitCode).toBe(0)
  })

  it('each seeded cycle and forbidden import fails the lint, reported by its rule', async () => {
    const { exitCode, results } = await lint(
      seeded,
      SEEDS.map((s) => s.file),
    )
    expect(exitCode).toBe(1)
    const found = (file: string): LintMessage[] =>
      results.find((r) => r.filePath === path.join(seeded, file))?.messages ?? []
    for (const seed of SEEDS) {
      const hits = found(seed.file).filter((m) => m.ruleId === seed.rule && m.message.includes(seed.says))
      expect({ file: seed.file, rule: seed.rule, reported: hits.length > 0 }).toEqual({
        file: seed.file,
        rule: seed.rule,
        reported: true,
      })
    }
  })
})
