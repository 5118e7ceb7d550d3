/**
 * What the kernel says about a server under test (PERF-BASELINE "How to measure"): CPU time of all its threads
 * (utime + stime in /proc/PID/stat, in clock ticks) and its peak resident set (VmHWM), which `clear_refs` resets so
 * that each measured cell has its own peak.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
export const CLOCK_TICKS_PER_SECOND = 100

export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 and 15 of proc(5), counted from 1 with pid and comm: here indices 11 and 12.
  return Number(fields[11]) + Number(fields[12])
}

function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return match?.[1] === undefined ? Number.NaN : Number(match[1])
}

/** Peak RSS since start or since the last {@link resetPeakRss}, in MB. */
export function peakRssMb(pid: number): number {
  return statusKb(pid, 'VmHWM') / 1024
}

/** `echo 5 > /proc/PID/clear_refs` resets VmHWM to the current RSS (proc(5)); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export interface ThreadCpu {
  readonly name: string
  readonly userTicks: number
  readonly systemTicks: number
}

/** CPU per thread (`/proc/PID/task/TID/stat`), summed by thread name: where the time goes beyond the main thread. */
export function threadTicks(pid: number): ThreadCpu[] {
  const byName = new Map<string, { userTicks: number; systemTicks: number }>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended meanwhile
    }
    // The main thread (tid = pid) apart: libuv's and lmdb's worker threads are also called "node".
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const name = tid === String(pid) ? `${comm} (main)` : comm
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const sum = byName.get(name) ?? { userTicks: 0, systemTicks: 0 }
    sum.userTicks += Number(fields[11])
    sum.systemTicks += Number(fields[12])
    byName.set(name, sum)
  }
  return [...byName.entries()].map(([name, t]) => ({ name, ...t }))
}

/** Resident memory split as the kernel counts it: anonymous (heaps), file-backed (code, memory maps), shared. */
export function rssSplitMb(pid: number): { anon: number; file: number; shmem: number } {
  return {
    anon: statusKb(pid, 'RssAnon') / 1024,
    file: statusKb(pid, 'RssFile') / 1024,
    shmem: statusKb(pid, 'RssShmem') / 1024,
  }
}
