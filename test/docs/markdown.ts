// Reads the user documentation (README.md and docs/**/*.md) as the docs tests need it: fenced code
// blocks with their info strings, headings as GitHub anchors, and links outside code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CodeBlock {
  /** The info string after the opening fence, e.g. `sh runnable`. */
  info: string;
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
}

export interface Link {
  target: string;
  line: number;
}

export interface MarkdownFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  blocks: CodeBlock[];
  headings: string[];
  links: Link[];
}

/** The documentation files the tests cover: README.md and every .md under docs/. */
export function docFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).sort().flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return walk(full);
      return name.endsWith('.md') ? [relative(ROOT, full).split('\\').join('/')] : [];
    });
  return ['README.md', ...walk(join(ROOT, 'docs'))];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Splits a file into code blocks and the prose lines outside them (CommonMark fence rules). */
export function parseMarkdown(path: string): MarkdownFile {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  const headings: string[] = [];
  const links: Link[] = [];
  let open: { fence: string; info: string; line: number; body: string[] } | undefined;
  lines.forEach((text, i) => {
    const fence = FENCE.exec(text);
    if (open !== undefined) {
      const closes = fence !== null && fence[1]![0] === open.fence[0] && fence[1]!.length >= open.fence.length && fence[2]!.trim() === '';
      if (closes) {
        blocks.push({ info: open.info, line: open.line, text: open.body.join('\n') + '\n' });
        open = undefined;
      } else {
        open.body.push(text);
      }
      return;
    }
    if (fence !== null) {
      open = { fence: fence[1]!, info: fence[2]!.trim(), line: i + 1, body: [] };
      return;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading !== null) headings.push(heading[1]!);
    // Inline code is not a link: `[a](b)` inside backticks stays text.
    const prose = text.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ target: m[1]!, line: i + 1 });
  });
  if (open !== undefined) throw new Error(`${path}:${open.line}: code block never closed`);
  return { path, blocks, headings, links };
}

/** The anchors GitHub gives a page's headings (lowercase, punctuation dropped, spaces to '-', repeats numbered). */
export function anchorsOf(headings: readonly string[]): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headings) {
    const plain = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}
