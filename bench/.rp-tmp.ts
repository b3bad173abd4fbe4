import { readFileSync } from 'node:fs';
import { compilePolicy, type Value } from '../service/src/rego/index.js';
import { generateInputs, readReferenceData } from './lib/mcp-inputs.js';
const data = JSON.parse(readFileSync('/work/main/policies/mcp/data.json', 'utf8'));
const inputs = generateInputs(data, 1000);
const policy = compilePolicy({ modules: [{ path: 'p.rego', source: readFileSync('/work/main/policies/mcp/authz.rego', 'utf8') }], data: { mcp: data } as unknown as Value });
const N = Number(process.env.P ?? 30);
for (const i of inputs) policy.evalRef('data.mcp.authz.decision', { input: i as unknown as Value });
const samples: number[] = [];
for (let p = 0; p < N; p++) for (const i of inputs) { const t = process.hrtime.bigint(); policy.evalRef('data.mcp.authz.decision', { input: i as unknown as Value }); samples.push(Number(process.hrtime.bigint() - t) / 1000); }
const c0 = process.cpuUsage();
for (let p = 0; p < N; p++) for (const i of inputs) policy.evalRef('data.mcp.authz.decision', { input: i as unknown as Value });
const cu = process.cpuUsage(c0);
samples.sort((a, b) => a - b);
console.log('cpu mean', ((cu.user + cu.system) / (N * inputs.length)).toFixed(2));
console.log('median', samples[samples.length >> 1].toFixed(2), 'p99', samples[Math.floor(samples.length * 0.99)].toFixed(2));
