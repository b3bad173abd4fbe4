// The "format" checks of json.match_schema, as gojsonschema defines them; unknown formats pass.
import { isIP } from 'node:net';
import { compileRe2 } from './re2-cache.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})$/i;
const HOSTNAME = /^(?=.{1,255}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9]\d*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days;
}

function validTime(s: string): boolean {
  const m = TIME.exec(s);
  return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 61;
}

function validUri(s: string, requireScheme: boolean): boolean {
  if (/[\s<>"{}|\\^`]/.test(s)) return false;
  if (!requireScheme) return true;
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
}

function validEmail(s: string): boolean {
  const at = s.lastIndexOf('@');
  return at > 0 && at < s.length - 1 && !/\s/.test(s) && HOSTNAME.test(s.slice(at + 1).replace(/^\[|\]$/g, '').replace(/^[\d.:a-f]+$/i, 'ip'));
}

function validRegex(s: string): boolean {
  try {
    compileRe2(s);
    return true;
  } catch {
    return false;
  }
}

const CHECKERS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => {
    const i = s.search(/[tT]/);
    return i === 10 && validDate(s.slice(0, i)) && validTime(s.slice(i + 1));
  },
  date: validDate,
  time: validTime,
  email: validEmail,
  'idn-email': validEmail,
  hostname: (s) => HOSTNAME.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  uri: (s) => validUri(s, true),
  iri: (s) => validUri(s, true),
  'uri-reference': (s) => validUri(s, false),
  'iri-reference': (s) => validUri(s, false),
  'uri-template': (s) => validUri(s.replace(/\{[^{}]*\}/g, 'x'), false),
  uuid: (s) => UUID.test(s),
  regex: validRegex,
  'json-pointer': (s) => JSON_POINTER.test(s),
  'relative-json-pointer': (s) => RELATIVE_JSON_POINTER.test(s),
};

/** Whether a string satisfies a named format; formats the validator does not know always pass. */
export function isFormat(format: string, s: string): boolean {
  const check = CHECKERS[format];
  return check ? check(s) : true;
}
