import type { TransactionPageArgs } from '../../services/transaction-window.js'
import { toCalendarDay } from '../common/bank-dates.mapping.js'

/** `transactions` arguments as the services take them: the Date scalar's values back to the calendar days they name. */
export function toPageArgs(args: {
  readonly from?: unknown
  readonly to?: unknown
  readonly first?: unknown
  readonly after?: unknown
}): TransactionPageArgs {
  return {
    from: args.from instanceof Date ? toCalendarDay(args.from) : undefined,
    to: args.to instanceof Date ? toCalendarDay(args.to) : undefined,
    first: typeof args.first === 'number' ? args.first : undefined,
    after: typeof args.after === 'string' ? args.after : undefined,
  }
}
