// Parses a request body in one of the media types the contract lists for the operation, then
// validates it against the contract's schema. Anything else is refused before the handler runs.
import type { IncomingMessage } from 'node:http';
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

/** A request whose body a body step has parsed. */
export type BodyRequest = IncomingMessage & { body?: unknown };

/** A pipeline step: runs as a plain call inside the route's one handler, throws to refuse. */
export type BodyStep = (req: Request, res: Response) => Promise<void>;

/**
 * The lean path for routes that take JSON: a plain JSON content type on a body of declared length.
 * `length(req)` is undefined when the request needs the general path; `read` parses and validates.
 */
export interface LeanJsonBody {
  length(req: IncomingMessage): number | undefined;
  read(req: BodyRequest, length: number): Promise<void>;
}

/** The request's `content-encoding` when it is not identity (the body must be decoded). */
function contentEncodingOf(req: IncomingMessage): string | undefined {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  return encoding === undefined || encoding === '' || encoding === 'identity' ? undefined : encoding;
}

/**
 * Runs a body parser. It settles when the client goes away mid-body too: body-parser waits for the
 * end of a decoded (e.g. gzip) body, which never comes when the upload is cut off.
 */
function runMiddleware(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      if (!req.complete) reject(Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 }));
    };
    req.once('close', onClose);
    void middleware(req, res, (err?: unknown) => {
      req.off('close', onClose);
      if (err === undefined || err === null) resolve();
      else reject(classify(err, req));
    });
  });
}

/**
 * body-parser marks every error of its own with a `type`; one without comes from the decoding
 * stream (zlib, brotli): the body does not decode as its `content-encoding` says.
 */
function classify(err: unknown, req: IncomingMessage): unknown {
  const encoding = contentEncodingOf(req);
  if (encoding === undefined || typeof (err as { type?: unknown } | null)?.type === 'string') return err;
  return new HttpProblem('malformed_content_encoding', `the body is not valid ${encoding} data`);
}

function checker(validator: BodyValidator): (contentType: string, body: unknown) => void {
  return (contentType, body) => {
    // A body that parsed to a non-object (urlencoded always gives an object) fails the schema.
    const issues = validator.validate(contentType, body ?? {});
    if (issues.length > 0) {
      throw new HttpProblem('invalid_request', issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '), { errors: issues });
    }
  };
}

/** The lean JSON reader for an operation, or undefined when the contract takes no JSON body. */
export function leanJsonBody(validator: BodyValidator, limitBytes: number): LeanJsonBody | undefined {
  if (!validator.contentTypes.includes('application/json')) return undefined;
  const check = checker(validator);
  return {
    length: (req) => {
      const header = req.headers['content-type'];
      if (header === undefined || !PLAIN_JSON.has(header.toLowerCase())) return undefined;
      return leanJsonLength(req);
    },
    read: async (req, length) => {
      req.body = await readLeanJson(req, length, limitBytes);
      check('application/json', req.body);
    },
  };
}

/** Whether the request carries a body (a chunked one, or a declared length above zero). */
function sendsBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

export function contractBody(validator: BodyValidator, limitBytes: number): BodyStep {
  const types = validator.contentTypes.filter((t) => PARSERS[t] !== undefined);
  const parsers = new Map(types.map((t) => [t, PARSERS[t]!(limitBytes)]));
  const lean = leanJsonBody(validator, limitBytes);
  const check = checker(validator);

  return async (req, res) => {
    // An optional body that was not sent: nothing to parse or validate.
    if (!validator.required && !sendsBody(req)) return;
    const length = lean?.length(req);
    if (length !== undefined) {
      await lean!.read(req, length);
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
