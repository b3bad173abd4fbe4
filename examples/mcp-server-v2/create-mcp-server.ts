// The example MCP server on MCP SDK v2: the same file tools, prompt and resource as the v1 example, over a FileStore.
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { FileStore } from '../mcp-server/file-store.js';

function text(value: string) {
  return { content: [{ type: 'text' as const, text: value }] };
}

/**
 * Builds a v2 MCP server whose tools act on `store`. Tool names and kinds match the `files`
 * server of the reference policy (policies/mcp/data.json).
 *
 * @param store - the file system the tools change
 */
export function createFilesMcpServerV2(store: FileStore): McpServer {
  const server = new McpServer({ name: 'example-files-v2', version: '1.0.0' });
  server.registerTool('list_directory', { description: 'List files under a directory (read)', inputSchema: z.object({ path: z.string() }) },
    ({ path }) => text(store.list(path).join('\n')));
  server.registerTool('read_file', { description: 'Read a file (read)', inputSchema: z.object({ path: z.string() }) },
    ({ path }) => text(store.files.get(path) ?? ''));
  server.registerTool('write_file', { description: 'Create or replace a file (write)', inputSchema: z.object({ path: z.string(), content: z.string() }) },
    ({ path, content }) => {
      store.files.set(path, content);
      return text(`wrote ${path}`);
    });
  server.registerTool('move_file', { description: 'Move a file (write)', inputSchema: z.object({ source: z.string(), destination: z.string() }) },
    ({ source, destination }) => {
      const content = store.files.get(source);
      if (content === undefined) return { ...text(`no such file: ${source}`), isError: true };
      store.files.delete(source);
      store.files.set(destination, content);
      return text(`moved ${source} to ${destination}`);
    });
  server.registerTool('run_backup', { description: 'Snapshot every file (admin)' },
    (ctx) => text(`backup #${store.backup()} by ${String(ctx.http?.authInfo?.extra?.sub ?? 'unknown')}`));
  server.registerPrompt('summarize_file', { description: 'Ask the model to summarize a file', argsSchema: z.object({ path: z.string() }) },
    ({ path }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize:\n${store.files.get(path) ?? ''}` } }] }));
  server.registerResource('readme', 'file:///workspace/README.md', { mimeType: 'text/markdown' },
    (uri) => ({ contents: [{ uri: uri.href, text: store.files.get('/workspace/README.md') ?? '' }] }));
  return server;
}
