// The runtime example in README.md must run as written.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

it('README runtime example runs', async () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const block = /<!-- example:runtime[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  expect(block, 'README.md has an example:runtime code block').toBeTruthy();
  const dir = path.join('test', '.generated');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'readme-example.ts');
  const logs: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => logs.push(a.join(' '));
  try {
    fs.writeFileSync(file, block![1].replaceAll("'./src/", "'../../src/"));
    await import(path.resolve(file));
  } finally {
    console.log = log;
  }
  log(logs.join('\n'));
  expect(logs.some((l) => l.startsWith('lens:'))).toBe(true);
  expect(logs.some((l) => l.startsWith('steered:'))).toBe(true);
});
