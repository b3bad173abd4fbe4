// Loads the configuration: authz.config.yaml (AUTHZ_CONFIG, else ./authz.config.yaml when present),
// then the environment quick forms, then the schema (with defaults), then cross-reference checks.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { createAjv, describeAjvErrors, type SchemaIssue } from '../schema/create-ajv.js';
import { checkConfig } from './check.js';
import { applyEnv, envSourceOf } from './env.js';
import { ConfigError } from './errors.js';
import { checkOAuth, withImpliedIssuers } from './oauth.js';
import { configSchema } from './schema.js';
import type { AuthzConfig } from './types.js';

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export const DEFAULT_CONFIG_FILE = 'authz.config.yaml';

const validate = createAjv({ useDefaults: true, verbose: true }).compile(configSchema);

function readFile(options: LoadConfigOptions): { raw: Record<string, unknown>; file?: string } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = env.AUTHZ_CONFIG?.trim();
  const file = named ? resolve(cwd, named) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (!named && !existsSync(file)) return { raw: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: 'AUTHZ_CONFIG', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0]! })), file);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || raw === undefined) return { raw: {}, file };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '', message: 'must be a mapping of keys' }], file);
  }
  return { raw: raw as Record<string, unknown>, file };
}

/** Reads, merges and validates the configuration; throws ConfigError naming every bad key. */
export function loadConfig(options: LoadConfigOptions = {}): AuthzConfig {
  const { raw, file } = readFile(options);
  return resolveConfig(raw, options.env ?? process.env, file);
}

/** Validates a raw configuration object merged with environment quick forms. */
export function resolveConfig(raw: Record<string, unknown>, env: Record<string, string | undefined> = {}, file?: string): AuthzConfig {
  const overlay = applyEnv(raw, env);
  const config = overlay.raw;
  // A key set by an environment variable is named with that variable.
  const withSources = (issues: SchemaIssue[]): SchemaIssue[] => issues.map((issue) => {
    const from = envSourceOf(issue.path, overlay.sources);
    return from === undefined ? issue : { path: `${issue.path} (from ${from})`, message: issue.message };
  });
  // Every problem is reported in one run: environment forms, the schema, then the cross-checks,
  // which also run on a configuration the schema refused as long as they can read it.
  const problems: SchemaIssue[] = [...overlay.issues];
  const schemaValid = validate(config);
  if (!schemaValid) problems.push(...withSources(describeAjvErrors(validate.errors)));
  const { typed, issues } = crossChecks(config as unknown as AuthzConfig, schemaValid, problems);
  problems.push(...withSources(issues));
  if (problems.length > 0 || typed === undefined) throw new ConfigError(problems, file);
  return typed;
}

function crossChecks(config: AuthzConfig, schemaValid: boolean, known: readonly SchemaIssue[]): { typed?: AuthzConfig; issues: SchemaIssue[] } {
  try {
    const typed = withImpliedIssuers(config);
    const found = [...checkConfig(typed), ...checkOAuth(typed)];
    if (schemaValid) return { typed, issues: found };
    // On a refused document, keep only problems about keys the schema did not already name.
    return { issues: found.filter((p) => !known.some((k) => p.path === k.path || p.path.startsWith(`${k.path}.`) || p.path.startsWith(`${k.path}[`))) };
  } catch (err) {
    // A cross-check that cannot read a schema-invalid document has nothing to add; on a valid
    // one it is a bug and must not be hidden.
    if (schemaValid) throw err;
    return { issues: [] };
  }
}
