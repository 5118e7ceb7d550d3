import 'reflect-metadata'
import { DirectiveLocation, GraphQLDirective, specifiedDirectives, type GraphQLSchema } from 'graphql'
import { buildSchema } from 'type-graphql'
import { AccountResolver } from './account/account.resolver.js'
import { ConnectionResolver } from './connection/connection.resolver.js'
import { IdentityResolver } from './identity/identity.resolver.js'
import { TransactionResolver } from './transaction/transaction.resolver.js'
import { WebhookResolver } from './webhook/webhook.resolver.js'

/** `query Q @cacheOnly { … }`: every bank-backed field is served from the cache; nothing is spent. */
export const cacheOnlyDirective = new GraphQLDirective({
  name: 'cacheOnly',
  description: 'Serve every bank-backed field from the gateway cache only: no bank call, no quota spent.',
  locations: [DirectiveLocation.QUERY],
})

export async function buildGatewaySchema(options: { emitSchemaFile?: string } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccountResolver, TransactionResolver, IdentityResolver, ConnectionResolver, WebhookResolver],
    // type-graphql replaces the directive list it is given: the standard ones (@skip, @include, @deprecated,
    // @specifiedBy) must be named too, or clients that use them (Apollo Client, Relay, urql) break.
    directives: [...specifiedDirectives, cacheOnlyDirective],
    validate: false,
    ...(options.emitSchemaFile === undefined
      ? {}
      : { emitSchemaFile: { path: options.emitSchemaFile, sortedSchema: true } }),
  })
}
