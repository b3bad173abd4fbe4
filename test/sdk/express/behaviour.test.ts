// The behaviour table against the express middleware in front of the MCP SDK v1 example server.
import { runBehaviourTable } from '../support/behaviour-table.js';
import { startExample } from '../support/example-harness.js';
import { postMcp } from '../support/post-mcp.js';

runBehaviourTable('express middleware (MCP SDK v1)', async ({ url, authz, jsonResponse }) => {
  const example = await startExample({ url, ...authz }, jsonResponse);
  return {
    metadataUrl: example.authz.resourceMetadataUrl,
    store: example.store,
    post: (body, authorization) => postMcp(example.resource, body, authorization),
    close: () => example.close(),
  };
});
