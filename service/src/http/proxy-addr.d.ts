// The part of proxy-addr's API the HTTP layer uses (the package ships no types).
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';
  type Trust = (address: string, hop: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust): string;
  export default proxyaddr;
}
