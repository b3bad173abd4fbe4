// The behaviour table against createAuthzFetch around MCP SDK v2's web-standard transport.
import { runBehaviourTable } from '../support/behaviour-table.js';
import { startExampleV2 } from '../support/example-v2-harness.js';
import { postMcp } from '../support/post-mcp.js';

runBehaviourTable('createAuthzFetch (MCP SDK v2 web-standard transport)', async ({ url, authz, jsonResponse }) => {
  const example = await startExampleV2('web', { url, ...authz }, jsonResponse);
  return {
    metadataUrl: example.metadataUrl,
    store: example.store,
    post: (body, authorization) => postMcp(example.resource, body, authorization),
    close: () => example.close(),
  };
});
