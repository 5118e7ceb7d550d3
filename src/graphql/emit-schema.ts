/** `npm run schema`: writes schema.graphql from the type-graphql classes (committed; a test fails when stale). */
import path from 'node:path'
import { buildGatewaySchema } from './schema.js'

const target = path.resolve(process.argv[2] ?? 'schema.graphql')
await buildGatewaySchema({ emitSchemaFile: target })
console.log(`schema written to ${target}`)
