import type { Caller } from '../auth/caller.js'
import type { OperationBudget } from '../services/bank-reader.js'
import type { GatewayServices } from '../services/gateway-services.js'
import type { Loaders } from './loaders.js'
import { createLoaders } from './loaders.js'

/** What resolvers and loaders reach through the context (built in services/gateway-services.ts). */
export type Services = GatewayServices

/** One per GraphQL operation (DESIGN step 2): the verified caller, fresh loaders, and the operation's budget. */
export interface GatewayContext {
  readonly caller: Caller
  readonly services: Services
  readonly loaders: Loaders
  readonly budget: OperationBudget
}

export function createContext(caller: Caller, services: Services): GatewayContext {
  const budget: OperationBudget = { cacheOnly: false, spent: 0 }
  return { caller, services, budget, loaders: createLoaders(caller, services, budget) }
}
