import diagnosticsChannel from 'node:diagnostics_channel'
import type { ApolloServerPlugin } from '@apollo/server'
import { DryRunPlan } from '../services/dry-run.js'
import type { GatewayContext } from './context.js'

/** Published once per operation on `gateway:graphql:operation` (observability/metrics.ts subscribes; STYLE.md B7). */
export interface GraphqlOperationEvent {
  /** The client's operation name, or undefined for an anonymous operation (metrics bound the names they keep). */
  operationName: string | undefined
  durationMs: number
  /** The `extensions.code` of each error in the response (none: an operation without errors). */
  errorCodes: string[]
}

export const graphqlOperationChannel = diagnosticsChannel.channel('gateway:graphql:operation')

/**
 * Per operation: reads the `@cacheOnly` and `@dryRun` directives before any resolver runs, reports in the response's `extensions`
 * how many unattended bank calls the operation spent, and publishes its name, duration and error codes.
 */
export const operationPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    const startedAt = performance.now()
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.directives?.some((d) => d.name.value === 'cacheOnly')) contextValue.budget.cacheOnly = true
        if (operation?.directives?.some((d) => d.name.value === 'dryRun')) contextValue.budget.dryRun = new DryRunPlan()
      },
      async willSendResponse({ response, contextValue, operationName }) {
        if (response.body.kind !== 'single') return
        const result = response.body.singleResult
        const { dryRun } = contextValue.budget
        result.extensions = {
          ...result.extensions,
          unattendedBankCalls: contextValue.budget.spent,
          ...(dryRun === undefined ? {} : { dryRun: dryRun.report() }),
        }
        if (graphqlOperationChannel.hasSubscribers) {
          const event: GraphqlOperationEvent = {
            operationName: operationName ?? undefined,
            durationMs: performance.now() - startedAt,
            errorCodes: (result.errors ?? []).map((e) => {
              const code = e.extensions?.code
              return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'
            }),
          }
          graphqlOperationChannel.publish(event)
        }
      },
    }
  },
}
