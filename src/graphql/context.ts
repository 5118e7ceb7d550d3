import type { Caller } from '../auth/caller.js'
import type { AccountDataService } from '../services/account-data-service.js'
import type { AccountsService } from '../services/accounts-service.js'
import type { BankReader, OperationBudget } from '../services/bank-reader.js'
import type { ConsentService } from '../services/consent-service.js'
import type { Loaders } from './loaders.js'
import { createLoaders } from './loaders.js'

export interface Services {
  readonly accounts: AccountsService
  readonly data: AccountDataService
  readonly reader: BankReader
  readonly consents: ConsentService
}

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
