// Builds the Rego input document from a validated subject, the server entry, action and context.
import type { DecisionAction, PolicyInput, ServerRef, ValidatedSubject } from './types.js';

/**
 * Builds `input` exactly as DESIGN.md fixes it. `time` comes from the service clock and overrides
 * any caller value, so a client cannot choose the time its request is judged at.
 */
export function buildPolicyInput(
  subject: ValidatedSubject,
  server: ServerRef,
  action: DecisionAction,
  context: Record<string, unknown> | undefined,
  nowMs: number,
): PolicyInput {
  const act: DecisionAction = { method: action.method };
  if (action.tool !== undefined) act.tool = action.tool;
  if (action.arguments !== undefined) act.arguments = action.arguments;
  const subj: PolicyInput['subject'] = { issuer: subject.issuer, scopes: subject.scopes, claims: subject.claims };
  if (subject.sub !== undefined) subj.sub = subject.sub;
  if (subject.client_id !== undefined) subj.client_id = subject.client_id;
  return {
    subject: subj,
    server: { id: server.id, resource: server.resource },
    action: act,
    context: { ...(context ?? {}), time: new Date(nowMs).toISOString() },
  };
}
