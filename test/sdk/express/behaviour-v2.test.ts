// The behaviour table against the express middleware on MCP SDK v2's express app (createMcpExpressApp, v2 Node transport).
import { runBehaviourTable } from '../support/behaviour-table.js';
import { startExampleV2 } from '../support/example-v2-harness.js';
import { postMcp } from '../support/post-mcp.js';

runBehaviourTable('express middleware (MCP SDK v2 express app)', async ({ url, authz, jsonResponse }) => {
  const example = await startExampleV2('express', { url, ...authz }, jsonResponse);
  return {
    metadataUrl: example.metadataUrl,
    store: example.store,
    post: (body, authorization) => postMcp(example.resource, body, authorization),
    close: () => example.close(),
  };
});
