// OPA 1.x builtins this engine does not provide, each with the reason; calling one fails to compile.

const DEPRECATED = 'deprecated in OPA and not available to Rego v1 policies';
const NETWORK = 'policy evaluation is synchronous and never waits on the network';
// Go's key structs carry unexported, release-dependent parts; a near copy would be a silent wrong answer.
const GO_KEY_JSON = "the JSON of Go's private-key structs (which changes with OPA's Go release) is not reproduced";

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
  ['crypto.parse_private_keys', GO_KEY_JSON],
  ['crypto.x509.parse_keypair', GO_KEY_JSON],
  ['rego.parse_module', "OPA's AST JSON (wildcard names, number text, comments) is not kept by the engine's parser"],
]);
