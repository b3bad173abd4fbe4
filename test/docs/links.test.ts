// Every relative link in README.md and docs/ reaches a file that exists, and every #anchor a
// heading of the page it names (as GitHub renders heading ids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { anchorsOf, docFiles, parseMarkdown, ROOT, type MarkdownFile } from './markdown.js';

const files = new Map<string, MarkdownFile>(docFiles().map((path) => [path, parseMarkdown(path)]));

function pageAt(path: string): MarkdownFile {
  const known = files.get(path);
  if (known !== undefined) return known;
  const page = parseMarkdown(path);
  files.set(path, page);
  return page;
}

/** What is wrong with one link of `from`, or undefined when it resolves. */
function problemOf(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and other absolute URLs
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const path = pathPart === '' ? from : normalize(join(dirname(from), pathPart)).split('\\').join('/');
  if (path.startsWith('..')) return `leaves the repository (${path})`;
  if (!existsSync(join(ROOT, path))) return `no file ${path}`;
  if (anchor === undefined || !path.endsWith('.md')) return undefined;
  return anchorsOf(pageAt(path).headings).has(anchor) ? undefined : `no heading #${anchor} in ${path}`;
}

test('the documentation is found', () => {
  const paths = [...files.keys()];
  for (const page of ['README.md', 'docs/configuration.md', 'docs/http-api.md', 'docs/architecture.md']) assert.ok(paths.includes(page), page);
});

test('every relative link and anchor in README.md and docs/ resolves', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of [...files.values()]) {
    for (const link of page.links) {
      checked++;
      const problem = problemOf(page.path, link.target);
      if (problem !== undefined) broken.push(`${page.path}:${link.line}: ${link.target}: ${problem}`);
    }
  }
  assert.ok(checked > 50, `only ${checked} links found`);
  assert.deepEqual(broken, []);
});

test('the anchor rule matches GitHub on the headings these pages use', () => {
  const anchors = anchorsOf(['Protect an MCP server with `@mcp-authz/sdk`', "The SDK's overhead", '`extra.authInfo` in handlers', 'Remote OAuth: an external IdP, from discovery alone', 'Notes', 'Notes']);
  assert.deepEqual([...anchors], ['protect-an-mcp-server-with-mcp-authzsdk', 'the-sdks-overhead', 'extraauthinfo-in-handlers', 'remote-oauth-an-external-idp-from-discovery-alone', 'notes', 'notes-1']);
});
