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
  const subj: PolicyInput['subject'] = { issuer: subject.issuer, scopes: subject.scopes, claims: subject.claims };
  if (subject.sub !== undefined) subj.sub = subject.sub;
  if (subject.client_id !== undefined) subj.client_id = subject.client_id;
  return {
    subject: subj,
    server: { id: server.id, resource: server.resource },
    // Every member the caller sent, unchanged: a policy must be able to judge what it names.
    action: { ...action },
    context: { ...(context ?? {}), time: new Date(nowMs).toISOString() },
  };
}
