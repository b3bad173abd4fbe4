// Audit records of the built-in authorization server: one structured log line per security event.
// Fields are identifiers only (subject, client id, grant id): never passwords, tokens or codes.
import type { Logger } from 'pino';

export type AuditEvent =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'consent.granted'
  | 'consent.denied'
  | 'client.registered'
  | 'token.revoked'
  | 'grant.revoked';

export type AuditLog = (event: AuditEvent, fields: Record<string, unknown>) => void;

export function createAuditLog(logger: Logger): AuditLog {
  const audit = logger.child({ component: 'oauth' });
  return (event, fields) => {
    audit.info({ audit: event, ...fields }, `audit ${event}`);
  };
}
