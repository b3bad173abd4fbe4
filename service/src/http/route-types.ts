// The shape of a route file: a function of the app's dependencies returning its routes. The app
// adds caller authentication, body parsing and contract validation around each handler.
import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from './deps.js';
import type { BodyRequest } from './middleware/contract-body.js';

/** Who may call a route: anyone, any registered caller (resource server or admin), or admins only. */
export type Access = 'public' | 'caller' | 'admin';

export interface RouteDefinition {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** express path; the contract's path for the same operation (with `{x}` written `:x`). */
  path: string;
  access: Access;
  handler: (req: Request, res: Response) => unknown;
  /**
   * The same handler, typed on node's request and response only. Given for hot routes (the decision
   * API): a plain JSON request to the exact path is then served before express, through the same
   * steps but without the router and express's request and response objects.
   */
  direct?: (req: BodyRequest, res: ServerResponse) => unknown;
  /**
   * Level of the access log line of a successful (2xx) request; default `info`. Routes that keep
   * their own durable record of every request (decisions: the decision log) use `debug`.
   */
  successLogLevel?: 'debug' | 'info';
  /**
   * How the route answers errors, its caller's own failing too: `problem` (default,
   * application/problem+json) or `opa` (OPA's `{code, message, errors}`, for OPA's clients).
   */
  errorFormat?: 'problem' | 'opa';
}

/** A sub-application mounted as is (e.g. the built-in authorization server). */
export interface MountDefinition {
  mount: string;
  app: RequestHandler;
}

export type RouteModule = (deps: AppDeps) => Array<RouteDefinition | MountDefinition>;
