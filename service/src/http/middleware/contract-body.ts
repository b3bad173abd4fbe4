// Parses a request body in one of the media types the contract lists for the operation, then
// validates it against the contract's schema. Anything else is refused before the handler runs.
import express, { type RequestHandler } from 'express';
import type { BodyValidator } from '../contract.js';
import { HttpProblem } from '../problems.js';

const PARSERS: Record<string, (limit: number) => RequestHandler> = {
  'application/json': (limit) => express.json({ limit, type: 'application/json', strict: true }),
  'application/x-www-form-urlencoded': (limit) =>
    express.urlencoded({ limit, type: 'application/x-www-form-urlencoded', extended: false, parameterLimit: 100 }),
};

export function contractBody(validator: BodyValidator, limitBytes: number): RequestHandler[] {
  const types = validator.contentTypes.filter((t) => PARSERS[t] !== undefined);
  const parsers = new Map(types.map((t) => [t, PARSERS[t]!(limitBytes)]));
  const pick: RequestHandler = (req, res, next) => {
    const type = req.is(types);
    if (typeof type !== 'string') {
      throw new HttpProblem('unsupported_content_type', `expected ${types.join(' or ')}`);
    }
    res.locals.contentType = type;
    parsers.get(type)!(req, res, next);
  };
  const check: RequestHandler = (req, res, next) => {
    // A body that parsed to a non-object (urlencoded always gives an object) fails the schema.
    const issues = validator.validate(res.locals.contentType as string, req.body ?? {});
    if (issues.length > 0) {
      throw new HttpProblem('invalid_request', issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '), { errors: issues });
    }
    next();
  };
  return [pick, check];
}
