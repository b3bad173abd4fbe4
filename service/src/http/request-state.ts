// Per-request state of the HTTP layer (start time, request id, caller, route), kept on node's
// response object so express routes and the routes served without express share one shape.
import type { ServerResponse } from 'node:http';
import type { CallerConfig } from '../config/types.js';

export interface RequestState {
  started: bigint;
  requestId: string;
  /** Set by caller authentication on protected routes. */
  caller?: CallerConfig;
  /** Route template of a request dispatched without the router (no `req.route`). */
  route?: string;
}

const STATE = Symbol('mcp-authz.request');

type WithState = ServerResponse & { [STATE]?: RequestState };

export function setRequestState(res: ServerResponse, state: RequestState): void {
  (res as WithState)[STATE] = state;
}

export function requestStateOf(res: ServerResponse): RequestState | undefined {
  return (res as WithState)[STATE];
}

export function requestIdOf(res: ServerResponse): string {
  return requestStateOf(res)?.requestId ?? '';
}

/** The authenticated caller of the current request (set by caller authentication). */
export function callerOf(res: ServerResponse): CallerConfig {
  const caller = requestStateOf(res)?.caller;
  if (caller === undefined) throw new TypeError('callerOf() on a route without caller authentication');
  return caller;
}
