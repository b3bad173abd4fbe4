// Reload errors as status shows them: coded, located (file:row:col) and with paths relative to the policy directory.
import { isAbsolute, relative, sep } from 'node:path';

export interface PolicyReloadError {
  code: string;
  message: string;
  file?: string;
  row?: number;
  col?: number;
  test?: string;
}

/** A path as the policy directory sees it: status never shows the server's file layout. */
export function portable(dir: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(dir, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(sep).join('/');
}

export function withPortableFiles(dir: string, errors: PolicyReloadError[]): PolicyReloadError[] {
  return errors.map((x) => (x.file === undefined ? x : { ...x, file: portable(dir, x.file) }));
}

/** Compile errors (a list with locations), coded load errors, or anything thrown. */
export function describeReloadError(e: unknown): PolicyReloadError[] {
  const err = e as { code?: unknown; message?: unknown; file?: unknown; errors?: unknown };
  if (Array.isArray(err?.errors)) {
    return (err.errors as Array<{ code: string; message: string; location?: { file: string; row: number; col: number } }>).map((x) => ({
      code: x.code,
      message: x.message,
      ...(x.location ? { file: x.location.file, row: x.location.row, col: x.location.col } : {}),
    }));
  }
  const out: PolicyReloadError = {
    code: typeof err?.code === 'string' ? err.code : 'policy_load_error',
    message: e instanceof Error ? e.message : String(e),
  };
  if (typeof err?.file === 'string') out.file = err.file;
  return [out];
}
