// Deterministic generator of varied MCP policy inputs for benchmarks (same seed, same inputs).
import { readFileSync } from 'node:fs';

export interface ToolSpec {
  kind: 'read' | 'write' | 'admin';
  repo_arg?: string;
  path_args?: string[];
  branch_arg?: string;
  business_hours?: boolean;
}

export interface McpData {
  servers: Record<string, { tools: Record<string, ToolSpec> }>;
  deny_tools: string[];
  allowed_paths: string[];
}

export interface McpInput {
  subject: { sub: string; client_id: string; issuer: string; scopes: string[]; claims: Record<string, unknown> };
  server: { id: string; resource: string };
  action: { method: string; tool: string; arguments: Record<string, unknown> };
  context: { time: string; client_ip: string };
}

/** Reads policies/mcp/data.json from the repository. */
export function readReferenceData(): McpData {
  return JSON.parse(readFileSync(new URL('../../policies/mcp/data.json', import.meta.url), 'utf8')) as McpData;
}

/** Small seeded PRNG (mulberry32) so every run sees the same inputs. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCOPE_SETS = [[], ['mcp:read'], ['mcp:read', 'mcp:write'], ['mcp:write'], ['mcp:read', 'mcp:write', 'mcp:admin']];
const ROLE_SETS = [[], ['viewer'], ['admin'], ['viewer', 'admin']];
const ORGS = ['acme', 'globex', 'initech'];
const PATHS = ['/workspace/src/index.ts', '/srv/shared/report.csv', '/etc/passwd', '/workspace/../etc/shadow', '/workspace/a/b/c.txt'];
const BRANCHES = ['main', 'feature/login-42', 'bad branch', 'fix;rm -rf', 'release/1.2.3'];
const TIMES = ['2026-11-25T12:00:00Z', '2026-11-25T22:30:00Z', '2026-11-28T10:00:00Z', '2026-11-24T08:15:00Z'];

/** `count` varied inputs over the reference policy's servers and tools. */
export function generateInputs(data: McpData, count: number, seed = 42): McpInput[] {
  const random = createRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const servers = Object.keys(data.servers);
  const inputs: McpInput[] = [];
  for (let i = 0; i < count; i++) {
    const server = pick(servers);
    const tools = Object.keys(data.servers[server].tools);
    const tool = random() < 0.05 ? 'unknown_tool' : pick(tools);
    const spec = data.servers[server].tools[tool];
    const org = pick(ORGS);
    const args: Record<string, unknown> = {};
    if (spec?.repo_arg) args[spec.repo_arg] = `${random() < 0.8 ? org : pick(ORGS)}/repo-${i % 7}`;
    for (const name of spec?.path_args ?? []) args[name] = pick(PATHS);
    if (spec?.branch_arg) args[spec.branch_arg] = pick(BRANCHES);
    if (random() < 0.5) args.note = `note ${i}`;
    inputs.push({
      subject: {
        sub: `user-${i % 50}`,
        client_id: 'bench-client',
        issuer: 'https://idp.example.com',
        scopes: pick(SCOPE_SETS),
        claims: { org, roles: pick(ROLE_SETS), email: `user${i}@example.com` },
      },
      server: { id: server, resource: `https://mcp.example.com/${server}` },
      action: { method: random() < 0.85 ? 'tools/call' : 'tools/list', tool, arguments: args },
      context: { time: pick(TIMES), client_ip: `203.0.113.${i % 250}` },
    });
  }
  return inputs;
}
