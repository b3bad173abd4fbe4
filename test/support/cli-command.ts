// The `mcp-authz` command as tests run it: node on the TypeScript sources (tsx and the source export
// condition), so no build is needed; the packaging test covers the compiled bin.
import { fileURLToPath } from 'node:url';

/** Node flags that run this repository's TypeScript sources, workspace packages included. */
export const SOURCE_FLAGS: readonly string[] = ['--import', 'tsx', '--conditions=mcp-authz-source'];

/** Arguments to process.execPath that run `mcp-authz` from the sources; append the command's own. */
export const CLI: readonly string[] = [...SOURCE_FLAGS, fileURLToPath(new URL('../../service/src/cli.ts', import.meta.url))];
