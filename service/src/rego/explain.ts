// Explanations of a traced evaluation: the trace filtered by mode (fails, notes, full), a summary of
// the clauses that produced values and the conditions that failed, and their terminal text form.
import type { RegoLocation } from './errors.js';
import type { TraceEvent, TraceOp, TraceSite } from './eval/trace.js';

/** fails: failed expressions and clauses with the clauses around them; notes: print output likewise; full: everything. */
export type ExplainMode = 'fails' | 'full' | 'notes';

export const EXPLAIN_MODES: readonly ExplainMode[] = ['fails', 'full', 'notes'];

/** The events of one traced evaluation; `dropped` counts those past the recording cap. */
export interface Trace {
  events: TraceEvent[];
  dropped: number;
}

/** One step of an explanation, as the API returns it. */
export interface ExplainStep {
  event: TraceOp;
  /** A rule clause (enter, exit, fail of the whole clause) or an expression in one. */
  kind: 'rule' | 'expr';
  depth: number;
  rule: string;
  location: RegoLocation;
  text: string;
  message?: string;
}

export interface ExplainedClause {
  rule: string;
  location: RegoLocation;
  text: string;
}

export interface FailedClause extends ExplainedClause {
  /** The last condition of the clause that had no solution (absent when only its head failed). */
  condition?: { location: RegoLocation; text: string };
}

export interface ExplainSummary {
  /** Clauses that produced a value (deny entries that fired, the allow that held, a default taken). */
  fired: ExplainedClause[];
  /** Clauses entered that never produced a value, each with the condition that stopped it. */
  failed: FailedClause[];
}

export interface Explanation {
  mode: ExplainMode;
  summary: ExplainSummary;
  steps: ExplainStep[];
  /** Steps of the mode beyond the cap were left out (or the recording itself was capped). */
  truncated: boolean;
  /** How many steps the mode selected before the cap. */
  total_steps: number;
}

function keep(events: TraceEvent[], wanted: (e: TraceEvent) => boolean): TraceEvent[] {
  const chosen = new Array<boolean>(events.length).fill(false);
  // Index of the enter event of the clause open at each depth.
  const open: number[] = [];
  events.forEach((e, i) => {
    if (e.op === 'enter') {
      open.length = e.depth;
      open[e.depth] = i;
    }
    if (!wanted(e)) return;
    chosen[i] = true;
    // The clauses around it: for an expression those above its depth, for a clause event its own too.
    const last = e.site.kind === 'rule' && e.op !== 'note' ? e.depth : e.depth - 1;
    for (let d = 0; d <= last && d < open.length; d++) if (open[d] !== undefined) chosen[open[d]] = true;
  });
  return events.filter((_, i) => chosen[i]);
}

/** The events a mode shows, in order. */
export function filterTrace(events: TraceEvent[], mode: ExplainMode): TraceEvent[] {
  if (mode === 'full') return events;
  if (mode === 'notes') return keep(events, (e) => e.op === 'note');
  return keep(events, (e) => e.op === 'fail');
}

function locKey(site: TraceSite): string {
  return `${site.rule}\u0000${site.location.file}\u0000${site.location.row}\u0000${site.location.col}`;
}

function clauseOf(site: TraceSite): ExplainedClause {
  return { rule: site.rule, location: site.location, text: site.text };
}

/** Which clauses produced values and which failed (and on which condition), each listed once. */
export function summarize(events: TraceEvent[]): ExplainSummary {
  const fired = new Map<string, ExplainedClause>();
  const failed = new Map<string, FailedClause>();
  const open: { lastFail?: TraceSite }[] = [];
  for (const e of events) {
    if (e.site.rule === 'query') continue;
    if (e.op === 'enter') {
      open.length = e.depth;
      open[e.depth] = {};
    } else if (e.op === 'exit' && e.site.kind === 'rule') {
      const key = locKey(e.site);
      if (!fired.has(key)) fired.set(key, clauseOf(e.site));
    } else if (e.op === 'fail' && e.site.kind === 'expr') {
      const frame = open[e.depth - 1];
      if (frame) frame.lastFail = e.site;
    } else if (e.op === 'fail' && e.site.kind === 'rule') {
      const key = locKey(e.site);
      const cond = open[e.depth]?.lastFail;
      const entry: FailedClause = clauseOf(e.site);
      if (cond) entry.condition = { location: cond.location, text: cond.text };
      // The latest failure of a clause says the most (later inputs to a function, later iterations).
      failed.set(key, entry);
    }
  }
  for (const key of fired.keys()) failed.delete(key);
  return { fired: [...fired.values()], failed: [...failed.values()] };
}

function stepOf(e: TraceEvent): ExplainStep {
  const step: ExplainStep = { event: e.op, kind: e.site.kind, depth: e.depth, rule: e.site.rule, location: e.site.location, text: e.site.text };
  if (e.message !== undefined) step.message = e.message;
  return step;
}

/** The explanation of a trace: the mode's steps (at most `maxSteps`) and the summary of all events. */
export function explain(trace: Trace, mode: ExplainMode, maxSteps: number): Explanation {
  const shown = filterTrace(trace.events, mode);
  const steps = shown.slice(0, Math.max(0, maxSteps)).map(stepOf);
  return { mode, summary: summarize(trace.events), steps, truncated: trace.dropped > 0 || shown.length > steps.length, total_steps: shown.length };
}

function where(loc: RegoLocation): string {
  return `${loc.file}:${loc.row}`;
}

const LABELS: Record<TraceOp, string> = { enter: 'Enter', exit: 'Exit', eval: 'Eval', fail: 'Fail', redo: 'Redo', note: 'Note' };

/** The steps as indented terminal lines: location, then `| ` per level, the event and what it is about. */
export function formatSteps(steps: ExplainStep[]): string[] {
  const width = Math.max(5, ...steps.map((s) => where(s.location).length)) + 2;
  return steps.map((s) => {
    const about = s.event === 'note' ? JSON.stringify(s.message ?? '') : s.kind === 'expr' ? s.text : s.rule === 'query' ? s.text : s.rule;
    return `${where(s.location).padEnd(width)}${'| '.repeat(s.depth)}${LABELS[s.event]} ${about}`.trimEnd();
  });
}

/** The summary as terminal lines. */
export function formatSummary(summary: ExplainSummary): string[] {
  const lines: string[] = [];
  const width = Math.max(5, ...[...summary.fired, ...summary.failed].map((c) => where(c.location).length)) + 2;
  lines.push('Clauses that produced a value:');
  if (summary.fired.length === 0) lines.push('  (none)');
  for (const c of summary.fired) lines.push(`  ${where(c.location).padEnd(width)}${c.rule}: ${c.text}`);
  lines.push('Clauses that failed, with the condition that failed:');
  if (summary.failed.length === 0) lines.push('  (none)');
  for (const c of summary.failed) {
    const cond = c.condition ? `line ${c.condition.location.row}: ${c.condition.text}` : 'its head did not match';
    lines.push(`  ${where(c.location).padEnd(width)}${c.rule}: ${cond}`);
  }
  return lines;
}
