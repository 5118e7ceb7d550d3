/**
 * What the kernel says about a server under test (PERF-BASELINE "How to measure"): CPU time of all its threads
 * (utime + stime in /proc/PID/stat, in clock ticks) and its peak resident set (VmHWM), which `clear_refs` resets so
 * that each measured cell has its own peak.
 */
import { readFileSync, writeFileSync } from 'node:fs'

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
