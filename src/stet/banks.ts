/**
 * The 18 banks (établissements) reachable through the Caisse d'Epargne / BPCE STET 1.6.2 AIS API, and where each one lives
 * (bank-notes.md "Endpoints and hosts"; bank page "Sandbox", "Limits", "Trigger App2App feature"). A PSU with accounts at
 * several banks needs one token per bank, so the bank code travels with every connection.
 */
import { UnknownBankError } from './stet-errors.js'

export interface BankInfo {
  /** The five-digit bank code (code établissement) that appears in every host name. */
  readonly code: string
  readonly shortName: string
  /** Only CE Ile de France (17515) exists in the bank's sandbox (bank page "Sandbox"). */
  readonly hasSandbox: boolean
  /** The App2App universal-link host (plain http, as the bank publishes it), or none for brands without one. */
  readonly app2AppHost: string
}

function caisseEpargne(code: string, shortName: string): BankInfo {
  return { code, shortName, hasSandbox: code === '17515', app2AppHost: `http://www.${code}.live.api.caisse-epargne.fr` }
}

export const BANKS: readonly BankInfo[] = Object.freeze([
  caisseEpargne('11315', 'CEPAC'),
  caisseEpargne('11425', 'CEN'),
  caisseEpargne('12135', 'CEBFC'),
  caisseEpargne('14445', 'CEBPL'),
  caisseEpargne('13135', 'CEMP'),
  caisseEpargne('13335', 'CEAPC'),
  caisseEpargne('13485', 'CELR'),
  caisseEpargne('13825', 'CERA'),
  caisseEpargne('14265', 'CELDA'),
  caisseEpargne('14505', 'CELC'),
  caisseEpargne('17515', 'CEIDF'),
  caisseEpargne('18315', 'CECAZ'),
  caisseEpargne('18715', 'CEPAL'),
  caisseEpargne('15135', 'CEGEE'),
  caisseEpargne('16275', 'CEHDF'),
  // Not Caisses d'Epargne: their App2App hosts are their own brands' domains (bank page "Trigger App2App feature").
  { code: '12579', shortName: 'BBCP', hasSandbox: false, app2AppHost: 'http://www.12579.live.api.banquebcp.fr' },
  { code: '30258', shortName: 'BTPB', hasSandbox: false, app2AppHost: 'http://www.30258.live.api.btp-banque.fr' },
  {
    code: '42559',
    shortName: 'CCO',
    hasSandbox: false,
    app2AppHost: 'http://www.42559.live.api.credit-cooperatif.coop',
  },
])

const byCode = new Map(BANKS.map((bank) => [bank.code, bank]))

export type StetEnvironment = 'sandbox' | 'live'

export interface ResolveBankBaseUrlOptions {
  environment: StetEnvironment
  /** STET_BASE_URL: wins for every known bank (the local sandbox bank, a recording proxy). */
  baseUrlOverride?: string
}

/** The bank's registry entry; an unknown code is the caller's mistake: {@link UnknownBankError} (`BAD_USER_INPUT`). */
export function findBank(bank: string): BankInfo {
  const info = byCode.get(bank)
  if (info === undefined) throw new UnknownBankError(bank, 'unknown')
  return info
}

/**
 * The origin (no trailing slash) the STET paths of `wire.ts` are appended to. The override wins for every known bank;
 * an unknown code throws even with an override, so that a typo never reaches a token key or the quota ledger.
 * Live hosts are the `oba-bad-me-live` ones: the old `.live.api.89C3.com` hosts ended on 2025-09-28 (bank page "Limits").
 */
export function resolveBankBaseUrl(bank: string, options: ResolveBankBaseUrlOptions): string {
  const info = findBank(bank)
  if (options.baseUrlOverride !== undefined && options.baseUrlOverride !== '') {
    return options.baseUrlOverride.replace(/\/+$/, '')
  }
  if (options.environment === 'live') return `https://www.${info.code}.oba-bad-me-live.api.89c3.com`
  if (!info.hasSandbox) throw new UnknownBankError(bank, 'no-sandbox')
  return `https://www.${info.code}.sandbox.api.89C3.com`
}

/** The App2App authorize origin (bank page "Trigger App2App feature"); the web fallback is {@link resolveBankBaseUrl}. */
export function resolveApp2AppAuthorizeBaseUrl(bank: string): string {
  return findBank(bank).app2AppHost
}
