/**
 * A cost that knows this schema (DESIGN inv. 12), computed by graphql-query-complexity with the operation's own
 * variables: a field costs 1 plus what it selects, times how many of it the answer may hold. A transactions page
 * holds `first` edges (500 when absent), a list of accounts is costed at LIMIT_COST_ACCOUNTS accounts, and a
 * transaction's `details` is a bank call of up to 16 KB. Generic cost rules count a literal `first` only, so a
 * variable page size or the default of 500 went unseen; here every page costs what it can return.
 */
import { isListType, isNonNullType, type GraphQLOutputType } from 'graphql'
import type { ComplexityEstimator } from 'graphql-query-complexity'
import { MAX_PAGE_SIZE } from '../../services/transaction-window.js'
import { DEFAULT_SYNC_PAGE, MAX_SYNC_PAGE } from '../../services/transactions-sync-service.js'

export interface CostOptions {
  readonly accountsListSize: number
}

const DETAILS_COST = 20
const BALANCES_PER_ACCOUNT = 4

export function createCostEstimator(options: CostOptions): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`
    switch (coordinate) {
      case 'Query.accounts':
        return 1 + options.accountsListSize * childComplexity
      case 'Account.transactions':
        return 1 + pageSize(args.first) * childComplexity
      case 'Query.transactionsSync':
        // At most `first` changes in all, but costed as `first` of each list: a bound, not an estimate.
        return 1 + syncPageSize(args.first) * childComplexity
      case 'TransactionsSync.added':
      case 'TransactionsSync.modified':
      case 'TransactionsSync.removed':
        // Already counted `first` times by the query field.
        return 1 + childComplexity
      case 'TransactionConnection.edges':
        // Already counted `first` times by the page itself.
        return 1 + childComplexity
      case 'Account.balances':
        return 1 + BALANCES_PER_ACCOUNT * childComplexity
      case 'Transaction.details':
        return DETAILS_COST
      default:
        // Other lists (quotas, remittance lines) are short and fixed by the bank or by us: 4 at most.
        return 1 + (isList(field.type) ? 4 : 1) * childComplexity
    }
  }
}

function pageSize(first: unknown): number {
  return typeof first === 'number' && Number.isInteger(first) && first >= 1 && first <= MAX_PAGE_SIZE
    ? first
    : MAX_PAGE_SIZE
}

function syncPageSize(first: unknown): number {
  return typeof first === 'number' && Number.isInteger(first) && first >= 1 && first <= MAX_SYNC_PAGE
    ? first
    : DEFAULT_SYNC_PAGE
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type)
}
