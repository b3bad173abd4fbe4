// One way to build a JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1), shared by the
// configuration loader and the HTTP contract so both report errors the same way.
import { Ajv2020, type ErrorObject, type Options } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { closestName } from './suggest.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default`
// is the plugin.
const addFormats = formatsModule.default;

/** A JSON Schema 2020-12 validator with the standard formats (uri, date-time, …). */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  addFormats(ajv);
  return ajv;
}

/** One validation problem with a readable key path such as `issuers[0].algorithms[1]`. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** `/issuers/0/jwks_uri` → `issuers[0].jwks_uri` */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Turns ajv errors into issues that name the key and say what is wrong with it. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const err of errors ?? []) {
    const at = pointerToPath(err.instancePath);
    let issue: SchemaIssue;
    switch (err.keyword) {
      case 'required':
        issue = { path: joinPath(at, String(err.params.missingProperty)), message: 'is required' };
        break;
      case 'additionalProperties': {
        const key = String(err.params.additionalProperty);
        // With ajv's `verbose`, the object's schema comes along and names the keys it knows.
        const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const near = closestName(key, known);
        issue = { path: joinPath(at, key), message: near === undefined ? 'is not a known key' : `is not a known key (did you mean "${near}"?)` };
        break;
      }
      case 'enum':
        issue = { path: at, message: `must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}` };
        break;
      default:
        issue = { path: at, message: err.message ?? 'is invalid' };
    }
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
