/**
 * The readers every settings loader uses (config.ts, sync-config.ts): an empty value counts as unset, and a bad one
 * is named in `problems` (all reported at once at start) while its default stands in.
 */
export type Env = Readonly<Record<string, string | undefined>>

export interface EnvReaders {
  opt(name: string): string | undefined
  int(name: string, fallback: number, min: number, max?: number): number
  bool(name: string, fallback: boolean): boolean
}

export function envReaders(env: Env, problems: string[]): EnvReaders {
  const opt = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v === '' ? undefined : v
  }
  return {
    opt,
    int(name, fallback, min, max = Number.MAX_SAFE_INTEGER) {
      const raw = opt(name)
      if (raw === undefined) return fallback
      const n = Number(raw)
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
        problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`)
        return fallback
      }
      return n
    },
    bool(name, fallback) {
      const raw = opt(name)
      if (raw === undefined) return fallback
      if (['true', '1', 'yes'].includes(raw)) return true
      if (['false', '0', 'no'].includes(raw)) return false
      problems.push(`${name} must be true or false (got "${raw}")`)
      return fallback
    },
  }
}
