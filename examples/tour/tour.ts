// The five-minute tour's identity provider: makes a key pair, serves its JWKS on 127.0.0.1, mints
// an access token for a demo MCP server, and prints the commands that start the service trusting
// it and introspect the token. Nothing here is built into the service.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const PORT = Number(process.env.TOUR_PORT ?? 9999);
const ISSUER = `http://127.0.0.1:${PORT}`;
const RESOURCE = 'https://mcp.example.com/mcp';
const KID = 'tour-key-1';

// EdDSA: one spelling per signature (ECDSA's high-S twin is refused by default).
const { privateKey, publicKey } = await generateKeyPair('EdDSA');
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' }] });

const server = createServer((req, res) => {
  if (req.url === '/jwks') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));

const token = await new SignJWT({ scope: 'mcp:read mcp:write', client_id: 'tour-client', org: 'acme' })
  .setProtectedHeader({ alg: 'EdDSA', kid: KID, typ: 'at+jwt' })
  .setIssuer(ISSUER)
  .setSubject('alice')
  .setAudience(RESOURCE)
  .setIssuedAt()
  .setExpirationTime('1h')
  .setJti(randomBytes(8).toString('hex'))
  .sign(privateKey);
// The resource server's credential for this tour only (a real one comes from `mcp-authz clients add`).
const callerSecret = randomBytes(24).toString('base64url');

process.stdout.write(`JWKS served at ${ISSUER}/jwks (Ctrl-C to stop)

1. In a second terminal, start the service trusting this issuer:

AUTHZ_JWT_ISSUER=${ISSUER} \\
AUTHZ_JWT_JWKS_URI=${ISSUER}/jwks \\
AUTHZ_SERVERS=demo=${RESOURCE} \\
AUTHZ_CLIENTS=demo-mcp:${callerSecret}:demo \\
npm start

2. In a third terminal, introspect the token as the demo MCP server:

curl -s -u 'demo-mcp:${callerSecret}' -d 'token=${token}' http://127.0.0.1:8080/oauth2/introspect

3. And a tampered one (expect {"active":false}):

curl -s -u 'demo-mcp:${callerSecret}' -d 'token=${token.slice(0, -4)}AAAA' http://127.0.0.1:8080/oauth2/introspect
`);

process.on('SIGINT', () => server.close(() => process.exit(0)));
