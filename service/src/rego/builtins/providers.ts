// Builtin providers.aws.sign_req: AWS Signature Version 4 over an http.send request object, with
// OPA's header set (host, x-amz-date, x-amz-content-sha256 for s3/glacier, x-amz-security-token)
// and canonical request (escaped path, raw query, sorted lower-case headers).
import { createHash, createHmac } from 'node:crypto';
import { isNumber, isObject, makeObject, objectEntries, objectGet, RegoSet, typeName, type PlainObject, type RegoObject, type Value } from '../value.js';
import { chargeSerialized } from './charging.js';
import { termString } from './go-fmt.js';
import { escapedPath, GoUrlError, parseGoUrl } from './go-url.js';
import { goJsonMarshal } from './json-text.js';
import { operandMessage } from './operands.js';
import { builtinError, operandError, type BuiltinContext, type BuiltinDecl } from './types.js';

const NAME = 'providers.aws.sign_req';
type Obj = PlainObject | RegoObject;

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];

/** The request keys http.send accepts; sign_req checks its first operand against the same list. */
const HTTP_SEND_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache', 'force_cache',
  'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);

/** Headers a proxy may change on the way, left out of the signature as the AWS SDKs do. */
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : '');
const setText = (items: Value[]): string => termString(new RegoSet(items));

function objectOperand(v: Value, position: number): Obj {
  if (!isObject(v)) throw operandError(NAME, position, 'object', v);
  return v;
}

function checkConfig(config: Obj): void {
  const missing = REQUIRED_CONFIG.filter((k) => objectGet(config, k) === undefined);
  if (missing.length > 0) throw operandMessage(NAME, 2, `missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = REQUIRED_CONFIG.filter((k) => typeof objectGet(config, k) !== 'string');
  if (invalid.length > 0) throw operandMessage(NAME, 2, `invalid values for required AWS config parameters(s): ${setText(invalid)}`);
}

function checkRequest(req: Obj): void {
  const keys = objectEntries(req).map(([k]) => k);
  const invalid = keys.filter((k) => typeof k !== 'string' || !HTTP_SEND_KEYS.has(k));
  if (invalid.length > 0) throw operandMessage(NAME, 1, `invalid request parameters(s): ${setText(invalid)}`);
  const missing = ['method', 'url'].filter((k) => objectGet(req, k) === undefined);
  if (missing.length > 0) throw operandMessage(NAME, 1, `missing required request parameters(s): ${setText(missing)}`);
}

/** time.Unix(0, ns).UTC() as "20060102" and "20060102T150405Z". */
function signingTimes(ns: bigint): { date: string; stamp: string } {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  return { date, stamp: `${date}T${iso.slice(11, 19).replaceAll(':', '')}Z` };
}

function timestampOperand(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (!isNumber(v)) throw operandError(NAME, 1, 'number', v);
  if (!Number.isInteger(v)) throw operandMessage(NAME, 3, 'could not convert time_ns value into a unix timestamp');
  return BigInt(v);
}

const hmac = (key: Buffer | string, msg: string): Buffer => createHmac('sha256', key).update(msg, 'utf8').digest();
const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function signReq(args: Value[], ctx: BuiltinContext): Value {
  const req = objectOperand(args[0], 1);
  // OPA names operand 1 for the config object's type too.
  const config = objectOperand(args[1], 1);
  checkConfig(config);
  const service = str(objectGet(config, 'aws_service'));
  const accessKey = str(objectGet(config, 'aws_access_key'));
  const secretKey = str(objectGet(config, 'aws_secret_access_key'));
  const region = str(objectGet(config, 'aws_region'));
  const sessionToken = str(objectGet(config, 'aws_session_token'));
  const ns = timestampOperand(args[2]);
  checkRequest(req);

  const headersValue = objectGet(req, 'headers');
  let headers: [Value, Value][] = [];
  if (headersValue !== undefined) {
    if (!isObject(headersValue)) throw operandMessage(NAME, 0, `must be object but got ${typeName(headersValue)}`);
    headers = objectEntries(headersValue);
  }
  const urlValue = objectGet(req, 'url') as Value;
  const methodValue = objectGet(req, 'method') as Value;
  const badParams = [typeof urlValue !== 'string' ? 'url' : undefined, typeof methodValue !== 'string' ? 'method' : undefined].filter((x) => x !== undefined);
  if (badParams.length > 0) throw operandMessage(NAME, 1, `invalid values for required request parameters(s): ${setText(badParams)}`);
  chargeSerialized(ctx, req);
  ctx.charge(1024);

  let url;
  try {
    url = parseGoUrl(urlValue as string);
  } catch (e) {
    if (e instanceof GoUrlError) throw builtinError(NAME, e.message);
    throw e;
  }
  const rawBody = objectGet(req, 'raw_body');
  const body = objectGet(req, 'body');
  const bodyText = rawBody !== undefined ? str(rawBody) : body !== undefined ? goJsonMarshal(body) : '';

  const headerMap = new Map<string, string>();
  for (const [k, v] of headers) headerMap.set(str(k), str(v));

  const disable = objectGet(config, 'disable_payload_signing');
  if (disable !== undefined && typeof disable !== 'boolean') {
    throw operandMessage(NAME, 2, "invalid value for 'disable_payload_signing' in AWS config");
  }
  const contentSha256 = disable === true ? 'UNSIGNED-PAYLOAD' : sha256Hex(Buffer.from(bodyText, 'utf8'));

  const { date, stamp } = signingTimes(ns);
  const awsHeaders = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', stamp],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', contentSha256);
  if (sessionToken !== '') awsHeaders.set('x-amz-security-token', sessionToken);

  const toSign = new Map(awsHeaders);
  for (const [k, v] of headerMap) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const names = [...toSign.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = names.join(';');
  const canonical =
    `${methodValue as string}\n${escapedPath(url)}\n${url.rawQuery}\n` +
    names.map((n) => `${n}:${toSign.get(n) as string}\n`).join('') +
    `\n${signedHeaders}\n${contentSha256}`;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${secretKey}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;

  const signed = new Map(headerMap);
  signed.set('Authorization', authorization);
  for (const [k, v] of awsHeaders) signed.set(k, v);
  const out = objectEntries(req).filter(([k]) => k !== 'headers');
  out.push(['headers', makeObject(signed)]);
  return makeObject(out);
}

export const providersBuiltins: readonly BuiltinDecl[] = [
  {
    name: NAME,
    args: [{ object: ['string', 'any'] }, { object: ['string', 'any'] }, 'number'],
    result: { object: ['string', 'any'] },
    impl: signReq,
  },
];
