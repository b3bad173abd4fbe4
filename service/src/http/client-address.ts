// The client address of a request, as express computes `req.ip` for the app's `trust proxy`
// setting, usable on plain node requests too (routes served without express).
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type ClientAddress = (req: IncomingMessage) => string | undefined;

/**
 * `trust`: express's compiled `trust proxy fn`. Without a trusted proxy the socket's address is
 * read directly rather than through proxy-addr (which parses X-Forwarded-For only to ignore it).
 */
export function clientAddress(trustProxy: unknown, trust: (address: string, hop: number) => boolean): ClientAddress {
  if (trustProxy === false) return (req) => req.socket.remoteAddress;
  return (req) => proxyaddr(req, trust);
}
