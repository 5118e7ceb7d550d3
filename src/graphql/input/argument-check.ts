/**
 * Arguments checked before the operation runs (issue 14, "bad input ... and no bank call"): bank codes, transaction
 * dates and page sizes, and whether a cursor names anything we served. Checked in resolvers only, a bad argument of
 * `transactions` came after its parent `accounts` had been read, which for a present PSU is a bank call; here it
 * refuses the whole operation (HTTP 400, BAD_USER_INPUT) before any resolver, as a variable of the wrong type does.
 * The checks themselves are the services' (`bankFor`, `validatePageArgs`, `isKnownCursor`); resolvers still apply
 * the per-account ones.
 */
import type { ApolloServerPlugin } from '@apollo/server'
import {
  getArgumentValues,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql'
import { GatewayError } from '../../errors.js'
import { BadInputError } from '../../services/read-errors.js'
import { validatePageArgs } from '../../services/transaction-window.js'
import type { GatewayContext } from '../context.js'
import { asRequestError } from '../limits/limit-errors.js'
import { toPageArgs } from '../transaction/transaction-page-args.js'

const BANK_ARGUMENT_FIELDS = new Set(['Query.accounts', 'Query.identity', 'Query.quota'])

interface FoundArguments {
  readonly coordinate: string
  readonly args: Readonly<Record<string, unknown>>
}

/**
 * The fields found per document (Apollo hands the same parsed document to every request with the same text) and per
 * variables: the walk with type information visited the whole document on every request, 7 % of a warm aliases
 * read's CPU (bench/RESULTS.md, issue 16). Only the walk is remembered; the checks below run on every request (they
 * depend on the time, the caller and the cache). Bounded per document.
 */
const foundByDocument = new WeakMap<DocumentNode, Map<string, readonly FoundArguments[]>>()
const MAX_VARIABLES_PER_DOCUMENT = 256

function fieldsWithArguments(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Record<string, unknown> | undefined,
): readonly FoundArguments[] {
  const key = JSON.stringify(variables ?? {})
  let known = foundByDocument.get(document)
  const remembered = known?.get(key)
  if (remembered !== undefined) return remembered
  const typeInfo = new TypeInfo(schema)
  const found: FoundArguments[] = []
  // graphql-js's visitor is iterative; the document already passed the operation limits.
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const parent = typeInfo.getParentType()
        const field = typeInfo.getFieldDef()
        if (parent == null || field == null) return
        const coordinate = `${parent.name}.${field.name}`
        if (coordinate !== 'Account.transactions' && !BANK_ARGUMENT_FIELDS.has(coordinate)) return
        try {
          found.push({ coordinate, args: getArgumentValues(field, node, variables ?? {}) })
        } catch {
          // A variable that does not coerce: execution answers it (BAD_USER_INPUT) before any resolver.
        }
      },
    }),
  )
  if (known === undefined) {
    known = new Map()
    foundByDocument.set(document, known)
  }
  if (known.size >= MAX_VARIABLES_PER_DOCUMENT) known.clear()
  known.set(key, found)
  return found
}

export const argumentCheckPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, schema, request, contextValue }) {
        const found = fieldsWithArguments(document, schema, request.variables)
        const { caller, services } = contextValue
        try {
          for (const { coordinate, args } of found) {
            if (coordinate !== 'Account.transactions') {
              bankCodeOf(args, contextValue)
              continue
            }
            const page = toPageArgs(args)
            validatePageArgs(page, services.reader.now())
            if (page.after != null) {
              const known = await Promise.all(
                caller.banks.map((bank) => services.data.isKnownCursor(caller, bank, page.after ?? '')),
              )
              if (!known.includes(true)) throw new BadInputError('after does not point at a transaction we served')
            }
          }
        } catch (error) {
          if (error instanceof GatewayError && error.code === 'BAD_USER_INPUT') throw asRequestError(error)
          throw error
        }
      },
    }
  },
}

/** Only the caller's mistakes are refused here; a bank the caller may not read stays a NOT_FOUND of that field. */
function bankCodeOf(args: Record<string, unknown>, context: GatewayContext): void {
  const bank = args.bank
  if (typeof bank !== 'string') return
  try {
    context.services.accounts.bankFor(context.caller, bank)
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'BAD_USER_INPUT') throw error
  }
}
