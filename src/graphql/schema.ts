import 'reflect-metadata'
import { DirectiveLocation, GraphQLDirective, specifiedDirectives, type GraphQLSchema } from 'graphql'
import { buildSchema } from 'type-graphql'
import { AccountResolver } from './account/account.resolver.js'
import { ConnectionResolver } from './connection/connection.resolver.js'
import { IdentityResolver } from './identity/identity.resolver.js'
import { TransactionsSyncResolver } from './sync/transactions-sync.resolver.js'
import { TransactionResolver } from './transaction/transaction.resolver.js'
import { WebhookResolver } from './webhook/webhook.resolver.js'

/** `query Q @cacheOnly { … }`: every bank-backed field is served from the cache; nothing is spent. */
export const cacheOnlyDirective = new GraphQLDirective({
  name: 'cacheOnly',
  description: 'Serve every bank-backed field from the gateway cache only: no bank call, no quota spent.',
  locations: [DirectiveLocation.QUERY],
})

/** `query Q @dryRun { … }`: what the operation would spend, per quota key, in `extensions.dryRun`; nothing is called. */
export const dryRunDirective = new GraphQLDirective({
  name: 'dryRun',
  description:
    'Call no bank and spend nothing: extensions.dryRun lists, per quota key, the unattended calls this operation would make (wouldSpend, remaining) and their total. Fields resolve from the cache where it holds a value; a field with nothing cached fails with code DRY_RUN.',
  locations: [DirectiveLocation.QUERY],
})

export async function buildGatewaySchema(options: { emitSchemaFile?: string } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AccountResolver,
      TransactionResolver,
      IdentityResolver,
      ConnectionResolver,
      TransactionsSyncResolver,
      WebhookResolver,
    ],
    // type-graphql replaces the directive list it is given: the standard ones (@skip, @include, @deprecated,
    // @specifiedBy) must be named too, or clients that use them (Apollo Client, Relay, urql) break.
    directives: [...specifiedDirectives, cacheOnlyDirective, dryRunDirective],
    validate: false,
    ...(options.emitSchemaFile === undefined
      ? {}
      : { emitSchemaFile: { path: options.emitSchemaFile, sortedSchema: true } }),
  })
}
