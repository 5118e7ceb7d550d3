import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { GATEWAY_NODE_FLAGS } from '../../src/observability/heap-growth.js'

const root = new URL('../../', import.meta.url).pathname

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface GatewayProcess {
  readonly url: string
  readonly child: ChildProcess
  stop(): Promise<void>
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  crash(): Promise<void>
}

/** `node --no-memory-reducer dist/main.js` (what `npm start` runs) with the given environment; resolves once it prints its URL. */
export async function spawnGateway(
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, 'dist/main.js'], {
    cwd: options.cwd ?? root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', REFRESH_SCHEDULE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 60_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(out)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited with ${String(code)}: ${out}`))
    })
  })
  return {
    url,
    child,
    stop: () => signal('SIGTERM'),
    crash: () => signal('SIGKILL'),
  }
  async function signal(name: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(name)
    await exited
  }
}

/**
 * A private redis-server (nothing on disk) that a test may stop mid-run without touching the shared one; `extraArgs`
 * e.g. `['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru']`.
 */
export async function startPrivateRedis(
  extraArgs: readonly string[] = [],
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    {
      stdio: 'ignore',
    },
  )
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket().connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) break
    await sleep(50)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
  }
}
