// Parses a request body in one of the media types the contract lists for the operation, then
// validates it against the contract's schema. Anything else is refused before the handler runs.
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { BodyValidator } from '../contract.js';
import { HttpProblem } from '../problems.js';
import { leanJsonLength, readLeanJson } from './json-body.js';

const PARSERS: Record<string, (limit: number) => RequestHandler> = {
  'application/json': (limit) => express.json({ limit, type: 'application/json', strict: true }),
  'application/x-www-form-urlencoded': (limit) =>
    express.urlencoded({ limit, type: 'application/x-www-form-urlencoded', extended: false, parameterLimit: 100 }),
};

// The content-type headers nearly every JSON client sends, recognised without parsing the header.
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** A pipeline step: runs as a plain call inside the route's one handler, throws to refuse. */
export type BodyStep = (req: Request, res: Response) => Promise<void>;

function runMiddleware(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void middleware(req, res, (err?: unknown) => (err === undefined || err === null ? resolve() : reject(err as Error)));
  });
}

export function contractBody(validator: BodyValidator, limitBytes: number): BodyStep {
  const types = validator.contentTypes.filter((t) => PARSERS[t] !== undefined);
  const parsers = new Map(types.map((t) => [t, PARSERS[t]!(limitBytes)]));
  const acceptsJson = parsers.has('application/json');

  /** The lean path: a plain JSON content type on a body of declared length; undefined otherwise. */
  const leanLength = (req: Request): number | undefined => {
    const header = req.headers['content-type'];
    if (!acceptsJson || header === undefined || !PLAIN_JSON.has(header.toLowerCase())) return undefined;
    return leanJsonLength(req);
  };

  const check = (contentType: string, body: unknown): void => {
    // A body that parsed to a non-object (urlencoded always gives an object) fails the schema.
    const issues = validator.validate(contentType, body ?? {});
    if (issues.length > 0) {
      throw new HttpProblem('invalid_request', issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '), { errors: issues });
    }
  };

  return async (req, res) => {
    const length = leanLength(req);
    if (length !== undefined) {
      req.body = await readLeanJson(req, length, limitBytes);
      check('application/json', req.body);
      return;
    }
    const type = req.is(types);
    if (typeof type !== 'string') {
      throw new HttpProblem('unsupported_content_type', `expected ${types.join(' or ')}`);
    }
    await runMiddleware(parsers.get(type)!, req, res);
    check(type, req.body);
  };
}
