// The end of `npm run build`: GraphiQL's built files go into dist/graphiql/, so that the production install
// (`npm ci --omit=dev`) serves GraphiQL without the graphiql and react packages (src/http/graphiql-assets.ts);
// then the stamp scripts/build-if-stale.mjs compares the sources with.
import { writeFile } from 'node:fs/promises'
import { copyGraphiqlAssets } from '../dist/http/graphiql-assets.js'

await copyGraphiqlAssets()
await writeFile(new URL('../dist/.build-stamp', import.meta.url), `${new Date().toISOString()}\n`)
