// Rego benchmark: µs per decision of our engine on the reference MCP policy over 1,000 varied
// inputs, next to equivalent Cedar rules evaluated by cedar-wasm in the same run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compilePolicy, type Value } from '../service/src/rego/index.js';
import { generateInputs, readReferenceData, type McpData, type McpInput } from './lib/mcp-inputs.js';
import { fmt, quantile } from './lib/stats.js';

const INPUTS = 1000;
const PASSES = Number(process.env.BENCH_PASSES ?? 20);

/** Times `fn` on every input, PASSES times after one warm-up pass; returns µs per call. */
function timeEach<T>(items: readonly T[], fn: (item: T) => unknown): number[] {
  for (const item of items) fn(item);
  const samples: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    for (const item of items) {
      const start = process.hrtime.bigint();
      fn(item);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  return samples;
}

function loadRego(data: McpData) {
  const path = new URL('../policies/mcp/authz.rego', import.meta.url);
  return compilePolicy({
    modules: [{ path: 'policies/mcp/authz.rego', source: readFileSync(path, 'utf8') }],
    data: { mcp: data } as unknown as Value,
  });
}

interface CedarModule {
  preparsePolicySet(id: string, policies: unknown): { type: string; errors?: unknown };
  statefulIsAuthorized(call: unknown): { type: string; response?: { decision: string }; errors?: unknown };
}

function loadCedar(): CedarModule {
  const require = createRequire(import.meta.url);
  return require('@cedar-policy/cedar-wasm/nodejs') as CedarModule;
}

/** Request in Cedar's shape: the attributes Cedar cannot derive itself are precomputed here. */
function toCedarCall(input: McpInput, data: McpData) {
  const spec = data.servers[input.server.id]?.tools[input.action.tool];
  const args = input.action.arguments;
  const date = new Date(input.context.time);
  const context: Record<string, unknown> = {
    server: input.server.id,
    hour: date.getUTCHours(),
    weekday: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][date.getUTCDay()],
  };
  if (spec?.repo_arg && typeof args[spec.repo_arg] === 'string') context.repo_owner = (args[spec.repo_arg] as string).split('/')[0];
  // The Cedar comparison models one path per call: the last declared one.
  const pathArg = spec?.path_args?.at(-1);
  if (pathArg && typeof args[pathArg] === 'string') context.path = args[pathArg];
  if (spec?.branch_arg && typeof args[spec.branch_arg] === 'string') context.branch = args[spec.branch_arg];
  const principal = { type: 'User', id: input.subject.sub };
  const resource = { type: 'Tool', id: `${input.server.id}/${input.action.tool}` };
  const entities = [
    {
      uid: principal,
      attrs: { scopes: input.subject.scopes, roles: input.subject.claims.roles ?? [], org: input.subject.claims.org ?? '' },
      parents: [],
    },
  ];
  if (spec) {
    entities.push({
      uid: resource,
      attrs: {
        kind: spec.kind,
        server: input.server.id,
        repo_arg: Boolean(spec.repo_arg),
        path_arg: Boolean(spec.path_args?.length),
        branch_arg: Boolean(spec.branch_arg),
        business_hours: Boolean(spec.business_hours),
        deny_listed: data.deny_tools.includes(input.action.tool),
      } as never,
      parents: [],
    });
  }
  return {
    principal,
    action: { type: 'Action', id: input.action.method },
    resource,
    context,
    preparsedPolicySetId: 'mcp',
    entities,
  };
}

export async function run(): Promise<void> {
  const data = readReferenceData();
  const inputs = generateInputs(data, INPUTS);
  const policy = loadRego(data);

  let regoAllows = 0;
  for (const input of inputs) {
    const d = policy.evalRef('data.mcp.authz.decision', { input: input as unknown as Value }) as { allow?: boolean } | undefined;
    if (d?.allow === true) regoAllows++;
  }
  const regoSamples = timeEach(inputs, (input) => policy.evalRef('data.mcp.authz.decision', { input: input as unknown as Value }));

  const cedar = loadCedar();
  const parsed = cedar.preparsePolicySet('mcp', { staticPolicies: readFileSync(new URL('./cedar/mcp.cedar', import.meta.url), 'utf8') });
  if (parsed.type !== 'success') throw new Error(`cedar policy did not parse: ${JSON.stringify(parsed.errors)}`);
  const calls = inputs.map((input) => toCedarCall(input, data));
  let cedarAllows = 0;
  for (const call of calls) {
    const answer = cedar.statefulIsAuthorized(call);
    if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
    if (answer.response?.decision === 'allow') cedarAllows++;
  }
  const cedarSamples = timeEach(calls, (call) => cedar.statefulIsAuthorized(call));

  const rows = [
    ['mcp-authz rego (evalRef decision)', regoSamples],
    ['cedar-wasm statefulIsAuthorized', cedarSamples],
  ] as const;
  console.log(`rego bench: ${INPUTS} varied inputs x ${PASSES} passes, reference policy policies/mcp (20 tools)`);
  console.log(`allowed: rego ${regoAllows}/${INPUTS}, cedar ${cedarAllows}/${INPUTS} (rules differ where Cedar lacks regex/glob)`);
  console.log('engine'.padEnd(38) + 'median µs'.padStart(10) + 'p99 µs'.padStart(10));
  for (const [name, samples] of rows) {
    console.log(name.padEnd(38) + fmt(quantile(samples, 0.5)) + fmt(quantile(samples, 0.99)));
  }
  const ratio = quantile(regoSamples, 0.5) / quantile(cedarSamples, 0.5);
  console.log(`ratio rego/cedar (median): ${ratio.toFixed(3)}  (goal: rego median <= 10 µs and ratio < 1)`);
}
