import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'

/** A request as node:http hands it over: a socket with its peer address, and headers. */
export function fakeRequest(
  remoteAddress: string,
  headers: Record<string, string>,
  remotePort = 51234,
): IncomingMessage {
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress })
  Object.defineProperty(socket, 'remotePort', { value: remotePort })
  const req = new IncomingMessage(socket)
  req.headers = headers
  req.method = 'POST'
  return req
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
