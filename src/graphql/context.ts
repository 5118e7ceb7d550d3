import type { Caller } from '../auth/caller.js'
import type { RequestIds } from '../stet-api/access.js'
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

/** `requestIds`: the X-Request-IDs of the operation's bank calls (absent: each call gets a UUID). */
export function createContext(caller: Caller, services: Services, requestIds?: RequestIds): GatewayContext {
  const budget: OperationBudget = { cacheOnly: false, spent: 0, ...(requestIds === undefined ? {} : { requestIds }) }
  return { caller, services, budget, loaders: createLoaders(caller, services, budget) }
}
