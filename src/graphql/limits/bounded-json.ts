/**
 * JSON serialisation under a byte budget (DESIGN inv. 12): the response is written piece by piece and given up the
 * moment it passes LIMIT_RESPONSE_BYTES, so a response too large never exists whole in memory. The top levels of
 * the tree are walked here; each subtree below SHALLOW_DEPTH (one transaction edge, one balance) goes through the
 * native JSON.stringify, which keeps the cost near that of a single native call. What can be over budget before
 * the check is one such subtree (a few KB; a transaction's `details` is capped at 16 KB).
 */
const SHALLOW_DEPTH = 5

/** Below the budget: the JSON text, exactly as JSON.stringify writes it. Over it: undefined. */
export function stringifyWithinBudget(value: unknown, maxBytes: number): string | undefined {
  const parts: string[] = []
  // Counted in UTF-16 units while writing (never more than the UTF-8 bytes); the exact byte count is checked once.
  let units = 0
  const over = (): boolean => units > maxBytes

  const write = (v: unknown, depth: number): boolean => {
    if (
      depth >= SHALLOW_DEPTH ||
      v === null ||
      typeof v !== 'object' ||
      typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ) {
      const text = JSON.stringify(v) ?? 'null'
      units += text.length
      parts.push(text)
      return !over()
    }
    if (Array.isArray(v)) {
      parts.push('[')
      units += 1
      for (let i = 0; i < v.length; i++) {
        if (i > 0) parts.push(',')
        const item: unknown = v[i]
        if (!write(item === undefined || typeof item === 'function' ? null : item, depth + 1)) return false
      }
      parts.push(']')
      units += v.length + 1
      return !over()
    }
    parts.push('{')
    units += 1
    let first = true
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      const name = JSON.stringify(key)
      parts.push(first ? `${name}:` : `,${name}:`)
      units += name.length + 2
      first = false
      if (!write(item, depth + 1)) return false
    }
    parts.push('}')
    units += 1
    return !over()
  }

  if (!write(value, 0)) return undefined
  const text = parts.join('')
  return Buffer.byteLength(text, 'utf8') > maxBytes ? undefined : text
}
