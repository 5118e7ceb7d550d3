/**
 * Trusted documents for partners (`TRUSTED_DOCUMENTS`): a partner runs only the operations registered for it, by
 * hash. A manifest is for every partner, or for one partner: the OAuth client its token names (`AUTH_CLIENT_CLAIM`,
 * default `client_id`); a partner may run the shared documents and its own, never another partner's. A partner
 * token that names no client, or a client with no manifest of its own, gets the shared documents only.
 * The manifest is the one common tooling writes:
 * - Apollo's persisted query manifest, `{"format":"apollo-persisted-query-manifest","version":1,
 *   "operations":[{"id","body","name","type"}]}` (`@apollo/generate-persisted-query-manifest`);
 * - or a map `{"<sha256 hex>": "<document>"}` (GraphQL Codegen's client preset `persistedDocuments` with
 *   `hashAlgorithm: 'sha256'`), keys optionally prefixed `sha256:` (GraphQL over HTTP, persisted documents).
 * Every id must be the SHA-256 of its document (checked at start), so an id names one text and nothing else.
 *
 * A partner sends the id as Apollo's APQ extension (`extensions.persistedQuery.sha256Hash`) or as `documentId`
 * (POST body or GET parameter), or sends a registered document's full text. The registered text is what runs;
 * an unknown id is `PERSISTED_QUERY_NOT_FOUND`, an unregistered text `OPERATION_NOT_ALLOWED`, both before anything
 * of the sent document is parsed. Frontend sessions (a present PSU) are not restricted. Apollo's own APQ cache is
 * never consulted for a partner, so a document another caller registered there does not become a partner's.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server'
import { GraphQLError } from 'graphql'
import type { TrustedDocumentsEntry } from '../config/auth-config.js'
import type { Caller } from './caller.js'

export type TrustedDocuments = ReadonlyMap<string, string>

/** The documents each partner may run: the shared ones, plus its client's own. */
export interface PartnerDocuments {
  forClient(clientId: string | undefined): TrustedDocuments
}

export class TrustedDocumentsInvalidError extends Error {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`TRUSTED_DOCUMENTS: ${file}: ${reason}`, options)
    this.name = 'TrustedDocumentsInvalidError'
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export async function loadTrustedDocuments(file: string): Promise<TrustedDocuments> {
  let manifest: unknown
  try {
    manifest = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new TrustedDocumentsInvalidError(file, 'cannot be read as JSON', { cause: error })
  }
  const entries: [string, unknown][] = []
  if (isRecord(manifest) && manifest.format === 'apollo-persisted-query-manifest') {
    if (manifest.version !== 1 || !Array.isArray(manifest.operations)) {
      throw new TrustedDocumentsInvalidError(file, 'an Apollo manifest must have version 1 and an operations array')
    }
    for (const op of manifest.operations as unknown[]) {
      entries.push(isRecord(op) ? [String(op.id), op.body] : ['?', undefined])
    }
  } else if (isRecord(manifest)) {
    entries.push(...Object.entries(manifest))
  } else {
    throw new TrustedDocumentsInvalidError(file, 'must be an Apollo manifest or a {"<sha256>": "<document>"} map')
  }
  const documents = new Map<string, string>()
  for (const [rawId, body] of entries) {
    const id = rawId.replace(/^sha256:/, '').toLowerCase()
    if (typeof body !== 'string' || body.trim() === '') {
      throw new TrustedDocumentsInvalidError(file, `the entry "${rawId}" has no document`)
    }
    if (sha256Hex(body) !== id) {
      throw new TrustedDocumentsInvalidError(
        file,
        `the entry "${rawId}" is not the SHA-256 of its document (generate the manifest with sha256)`,
      )
    }
    documents.set(id, body)
  }
  if (documents.size === 0) throw new TrustedDocumentsInvalidError(file, 'registers no document')
  return documents
}

/** Reads every manifest of `TRUSTED_DOCUMENTS` once (a file named twice is read once) and merges them per client. */
export async function loadPartnerDocuments(entries: readonly TrustedDocumentsEntry[]): Promise<PartnerDocuments> {
  const files = new Map<string, TrustedDocuments>()
  for (const { file } of entries) if (!files.has(file)) files.set(file, await loadTrustedDocuments(file))
  const merge = (into: Map<string, string>, file: string): void => {
    for (const [id, body] of files.get(file) ?? []) into.set(id, body)
  }
  const shared = new Map<string, string>()
  for (const entry of entries) if (entry.client === undefined) merge(shared, entry.file)
  const byClient = new Map<string, Map<string, string>>()
  for (const { client, file } of entries) {
    if (client === undefined) continue
    const own = byClient.get(client) ?? new Map(shared)
    merge(own, file)
    byClient.set(client, own)
  }
  return { forClient: (clientId) => (clientId === undefined ? undefined : byClient.get(clientId)) ?? shared }
}

export type TrustedDocumentDecision =
  | { readonly kind: 'allowed'; readonly document: string }
  | {
      readonly kind: 'refused'
      readonly code: 'PERSISTED_QUERY_NOT_FOUND' | 'OPERATION_NOT_ALLOWED'
      readonly message: string
    }

/** What a partner's request may run, from the id it sends or the text of its document. */
export function decideTrustedDocument(documents: TrustedDocuments, request: GraphQLRequest): TrustedDocumentDecision {
  const id = documentIdOf(request)
  const sent = typeof request.query === 'string' && request.query !== '' ? request.query : undefined
  if (id !== undefined) {
    const document = documents.get(id)
    if (document === undefined) {
      return { kind: 'refused', code: 'PERSISTED_QUERY_NOT_FOUND', message: 'no trusted document has this id' }
    }
    if (sent !== undefined && sha256Hex(sent) !== id) {
      return {
        kind: 'refused',
        code: 'OPERATION_NOT_ALLOWED',
        message: 'the query sent is not the document of this id',
      }
    }
    return { kind: 'allowed', document }
  }
  if (sent !== undefined) {
    const document = documents.get(sha256Hex(sent))
    if (document !== undefined) return { kind: 'allowed', document }
  }
  return {
    kind: 'refused',
    code: 'OPERATION_NOT_ALLOWED',
    message: 'partners may run only their trusted documents: send a registered document id',
  }
}

/**
 * A refused request still travels Apollo's pipeline to `didResolveOperation`, the first hook whose thrown error
 * becomes the response (one thrown in `requestDidStart` is a logged 500); this one-field stand-in is what it parses
 * instead of the sent document.
 */
const REFUSED_STAND_IN = '{ __typename }'

export function trustedDocumentsPlugin<TContext extends { readonly caller: Caller }>(
  documents: PartnerDocuments,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const { caller } = contextValue
      if (caller.consumer !== 'partner') return
      const decision = decideTrustedDocument(documents.forClient(caller.clientId), request)
      if (request.extensions?.persistedQuery !== undefined) {
        const { persistedQuery: _apq, ...rest } = request.extensions
        request.extensions = rest
      }
      if (decision.kind === 'allowed') {
        request.query = decision.document
        return
      }
      request.query = REFUSED_STAND_IN
      request.operationName = undefined
      const error = new GraphQLError(decision.message, {
        extensions: { code: decision.code, http: { status: 400 } },
      })
      return {
        async didResolveOperation() {
          throw error
        },
      }
    },
  }
}

function documentIdOf(request: GraphQLRequest): string | undefined {
  const apq: unknown = request.extensions?.persistedQuery
  let raw: unknown = isRecord(apq) ? apq.sha256Hash : undefined
  if (raw === undefined && isRecord(request.http?.body)) raw = request.http.body.documentId
  if (raw === undefined && request.http !== undefined) {
    raw = new URLSearchParams(request.http.search).get('documentId') ?? undefined
  }
  return typeof raw === 'string' ? raw.replace(/^sha256:/, '').toLowerCase() : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
