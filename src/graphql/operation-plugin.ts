import type { ApolloServerPlugin } from '@apollo/server'
import type { GatewayContext } from './context.js'

/**
 * Per operation: reads the `@cacheOnly` directive before any resolver runs, and reports in the response's
 * `extensions` how many unattended bank calls the operation spent.
 */
export const operationPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.directives?.some((d) => d.name.value === 'cacheOnly')) contextValue.budget.cacheOnly = true
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            unattendedBankCalls: contextValue.budget.spent,
          }
        }
      },
    }
  },
}
