// The OpenAPI contract at run time: the document served at /openapi.json, and request-body
// validators compiled by ajv from the contract's own schemas (no second hand-written schema).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONTRACT_FILE } from '@mcp-authz/contract';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv, describeAjvErrors, type SchemaIssue } from '../schema/create-ajv.js';

export { CONTRACT_FILE };

const SCHEMAS_ID = 'urn:mcp-authz:openapi';

export interface BodyValidator {
  /** Media types the operation accepts, e.g. `application/json`. */
  contentTypes: string[];
  required: boolean;
  /** Issues of a parsed body, keyed by content type; empty when valid. */
  validate(contentType: string, body: unknown): SchemaIssue[];
}

export interface Contract {
  document: Record<string, any>;
  /** The request-body validator of an operation, if it has a body. */
  bodyValidator(method: string, path: string): BodyValidator | undefined;
  /** A validator for a named component schema (used by tests to check responses). */
  schemaValidator(name: string): ValidateFunction;
}

// OpenAPI refs point into the document; ajv gets the component schemas under one $id.
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
      ? `${SCHEMAS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
      : rewriteRefs(v);
  }
  return out;
}

/**
 * The express path of a contract path: `{x}` is `:x`, one segment; a path parameter marked
 * `x-multi-segment: true` is `*x`, the rest of the path (OPA's `/v1/data/{path}`).
 */
function toExpressPath(path: string, multiSegment: ReadonlySet<string> = new Set()): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => (multiSegment.has(name) ? `*${name}` : `:${name}`));
}

function multiSegmentParams(...lists: unknown[]): Set<string> {
  const names = new Set<string>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const p of list as Array<Record<string, unknown>>) {
      if (p?.in === 'path' && p['x-multi-segment'] === true && typeof p.name === 'string') names.add(p.name);
    }
  }
  return names;
}

export function loadContract(file: string = CONTRACT_FILE): Contract {
  const document = parse(readFileSync(file, 'utf8')) as Record<string, any>;
  const ajv = createAjv({ allowUnionTypes: true });
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) as Record<string, unknown> });

  const validators = new Map<string, BodyValidator>();
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (method === 'parameters') continue;
      const body = op?.requestBody;
      if (body?.content === undefined) continue;
      const byType = new Map<string, ValidateFunction>();
      for (const [type, media] of Object.entries<any>(body.content)) {
        if (media.schema !== undefined) byType.set(type, ajv.compile(rewriteRefs(media.schema) as object));
      }
      validators.set(`${method.toLowerCase()} ${toExpressPath(path, multiSegmentParams(item.parameters, op.parameters))}`, {
        contentTypes: [...byType.keys()],
        required: body.required === true,
        validate(contentType, value) {
          const fn = byType.get(contentType);
          if (fn === undefined || fn(value)) return [];
          return describeAjvErrors(fn.errors);
        },
      });
    }
  }

  return {
    document,
    bodyValidator: (method, path) => validators.get(`${method.toLowerCase()} ${path}`),
    schemaValidator(name) {
      const fn = ajv.getSchema(`${SCHEMAS_ID}#/$defs/${name}`);
      if (fn === undefined) throw new TypeError(`no schema ${name} in the contract`);
      return fn;
    },
  };
}
