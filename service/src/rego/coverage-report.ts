// OPA's coverage report (`opa test --coverage`): per file, the rows of rule heads and expressions
// that ran and that did not, as row ranges, line counts and a percentage.
import type { Module } from './ast.js';
import type { CoverageRecorder } from './eval/coverage.js';

export interface CoverageRange {
  start: { row: number };
  end: { row: number };
}

/** One file, with OPA's member names; empty members are left out as OPA leaves them out. */
export interface FileCoverage {
  covered?: CoverageRange[];
  not_covered?: CoverageRange[];
  covered_lines?: number;
  not_covered_lines?: number;
  coverage?: number;
}

export interface CoverageReport {
  files: Record<string, FileCoverage>;
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
}

function ranges(rows: Iterable<number>): CoverageRange[] {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const out: CoverageRange[] = [];
  for (const row of sorted) {
    const last = out.at(-1);
    if (last !== undefined && row === last.end.row + 1) last.end.row = row;
    else out.push({ start: { row }, end: { row } });
  }
  return out;
}

function lines(rs: readonly CoverageRange[]): number {
  return rs.reduce((n, r) => n + r.end.row - r.start.row + 1, 0);
}

/** Rows that count: rule heads (else clauses too) and every expression but a bare `some` declaration. */
function countedRows(module: Module): Set<number> {
  const rows = new Set<number>();
  for (const rule of module.rules) {
    rows.add(rule.loc.row);
    for (const e of rule.elses) rows.add(e.loc.row);
  }
  // Expressions sit in bodies, else bodies, comprehensions and `every`: found wherever they nest.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.negated === 'boolean' && Array.isArray(o.with) && typeof o.kind === 'string' && o.kind !== 'some') {
      rows.add((o.loc as { row: number }).row);
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'loc') visit(v);
  };
  visit(module.rules);
  return rows;
}

export function coverageReport(modules: readonly Module[], recorder: CoverageRecorder): CoverageReport {
  const files: Record<string, FileCoverage> = {};
  let covered = 0;
  let notCovered = 0;
  for (const module of modules) {
    const hits = recorder.hits.get(module.file) ?? new Set<number>();
    const file: FileCoverage = {};
    const c = ranges(hits);
    const n = ranges([...countedRows(module)].filter((row) => !hits.has(row)));
    if (c.length > 0) file.covered = c;
    if (n.length > 0) file.not_covered = n;
    const cl = lines(c);
    const nl = lines(n);
    if (cl > 0) file.covered_lines = cl;
    if (nl > 0) file.not_covered_lines = nl;
    if (cl + nl > 0) file.coverage = (100 * cl) / (cl + nl);
    files[module.file] = file;
    covered += cl;
    notCovered += nl;
  }
  return { files, covered_lines: covered, not_covered_lines: notCovered, coverage: covered + notCovered === 0 ? 0 : (100 * covered) / (covered + notCovered) };
}
