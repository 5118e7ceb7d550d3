/**
 * The structural bounds of a document (DESIGN inv. 12). graphql-js's own rules (NoFragmentCycles,
 * OverlappingFieldsCanBeMerged), its parser and the depth/alias counters recurse along fragment spreads and nested
 * selections: a chain of 5,000 fragments overflowed the stack and answered a logged 500. LIMIT_TOKENS (at most
 * 4,000) keeps every such recursion within the stack (tested: chains of 400, 1,300 nested selections); this rule
 * then refuses fragment chains and raw nesting far below that, walking the document iteratively on `Document`
 * enter. It also refuses oversized string literals (never echoed back) and operation types the schema does not
 * have (a mutation used to fail inside execution as an unlogged INTERNAL_SERVER_ERROR).
 *
 * Errors are reported, never thrown: Apollo turns an exception inside validation into a bare 500.
 */
import { GraphQLError, Kind, type ASTNode, type DocumentNode, type ValidationRule } from 'graphql'
import type { OperationLimits } from '../../config/config.js'
import { asRequestError, OperationLimitError } from './limit-errors.js'

type GuardLimits = Pick<OperationLimits, 'maxDepth' | 'maxFragmentNesting' | 'maxStringLength'>

export function createOperationGuardRule(limits: GuardLimits): ValidationRule {
  return (context) => ({
    Document: {
      enter(document) {
        const excess = findExcess(document, limits)
        if (excess !== undefined) context.reportError(asRequestError(excess))
      },
    },
    OperationDefinition(node) {
      const schema = context.getSchema()
      const root =
        node.operation === 'query'
          ? schema.getQueryType()
          : node.operation === 'mutation'
            ? schema.getMutationType()
            : schema.getSubscriptionType()
      if (root == null) {
        context.reportError(new GraphQLError(`this API has no ${node.operation} operations`, { nodes: node }))
      }
    },
  })
}

/** The first bound the document goes over, found without recursion. */
export function findExcess(document: DocumentNode, limits: GuardLimits): OperationLimitError | undefined {
  // Raw nesting of selection sets (fields and inline fragments alike) within one definition. The depth counted
  // through fragments is the depth rule's; this only keeps recursive rules within a safe stack.
  const maxNesting = limits.maxDepth * 2
  const spreadsOf = new Map<string, string[]>()
  const stack: { node: ASTNode; nesting: number; fragment: string | undefined }[] = [
    { node: document, nesting: 0, fragment: undefined },
  ]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, nesting } = item
    let fragment = item.fragment
    if (node.kind === Kind.STRING && node.value.length > limits.maxStringLength) {
      return new OperationLimitError(
        'stringLength',
        limits.maxStringLength,
        `a string of ${node.value.length} characters at line ${node.loc?.startToken.line ?? '?'}`,
      )
    }
    if (node.kind === Kind.FRAGMENT_DEFINITION) {
      fragment = node.name.value
      spreadsOf.set(fragment, spreadsOf.get(fragment) ?? [])
    }
    if (node.kind === Kind.FRAGMENT_SPREAD && fragment !== undefined) spreadsOf.get(fragment)?.push(node.name.value)
    const childNesting = node.kind === Kind.SELECTION_SET ? nesting + 1 : nesting
    if (childNesting > maxNesting) {
      return new OperationLimitError('depth', limits.maxDepth, `selection sets nested ${childNesting} deep`)
    }
    for (const child of childrenOf(node)) stack.push({ node: child, nesting: childNesting, fragment })
  }
  const nesting = longestSpreadChain(spreadsOf)
  if (nesting > limits.maxFragmentNesting) {
    return new OperationLimitError(
      'fragmentNesting',
      limits.maxFragmentNesting,
      `fragments spread inside fragments ${nesting} deep`,
    )
  }
  return undefined
}

/** AST children, `loc` excluded (its tokens form a linked list of the whole document). */
function childrenOf(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = []
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || value === null || typeof value !== 'object') continue
    if (Array.isArray(value)) {
      for (const v of value as unknown[]) if (isNode(v)) out.push(v)
    } else if (isNode(value)) {
      out.push(value)
    }
  }
  return out
}

function isNode(value: unknown): value is ASTNode {
  return value !== null && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string'
}

/**
 * The longest chain of fragments spreading each other, by an iterative depth-first walk with memory. A cycle is not
 * followed (NoFragmentCycles reports it, and with chains bounded it cannot recurse far).
 */
function longestSpreadChain(spreadsOf: ReadonlyMap<string, readonly string[]>): number {
  const chain = new Map<string, number>()
  const onPath = new Set<string>()
  let longest = 0
  for (const start of spreadsOf.keys()) {
    if (chain.has(start)) continue
    const path: { name: string; next: number }[] = [{ name: start, next: 0 }]
    onPath.add(start)
    while (path.length > 0) {
      const top = path[path.length - 1]
      if (top === undefined) break
      const spreads = spreadsOf.get(top.name) ?? []
      const child = spreads[top.next]
      if (child !== undefined) {
        top.next += 1
        if (!chain.has(child) && !onPath.has(child) && spreadsOf.has(child)) {
          onPath.add(child)
          path.push({ name: child, next: 0 })
        }
        continue
      }
      let own = 1
      for (const s of spreads) own = Math.max(own, 1 + (chain.get(s) ?? 0))
      chain.set(top.name, own)
      longest = Math.max(longest, own)
      onPath.delete(top.name)
      path.pop()
    }
  }
  return longest
}
