// OPA's Data API over the served policy revision: POST/GET /v1/data/{path} answer
// `{"result", "decision_id"}` and POST / the bare default decision, so OPA's clients work unchanged.
import type { Request, Response } from 'express';
import { DataQueryError, type DataQueries, type DataQueryResult } from '../../decisions/index.js';
import type { AppDeps } from '../deps.js';
import { OPA_MESSAGES, OpaError } from '../opa-errors.js';
import type { RouteDefinition, RouteModule } from '../route-types.js';

type Segment = string | number;

const DATA_PREFIX = '/v1/data';

/** The path under `data` named by the URL after /v1/data, as OPA reads it: numeric segments are integers. */
export function dataPath(urlPath: string): Segment[] {
  let decoded: string;
  try {
    // Decoded before splitting, so `a%2Fb` (how generated clients escape a path parameter) is `a/b`.
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new OpaError(400, 'invalid_parameter', `invalid path: ${urlPath}`);
  }
  return decoded.split('/').filter((s) => s !== '').map((s) => {
    if (/^[+-]?\d+$/.test(s)) {
      const n = Number(s);
      if (Number.isSafeInteger(n)) return n;
    }
    return s;
  });
}

/** `data.a.b` (or `data["a-b"][0]` where a segment is not a name), as OPA prints refs in messages. */
export function refText(path: readonly Segment[]): string {
  return 'data' + path.map((s) => (typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** `data.a.b` as path segments (the configured default decision). */
function refPath(ref: string): string[] {
  return ref.split('.').slice(1);
}

function urlPathOf(req: Request, prefix: string): string {
  const raw = req.originalUrl.split('?')[0] ?? '';
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : '';
}

/** Evaluates, mapping evaluation failures to OPA's 500 `internal_error` with the error in `errors`. */
function run(data: DataQueries, path: readonly Segment[], input: unknown): DataQueryResult {
  try {
    return data.query(path, input);
  } catch (e) {
    if (!(e instanceof DataQueryError)) throw e;
    if (e.code === 'policy_not_loaded') throw new OpaError(500, 'internal_error', e.message);
    throw new OpaError(500, 'internal_error', OPA_MESSAGES.evaluation, [
      { code: e.code, message: e.message, ...(e.location ? { location: e.location } : {}) },
    ]);
  }
}

/** `?pretty` (present, or `true`) indents the JSON answer, as OPA does. */
function wantsPretty(req: Request): boolean {
  const p = req.query.pretty;
  const values = Array.isArray(p) ? p : p === undefined ? [] : [p];
  return values.some((v) => v === '' || (typeof v === 'string' && v.toLowerCase() === 'true'));
}

function sendJson(req: Request, res: Response, body: unknown): void {
  const json = JSON.stringify(body, null, wantsPretty(req) ? 2 : undefined);
  res.statusCode = 200;
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}

function dataResponse(r: DataQueryResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(r.answer.defined ? { result: r.answer.value } : {}), ...extra, decision_id: r.decision_id };
}

/** The `input` query parameter of GET (its last value, as OPA takes it), parsed as JSON. */
function queryInput(req: Request): unknown {
  const raw = req.query.input;
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OpaError(400, 'invalid_parameter', 'parameter contains malformed input document');
  try {
    return JSON.parse(value) as unknown;
  } catch (e) {
    throw new OpaError(400, 'invalid_parameter', `parameter contains malformed input document: ${(e as Error).message}`);
  }
}

/** True when the request came without a body (the pipeline then parsed none). */
function bodyless(req: Request): boolean {
  return req.body === undefined;
}

export const opaDataRoutes: RouteModule = (deps: AppDeps) => {
  const data = deps.decisions?.data;
  if (data === undefined) return [];
  const defaultPath = refPath(deps.config.decisions.default_decision);

  const post = async (req: Request, res: Response): Promise<void> => {
    const body = bodyless(req) ? {} : (req.body as Record<string, unknown>);
    const hasInput = Object.prototype.hasOwnProperty.call(body, 'input');
    const r = run(data, dataPath(urlPathOf(req, DATA_PREFIX)), hasInput ? body.input : undefined);
    // OPA warns when the body has no `input` key: a common client mistake (sending the input bare).
    const warning = hasInput ? {} : { warning: { code: 'api_usage_warning', message: "'input' key missing from the request" } };
    sendJson(req, res, dataResponse(r, warning));
  };
  const get = async (req: Request, res: Response): Promise<void> => {
    const r = run(data, dataPath(urlPathOf(req, DATA_PREFIX)), queryInput(req));
    sendJson(req, res, dataResponse(r));
  };
  const postDefault = async (req: Request, res: Response): Promise<void> => {
    const r = run(data, defaultPath, bodyless(req) ? undefined : req.body);
    if (!r.answer.defined) {
      const what = r.answer.declared ? 'document undefined' : 'document missing';
      throw new OpaError(404, 'undefined_document', `${what}: ${deps.config.decisions.default_decision}`);
    }
    sendJson(req, res, r.answer.value);
  };

  const route = (method: RouteDefinition['method'], path: string, handler: RouteDefinition['handler']): RouteDefinition =>
    ({ method, path, access: 'caller', errorFormat: 'opa', handler });
  return [
    route('post', '/v1/data', post),
    route('get', '/v1/data', get),
    route('post', '/v1/data/*path', post),
    route('get', '/v1/data/*path', get),
    route('post', '/', postDefault),
  ];
};
