// Wire types of the decisions and introspection API, taken from the generated OpenAPI types (the contract).
import type { components } from '@mcp-authz/contract';

type Schemas = components['schemas'];

/** What the MCP server wants to do: `method`, plus `tool`/`prompt`/`resource` and `arguments` (extra members reach the policy as is). */
export type DecisionAction = Schemas['Action'];
/** Request facts that are not in the token (`client_ip`, …); part of the cache key. The service adds `time`. */
export type DecisionContext = Schemas['DecisionContext'];
/** Who the token belongs to; present in decisions on a valid token. */
export type DecisionSubject = Schemas['Subject'];
/** One decision as answered by `POST /v1/decisions` (and each entry of a batch answer). */
export type Decision = Schemas['Decision'];
/** The three outcomes of a decision. */
export type DecisionOutcome = Decision['outcome'];
/** Body of `POST /v1/decisions`. */
export type DecisionRequest = Schemas['DecisionRequest'];
/** Body of `POST /v1/decisions/batch`: one token, many actions, answers in the same order. */
export type BatchDecisionRequest = Schemas['BatchDecisionRequest'];
/** Answer of `POST /v1/decisions/batch`. */
export type BatchDecisionResponse = Schemas['BatchDecisionResponse'];
/** RFC 7662 introspection answer; inactive tokens carry nothing but `active: false`. */
export type IntrospectionResponse = Schemas['IntrospectionResponse'];
/** Answer of `POST /v1/tokens/check`: a valid token's subject, or why it was refused. */
export type TokenCheck = Schemas['TokenCheckResponse'];
