/**
 * The scripts behind the README's commands: `npm test`'s own set-up (scripts/test-setup.sh) stops with one line
 * saying what to install when it cannot install it, and `npm start` / `npm run token` build only when dist/ is older
 * than the sources (scripts/build-if-stale.mjs), keeping stdout clean. Each runs as npm runs it, in a folder of its
 * own where its surroundings are chosen: a PATH without redis-server, a user that is not root, a build that only
 * leaves its stamp.
 */
import { execFile } from 'node:child_process'
import { chmod, cp, mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

const run = promisify(execFile)
const repo = process.cwd()
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-scripts-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A folder of executables standing in for the machine's: `id` says which user runs the script. */
async function fakeBin(name: string, uid: number): Promise<string> {
  const bin = path.join(dir, name)
  await mkdir(bin)
  await writeFile(path.join(bin, 'id'), `#!/bin/sh\necho ${uid}\n`)
  await chmod(path.join(bin, 'id'), 0o755)
  return bin
}

async function setUp(PATH: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('/bin/sh', [path.join(repo, 'scripts/test-setup.sh')], { env: { PATH } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('scripts/test-setup.sh (npm test’s set-up)', () => {
  it('not root and redis missing: one line naming what to install, exit 1, nothing else done', async () => {
    const result = await setUp(await fakeBin('user', 1000))
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^test set-up: the tests need redis-server redis-tools.* \(Debian: sudo apt-get install /),
    ])
  })

  it('root without apt-get (not Debian-like): the same one line, no install tried', async () => {
    const result = await setUp(await fakeBin('root', 0))
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^test set-up: the tests need redis-server/),
    ])
  })

  it('everything there and Redis answering (this machine): silent, exit 0', async () => {
    const result = await setUp(process.env.PATH ?? '')
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' })
  })
})

describe('scripts/build-if-stale.mjs (before npm start, npm run token, npm run sandbox)', () => {
  let project: string
  const stamp = () => path.join(project, 'dist', '.build-stamp')
  const buildIfStale = () => run(process.execPath, [path.join(project, 'scripts/build-if-stale.mjs')], { cwd: project })

  beforeAll(async () => {
    // The script and a project whose build only leaves the stamp (and says so on stderr, as tsc's output goes).
    project = path.join(dir, 'project')
    await mkdir(path.join(project, 'src'), { recursive: true })
    await cp(path.join(repo, 'scripts/build-if-stale.mjs'), path.join(project, 'scripts/build-if-stale.mjs'))
    const build =
      "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/.build-stamp','')\""
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'p', private: true, scripts: { build: `${build} && echo built >&2` } }),
    )
    for (const file of ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/main.ts'])
      await writeFile(path.join(project, file), '{}')
  })

  it('builds when dist/ is missing, then not again; a changed source builds again; stdout stays empty', async () => {
    const first = await buildIfStale()
    expect(first.stdout).toBe('')
    expect(first.stderr).toMatch(/^stet-gateway: building \(dist\/ is older than the sources\)…\nbuilt\n$/)
    const built = (await stat(stamp())).mtimeMs

    const again = await buildIfStale()
    expect(again).toEqual({ stdout: '', stderr: '' })
    expect((await stat(stamp())).mtimeMs).toBe(built)

    // A source newer than the stamp (mtimes set, not waited for).
    const later = new Date(built + 10_000)
    await utimes(path.join(project, 'src/main.ts'), later, later)
    const rebuilt = await buildIfStale()
    expect(rebuilt.stdout).toBe('')
    expect(rebuilt.stderr).toMatch(/building/)
    expect((await stat(stamp())).mtimeMs).toBeGreaterThan(built)
  })
})
