import type { BankConnectionRecord } from '../../services/bank-connection.js'
import type { AuthorizationRequestRecord } from '../../services/start-bank-authorization.js'
import type { BankAuthorizationRequest } from './bank-connection.type.js'
import { BankConnection, ConnectionStatus } from './bank-connection.type.js'

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms))

export function toBankConnection(record: BankConnectionRecord): BankConnection {
  const connection = new BankConnection()
  Object.assign(connection, {
    bank: record.bank,
    status: ConnectionStatus[record.status],
    consent:
      record.consent === undefined
        ? undefined
        : {
            balances: [...record.consent.balances],
            transactions: [...record.consent.transactions],
            overdrafts: [...record.consent.overdrafts],
            psuIdentity: record.consent.psuIdentity,
            grantedAt: new Date(record.consent.grantedAt),
          },
    authorizedAt: date(record.authorizedAt),
    refreshTokenExpiresAt: date(record.refreshTokenExpiresAt),
    expiresSoon: record.expiresSoon,
    lastRefreshedAt: date(record.lastRefreshedAt),
  })
  return connection
}

export function toAuthorizationRequest(record: AuthorizationRequestRecord): BankAuthorizationRequest {
  return {
    authorizationUrl: record.authorizationUrl,
    ...(record.app2appUrl === undefined ? {} : { app2appUrl: record.app2appUrl }),
    state: record.state,
    expiresAt: new Date(record.expiresAt),
  }
}
