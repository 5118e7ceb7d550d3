/**
 * GraphiQL's built files (graphiql 3 and React 18 UMD builds), copied into `dist/graphiql/` by `npm run build`
 * (scripts/finish-build.mjs). The production install then needs neither `graphiql` nor `react`: they stay
 * devDependencies, and their ~40 transitive packages stay out of the image, while GraphiQL still works offline.
 */
import { createRequire } from 'node:module'
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const GRAPHIQL_ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
}

/** `dist/graphiql/` beside the compiled `dist/http/`. */
const BUILT_DIR = fileURLToPath(new URL('../graphiql/', import.meta.url))

export class GraphiqlAssetsMissingError extends Error {
  constructor(cause: unknown) {
    super('GraphiQL assets are missing from this build: run `npm run build` (it copies them into dist/graphiql/)', {
      cause,
    })
    this.name = 'GraphiqlAssetsMissingError'
  }
}

/** The copy made at build time; else (tests run from `src/`) the installed packages; else a clear error. */
export async function loadGraphiqlAssets(): Promise<Map<string, { body: Buffer; type: string }>> {
  try {
    return await readAssets((name) => path.join(BUILT_DIR, name))
  } catch {
    try {
      return await readAssets((name) => packageFile(name))
    } catch (error) {
      throw new GraphiqlAssetsMissingError(error)
    }
  }
}

/** Called by `npm run build`: copies the four files from the installed packages into `destination`. */
export async function copyGraphiqlAssets(destination: string = BUILT_DIR): Promise<void> {
  await mkdir(destination, { recursive: true })
  for (const name of Object.keys(GRAPHIQL_ASSETS)) await copyFile(packageFile(name), path.join(destination, name))
}

async function readAssets(locate: (name: string) => string): Promise<Map<string, { body: Buffer; type: string }>> {
  const assets = new Map<string, { body: Buffer; type: string }>()
  for (const [name, { type }] of Object.entries(GRAPHIQL_ASSETS))
    assets.set(name, { body: await readFile(locate(name)), type })
  return assets
}

function packageFile(name: string): string {
  const asset = GRAPHIQL_ASSETS[name]
  if (asset === undefined) throw new TypeError(`unknown GraphiQL asset ${name}`)
  // Through package.json: the UMD builds are not in the packages' `exports` maps.
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file)
}
