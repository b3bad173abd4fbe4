// Filters tools/list, prompts/list and resources/list answers to the entries the caller may use.
import type { Decision, DecisionAction } from '../client/types.js';
import { listMethods, type JsonRpcId, type ListMethod } from './jsonrpc.js';

/** Asks for one decision per action, in order (one batch call). */
export type BatchDecider = (actions: DecisionAction[]) => Promise<Decision[]>;

/** Builds the JSON-RPC error that replaces a list answer when no decision could be obtained. */
export type ListRefusal = (id: JsonRpcId, error: unknown) => Record<string, unknown>;

/**
 * Returns the answer with only the permitted entries, or the refusal when no decision could be
 * obtained (fail closed: nothing is listed). Answers that are errors, or that have nothing to
 * filter, come back unchanged.
 *
 * @param method - which list was asked for
 * @param message - the transport's answer
 * @param decide - batch decider bound to the request's token, server and context
 * @param refuse - the answer sent instead when `decide` fails
 */
export async function filterListAnswer(method: ListMethod, message: Record<string, unknown>, decide: BatchDecider, refuse: ListRefusal): Promise<Record<string, unknown>> {
  const { member, key, target } = listMethods[method];
  const result = message.result as Record<string, unknown> | undefined;
  const entries = result?.[member];
  if (!Array.isArray(entries) || entries.length === 0) return message;
  const actions: DecisionAction[] = entries.map((entry: Record<string, unknown>) => ({ method, [target]: String(entry?.[key] ?? '') }));
  let decisions: Decision[];
  try {
    decisions = await decide(actions);
  } catch (error) {
    return refuse(message.id as JsonRpcId, error);
  }
  return { ...message, result: { ...result, [member]: entries.filter((_entry, i) => decisions[i]?.allow === true) } };
}
