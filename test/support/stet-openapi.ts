/**
 * Where the STET OpenAPI document is: `STET_OPENAPI` if set, else the shared folder beside the repository
 * (`../shared/stet`), else the machines' shared folder (`/work/shared/stet`), so a clone made anywhere finds it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const FILE = 'stet-psd2-api-1.5.0.43.openapi.json'

export function stetOpenApiPath(): string {
  const candidates = [
    process.env.STET_OPENAPI,
    fileURLToPath(new URL(`../../../shared/stet/${FILE}`, import.meta.url)),
    `/work/shared/stet/${FILE}`,
  ].filter((p): p is string => p !== undefined && p !== '')
  const found = candidates.find((p) => existsSync(p))
  if (found === undefined)
    throw new Error(`STET OpenAPI not found; looked at ${candidates.join(', ')} (or set STET_OPENAPI)`)
  return found
}

/** The document, parsed; the caller states the shape it reads. */
export function loadStetOpenApi<T>(): T {
  return JSON.parse(readFileSync(stetOpenApiPath(), 'utf8')) as T
}
