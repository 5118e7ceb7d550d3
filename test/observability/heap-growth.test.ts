/**
 * `HEAP_GROWING_PERCENT` (observability/heap-growth.ts) as main.ts applies it: in a process that keeps ~46 MB live and
 * churns objects that live long enough to reach the old generation (as a burst of operations does), the heap's peak
 * stays nearer the live size than with V8's own growth factor. The child imports the built module (pretest builds).
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'

const run = promisify(execFile)
const built = pathToFileURL(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/observability/heap-growth.js'),
).href

const CHILD = `
const { boundHeapGrowth } = await import(process.env.HEAP_GROWTH_MODULE)
boundHeapGrowth(Number(process.env.PERCENT))
const live = Array.from({ length: 100 }, (_, i) => Array.from({ length: 10_000 }, (_, j) => ({ i, j })))
const ring = new Array(600)
let peak = 0
for (let round = 0; round < 20_000; round++) {
  // Survives a few scavenges (promoted), then dies: what the old generation fills with between major collections.
  ring[round % ring.length] = Array.from({ length: 1_000 }, (_, j) => ({ round, j }))
  if (round % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal)
}
process.stdout.write(JSON.stringify({ peakMb: peak / 2 ** 20, live: live.length }))
`

async function peakHeapMb(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, PERCENT: String(percent), HEAP_GROWTH_MODULE: built },
  })
  return (JSON.parse(stdout) as { peakMb: number }).peakMb
}

describe('boundHeapGrowth', () => {
  it('keeps the heap nearer its live size than V8 does on its own', async () => {
    const own = await peakHeapMb(0)
    const bounded = await peakHeapMb(30)
    // Live: 46 MB kept for the whole run, and 27 MB more in the ring at any time (measured with --expose-gc).
    expect(bounded).toBeGreaterThan(46)
    expect(bounded).toBeLessThan(own * 0.85)
  }, 60_000)
})

describe('GATEWAY_NODE_FLAGS', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

  it('are what npm start and the Dockerfile start the gateway with', async () => {
    const { GATEWAY_NODE_FLAGS } = await import('../../src/observability/heap-growth.js')
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
    expect(pkg.scripts.start).toBe(['node', ...GATEWAY_NODE_FLAGS, 'dist/main.js'].join(' '))
    const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8')
    const argv = ['node', ...GATEWAY_NODE_FLAGS, 'dist/main.js'].map((part) => JSON.stringify(part))
    expect(dockerfile).toContain(`CMD [${argv.join(', ')}]`)
  })

  it('are flags this Node accepts (an upgrade that drops one fails here, not at start)', async () => {
    const { GATEWAY_NODE_FLAGS } = await import('../../src/observability/heap-growth.js')
    const { stdout } = await run(process.execPath, [...GATEWAY_NODE_FLAGS, '-p', 'process.execArgv.join(" ")'])
    // An unknown flag: node exits 9 and `run` rejects. A known one is in execArgv, ahead of `-p` and its script.
    expect(stdout.trim().split(' ').slice(0, GATEWAY_NODE_FLAGS.length)).toEqual([...GATEWAY_NODE_FLAGS])
  })
})
