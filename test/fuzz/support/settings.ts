// How long each property runs: a small fixed-seed run inside `npm test`, longer random runs through
// `npm run fuzz` (scripts/fuzz.mjs sets MCP_AUTHZ_FUZZ_RUNS and, to replay a failure, MCP_AUTHZ_FUZZ_SEED).
import { appendFileSync } from 'node:fs';
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20_261_110;

/** fast-check parameters for a property: `runs` in `npm test`, the fuzz script's count otherwise. */
export function fuzzParameters<T>(runs: number): Parameters<T> {
  const forced = process.env.MCP_AUTHZ_FUZZ_RUNS;
  const seed = process.env.MCP_AUTHZ_FUZZ_SEED;
  if (forced === undefined) return { numRuns: runs, seed: seed === undefined ? DEFAULT_SEED : Number(seed), includeErrorInReport: true };
  return { numRuns: Number(forced), ...(seed !== undefined ? { seed: Number(seed) } : {}), includeErrorInReport: true };
}

/**
 * Wraps a property's predicate so each run is counted; with MCP_AUTHZ_FUZZ_COUNTS set (by the fuzz
 * script) every run appends `<name>` to that file, which the script tallies.
 */
export function counted<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  const file = process.env.MCP_AUTHZ_FUZZ_COUNTS;
  if (file === undefined) return fn;
  return (...args) => {
    appendFileSync(file, `${name}\n`);
    return fn(...args);
  };
}
