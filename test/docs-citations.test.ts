// Comments and docs cite documents inside the repository: every `docs/toolkit.md#<anchor>` names a heading
// of docs/toolkit.md, and nothing cites the outside specification by section number.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const FOLDERS = ['src', 'graders', 'baselines', 'benchmark', 'test', 'docs', 'reports'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|mts|mjs|md|json)$/.test(name) ? [path] : [];
  });
}

/** GitHub's anchor of a Markdown heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

const sources = [join(ROOT, 'README.md'), ...FOLDERS.flatMap((f) => files(join(ROOT, f)))].map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

describe('citations', () => {
  it('every docs/toolkit.md anchor cited names a heading there', () => {
    const headings = [...readFileSync(join(ROOT, 'docs/toolkit.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
      slug(m[1]),
    );
    expect(headings).toContain('steering-similarity');
    const cited = sources.flatMap((s) =>
      [...s.text.matchAll(/docs\/toolkit\.md#([\w-]+)/g)].map((m) => ({ path: s.path, anchor: m[1] })),
    );
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.filter((c) => !headings.includes(c.anchor)).map((c) => `${c.path}: #${c.anchor}`)).toEqual([]);
  });

  it('nothing cites the outside specification by section', () => {
    const pattern = /\bspec §|§\d|diffing-toolkit-spec\.md/;
    const self = relative(ROOT, import.meta.filename);
    expect(sources.filter((s) => s.path !== self && pattern.test(s.text)).map((s) => s.path)).toEqual([]);
  });
});
