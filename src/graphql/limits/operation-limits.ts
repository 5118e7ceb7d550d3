/**
 * Every bound on one GraphQL operation, in the order they apply (DESIGN inv. 12; defaults and settings in
 * config.ts, `LIMIT_*`):
 * 1. parse: at most LIMIT_TOKENS tokens (graphql-js's own `maxTokens`, so the document is never parsed twice);
 * 2. validation, first: the iterative guard (fragment nesting, raw nesting, string literals, operation types);
 * 3. validation: depth through fragments, aliases and directives (graphql-armor's rules, fragment-memoised);
 * 4. before execution: string variables, then the schema's cost with the request's variables (graphql-query-complexity,
 *    whose walk is itself bounded by LIMIT_SELECTIONS);
 * 5. serialisation: LIMIT_RESPONSE_BYTES, written piece by piece.
 * A refusal is OPERATION_LIMIT_EXCEEDED (HTTP 400) with `extensions.limit` and `extensions.max`, before any resolver.
 */
import type { ApolloServerPlugin } from '@apollo/server'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import {
  GraphQLError,
  type DocumentNode,
  type FormattedExecutionResult,
  type ValidationContext,
  type ValidationRule,
} from 'graphql'
import { getComplexity } from 'graphql-query-complexity'
import type { OperationLimits } from '../../config/config.js'
import type { GatewayContext } from '../context.js'
import { stringifyWithinBudget } from './bounded-json.js'
import { asRequestError, OperationLimitError, ResponseTooLargeError, type OperationLimitName } from './limit-errors.js'
import { createCostEstimator } from './operation-cost.js'
import { createOperationGuardRule } from './operation-guard.js'

export interface OperationLimitsSetup {
  readonly parseOptions: { readonly maxTokens: number }
  readonly validationRules: ValidationRule[]
  readonly plugin: ApolloServerPlugin<GatewayContext>
  readonly stringifyResult: (result: FormattedExecutionResult) => string
}

export function createOperationLimits(limits: OperationLimits): OperationLimitsSetup {
  const armor = { propagateOnRejection: false, exposeLimits: true }
  const reject =
    (limit: OperationLimitName, max: number) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+)/.exec(error.message)?.[1]
      context?.reportError(asRequestError(new OperationLimitError(limit, max, `found ${found ?? 'more'}`)))
    }
  const estimator = createCostEstimator({ accountsListSize: limits.accountsListSize })
  /**
   * The cost walk's outcome per document (Apollo hands the same parsed document to every request with the same text)
   * and per operation name + variables: the walk visits the whole document again, and it was 6.9 % of a cold
   * one-account read's CPU, more of a warm one (bench/RESULTS.md, issue 16). The schema and estimator are fixed.
   */
  const costs = new WeakMap<DocumentNode, Map<string, CostOutcome>>()
  const costOf = (
    document: DocumentNode,
    schema: Parameters<typeof getComplexity>[0]['schema'],
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
  ): CostOutcome => {
    const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`
    let known = costs.get(document)
    const found = known?.get(key)
    if (found !== undefined) return found
    let outcome: CostOutcome
    try {
      outcome = {
        kind: 'cost',
        cost: getComplexity({
          schema,
          query: document,
          variables: variables ?? {},
          ...(operationName == null ? {} : { operationName }),
          estimators: [estimator],
          maxQueryNodes: limits.maxSelections,
        }),
      }
    } catch (error) {
      if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
        outcome = { kind: 'too-many-selections' }
      } else {
        // Variables that do not coerce: execution answers that with its own BAD_USER_INPUT, before any resolver.
        outcome = { kind: 'not-coercible' }
      }
    }
    if (known === undefined) {
      known = new Map()
      costs.set(document, known)
    }
    // Bounded per document: variables that change on every request (ids, cursors) must not grow it without end.
    if (known.size >= MAX_COSTS_PER_DOCUMENT) known.clear()
    known.set(key, outcome)
    return outcome
  }

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const long = longestString(request.variables, limits.maxStringLength)
          if (long !== undefined) {
            throw asRequestError(
              new OperationLimitError('stringLength', limits.maxStringLength, `variable ${long} is longer`),
            )
          }
          const outcome = costOf(document, schema, request.operationName, request.variables)
          if (outcome.kind === 'too-many-selections') {
            throw asRequestError(
              new OperationLimitError(
                'selections',
                limits.maxSelections,
                'too many selections once fragments are expanded',
              ),
            )
          }
          if (outcome.kind === 'not-coercible') return
          const { cost } = outcome
          if (cost > limits.maxCost) {
            throw asRequestError(new OperationLimitError('cost', limits.maxCost, `this operation costs ${cost}`))
          }
        },
      }
    },
  }

  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      createOperationGuardRule(limits),
      // Depth of fields only: fragment composition (a fragment per component) is LIMIT_FRAGMENT_NESTING's business.
      maxDepthRule({
        ...armor,
        n: limits.maxDepth,
        flattenFragments: true,
        onReject: [reject('depth', limits.maxDepth)],
      }),
      maxAliasesRule({ ...armor, n: limits.maxAliases, onReject: [reject('aliases', limits.maxAliases)] }),
      maxDirectivesRule({
        ...armor,
        n: limits.maxDirectives,
        onReject: [reject('directives', limits.maxDirectives)],
      }),
    ],
    plugin,
    stringifyResult: (result) => {
      const text = stringifyWithinBudget(result, limits.maxResponseBytes)
      if (text !== undefined) return text
      const error = new ResponseTooLargeError(limits.maxResponseBytes)
      return JSON.stringify({
        errors: [{ message: error.message, extensions: { code: error.code, maxBytes: limits.maxResponseBytes } }],
        data: null,
        // Small, and the caller needs it: the unattended calls this operation spent are spent all the same.
        ...(result.extensions === undefined ? {} : { extensions: result.extensions }),
      })
    },
  }
}

type CostOutcome =
  | { readonly kind: 'cost'; readonly cost: number }
  | { readonly kind: 'too-many-selections' }
  | { readonly kind: 'not-coercible' }

const MAX_COSTS_PER_DOCUMENT = 256

/** The path of the first string variable longer than `max` (walked without recursion), or undefined. */
function longestString(variables: Record<string, unknown> | undefined, max: number): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: variables, path: '$' }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path } = item
    if (typeof value === 'string' && value.length > max) return path
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value))
        stack.push({ value: child, path: path === '$' ? `$${key}` : `${path}.${key}` })
    }
  }
  return undefined
}
