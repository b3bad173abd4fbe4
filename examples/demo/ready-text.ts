// The text the demo prints once it stays up: where things run, tokens, and commands to paste.
import { DEV_ISSUER_DIR } from '../../service/src/dev-issuer/index.js';
import { DEMO_CALLER_ID, DEMO_SERVER_ID, type DemoStack } from './demo-stack.js';
import type { DemoUser } from './transcript.js';

/**
 * Ready-to-paste commands for a running demo.
 *
 * @param stack - the running demo
 * @param alice - a user whose token is still valid
 */
export function readyText(stack: DemoStack, alice: DemoUser): string {
  const mcpHeaders = `-H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream'`;
  return `
The demo stays up (Ctrl-C stops it).
  service      ${stack.serviceUrl}   (policies/, in-memory stores)
  MCP server   ${stack.mcpUrl}   (server "${DEMO_SERVER_ID}", caller "${DEMO_CALLER_ID}")
  tokens       signed by the development key in ./${DEV_ISSUER_DIR}/

# ${alice.name}'s token (scope "${alice.scopes.join(' ')}"):
TOKEN=${alice.token}
# or another user's, from the same development key (this demo trusts it):
#   TOKEN=$(npx mcp-authz token --aud ${stack.mcpUrl} --sub carol --scope 'mcp:read mcp:admin' --claim 'roles=["admin"]')

# Ask the service for a decision, as the MCP server does:
curl -s -u '${DEMO_CALLER_ID}:${stack.callerSecret}' -H 'content-type: application/json' ${stack.serviceUrl}/v1/decisions --data @- <<EOF
{
  "token": "$TOKEN",
  "server": "${DEMO_SERVER_ID}",
  "action": { "method": "tools/call", "tool": "write_file", "arguments": { "path": "/etc/passwd", "content": "x" } }
}
EOF

# Call the MCP server directly (tools/list, then a call):
curl -s ${stack.mcpUrl} ${mcpHeaders} -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
curl -si ${stack.mcpUrl} ${mcpHeaders} -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_backup","arguments":{}}}'

# Revoke it (admin): the service refuses it at once; the MCP server's SDK may repeat an answer it
# cached for up to 5 s, so the next new call gets 401:
curl -s -H 'authorization: Bearer ${stack.adminKey}' -H 'content-type: application/json' ${stack.serviceUrl}/v1/revocations -d "{\\"token\\":\\"$TOKEN\\"}"
`;
}
