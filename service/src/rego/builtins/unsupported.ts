// OPA 1.x builtins this engine does not provide, each with the reason; calling one fails to compile.

const DEPRECATED = 'deprecated in OPA and not available to Rego v1 policies';
const NETWORK = 'policy evaluation is synchronous and never waits on the network';

/** Builtin name → why it is not supported. The compiler names both in its error. */
export const UNSUPPORTED_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['all', DEPRECATED],
  ['any', DEPRECATED],
  ['cast_array', DEPRECATED],
  ['cast_boolean', DEPRECATED],
  ['cast_null', DEPRECATED],
  ['cast_object', DEPRECATED],
  ['cast_set', DEPRECATED],
  ['cast_string', DEPRECATED],
  ['net.cidr_overlap', DEPRECATED],
  ['re_match', DEPRECATED],
  ['set_diff', DEPRECATED],
  ['net.lookup_ip_addr', NETWORK],
  ['rego.metadata.chain', 'policy annotations (METADATA comments) are not kept by the parser'],
  ['rego.metadata.rule', 'policy annotations (METADATA comments) are not kept by the parser'],
  ['crypto.parse_private_keys', 'not implemented yet'],
  ['crypto.x509.parse_keypair', 'not implemented yet'],
  ['graphql.parse', 'not implemented yet'],
  ['graphql.parse_query', 'not implemented yet'],
  ['graphql.parse_schema', 'not implemented yet'],
  ['graphql.is_valid', 'not implemented yet'],
  ['graphql.parse_and_verify', 'not implemented yet'],
  ['graphql.schema_is_valid', 'not implemented yet'],
  ['providers.aws.sign_req', 'not implemented yet'],
  ['rego.parse_module', 'not implemented yet'],
  ['uri.is_valid', 'not implemented yet'],
  ['uri.parse', 'not implemented yet'],
]);
