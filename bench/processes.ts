/**
 * The bench's child processes: each pinned to a core with taskset when there is one to spare, its stdout read line by
 * line (servers print JSON lines: `ready`, `eld`), and every one of them killed when the bench ends, however it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { LoopDelay } from './loop-monitor.js'

export interface Child {
  readonly name: string
  readonly pid: number
  readonly process: ChildProcess
  /** Resolves with the first stdout line that `match` accepts. */
  nextLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>
  stop(): Promise<void>
}

const children = new Set<Child>()
export const CAN_PIN = existsSync('/usr/bin/taskset') && availableParallelism() >= 2

export function spawnChild(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  core: number | undefined,
  /** Node by default; the Redis of V2w-redis is `redis-server`. */
  executable: string = process.execPath,
): Child {
  const command = CAN_PIN && core !== undefined ? 'taskset' : executable
  const argv = CAN_PIN && core !== undefined ? ['-c', String(core), executable, ...args] : [...args]
  // taskset execs the program: the pid is the server's own.
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${name} did not start`)
  const waiters = new Set<(line: string) => boolean>()
  /** Lines no waiter took yet (a server may be ready before anyone waits for it). */
  const unread: string[] = []
  const tail: string[] = []
  // BENCH_CHILD_STDOUT=folder: every child's stdout also kept in <folder>/<name>.log (`--trace-gc`'s lines, say).
  const copyTo = process.env.BENCH_CHILD_STDOUT
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (copyTo !== undefined) appendFileSync(path.join(copyTo, `${name}.log`), `${line}\n`)
    for (const waiter of [...waiters]) if (waiter(line)) return
    unread.push(line)
    if (unread.length > 100) unread.shift()
  })
  createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line)
    if (tail.length > 20) tail.shift()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const handle: Child = {
    name,
    pid,
    process: child,
    nextLine: <T>(match: (line: string) => T | undefined, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        for (const [index, line] of unread.entries()) {
          const value = match(line)
          if (value === undefined) continue
          unread.splice(index, 1)
          return resolve(value)
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          child.off('exit', onExit)
          reject(new Error(`${name}: no expected output within ${timeoutMs} ms; stderr: ${tail.join('\n')}`))
        }, timeoutMs)
        const onExit = () => {
          clearTimeout(timer)
          reject(new Error(`${name} exited (${child.exitCode}); stderr: ${tail.join('\n')}`))
        }
        const waiter = (line: string): boolean => {
          const value = match(line)
          if (value === undefined) return false
          clearTimeout(timer)
          waiters.delete(waiter)
          child.off('exit', onExit)
          resolve(value)
          return true
        }
        waiters.add(waiter)
        child.once('exit', onExit)
      }),
    stop: async () => {
      children.delete(handle)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
  children.add(handle)
  return handle
}

function jsonField<T>(line: string, field: string): T | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>
    return parsed[field] as T | undefined
  } catch {
    return undefined
  }
}

export async function waitReady(child: Child, timeoutMs = 60_000): Promise<string> {
  return (await child.nextLine((line) => jsonField<{ url: string }>(line, 'ready'), timeoutMs)).url
}

/** SIGUSR2 → the event-loop delay since the previous signal (loop-monitor.ts). */
export async function loopDelay(child: Child): Promise<LoopDelay> {
  const next = child.nextLine((line) => jsonField<LoopDelay>(line, 'eld'), 5000)
  child.process.kill('SIGUSR2')
  return next
}

export function killAll(): void {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
  }
  children.clear()
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()))
}
