// Method API (issue 12 item 8-9): method files anywhere load as ES modules, the cache key covers the local
// files a method imports, --config with per-settings sections, `npm run methods`, decode of an empty sample.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileOverrides, layeredConfig } from '../../src/harness/method-config.ts';
import { hashMethodSources, methodSourceFiles } from '../../src/code-hash.ts';
import { tokenizerView } from '../../src/harness/organism.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import meanDiff from '../../src/methods/mean-diff/index.ts';
import { BUILTIN_METHODS } from '../../src/methods/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { tempDir, ZOO_BASE } from '../helpers.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
const run = (args: string[]) => execFileSync(TSX, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('method files outside the repository', () => {
  it('load as ES modules (top-level await, import.meta, local imports, diffbench/method types) in a folder without package.json', () => {
    const dir = tempDir('ext-method-');
    fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const answer = (): number => 42;\n');
    fs.writeFileSync(
      path.join(dir, 'my-method.ts'),
      [
        "import type { DiffingMethod } from 'diffbench/method';",
        "import { answer } from './helper.ts';",
        'const value = await Promise.resolve(answer());',
        'const m: DiffingMethod = {',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a generated method file
        "  id: `ext-${value}`, version: '1', description: String(import.meta.url.startsWith('file:')),",
        "  configSchema: { type: 'object' }, defaultConfig: {}, needs: { generation: false, unrelatedText: false },",
        '  async run() { return { findings: [] }; },',
        '};',
        'export default m;',
      ].join('\n'),
    );
    const out = JSON.parse(run(['src/cli/methods.ts', '--json', path.join(dir, 'my-method.ts')]));
    expect(out.id).toBe('ext-42');
    expect(out.description).toBe('true');
  });
});

describe('method cache key', () => {
  it('covers local files imported transitively, not type-only imports, packages or comments', () => {
    const dir = tempDir('method-src-');
    const w = (f: string, s: string) => fs.writeFileSync(path.join(dir, f), s);
    w(
      'm.ts',
      "import { a } from './a.ts';\nimport type { T } from './types.ts';\nimport { Ajv } from 'ajv';\n// import { x } from './commented.ts';\nexport default { a, T: null as unknown as T, Ajv };\n",
    );
    w('a.ts', "export { b as a } from './b.js';\n"); // NodeNext spelling: './b.js' is b.ts
    w('b.ts', 'export const b = 1;\n');
    w('types.ts', 'export type T = number;\n');
    w('commented.ts', 'export const x = 1;\n');
    const files = methodSourceFiles(path.join(dir, 'm.ts')).map((f) => path.basename(f));
    expect(files).toEqual(['a.ts', 'b.ts', 'm.ts']);
    const before = hashMethodSources(path.join(dir, 'm.ts'));
    w('types.ts', 'export type T = string;\n');
    expect(hashMethodSources(path.join(dir, 'm.ts'))).toBe(before);
    w('b.ts', 'export const b = 2;\n');
    expect(hashMethodSources(path.join(dir, 'm.ts'))).not.toBe(before);
  });

  it("a built-in method keys on its imports: ADL's graph reaches its steps; the graders it is given key outputs apart", () => {
    const adl = BUILTIN_METHODS.find((b) => b.method.id === 'adl')!;
    const files = methodSourceFiles(new URL(adl.entry).pathname).map((f) => path.relative(process.cwd(), f));
    expect(files).toContain(path.join('src', 'adl', 'steps.ts'));
    // graders are injected (ctx.graders, src/cli/compose.ts), not imported: their code hash is the
    // graders' own (graders/index.ts and its imports), part of every cached output's key
    expect(files.filter((f) => f.startsWith('graders'))).toEqual([]);
    const graders = methodSourceFiles(path.resolve('graders/index.ts')).map((f) => path.relative(process.cwd(), f));
    expect(graders).toContain(path.join('graders', 'offline', 'coherence.ts'));
  });
});

describe('--config and per-settings presets', () => {
  const suite = loadSuite('zoo');
  const file = (content: unknown) => {
    const f = path.join(tempDir('cfg-'), 'c.json');
    fs.writeFileSync(f, JSON.stringify(content));
    return f;
  };

  it("reads sections for the run's settings, keeps common keys, or takes a flat config", () => {
    const f = file({ topK: 7, fast: { samples: 3 }, full: { samples: 900 } });
    expect(configFileOverrides(f, meanDiff, 'fast')).toEqual({ topK: 7, samples: 3 });
    expect(configFileOverrides(f, meanDiff, 'full')).toEqual({ topK: 7, samples: 900 });
    expect(configFileOverrides(file({ samples: 5 }), meanDiff, 'fast')).toEqual({ samples: 5 });
  });

  it('layers defaults < method preset < suite < overrides, and names the bad field', () => {
    const withPreset = { ...meanDiff, id: 'preset-test', settings: { fast: { samples: 11, tokens: 4 } } };
    expect(layeredConfig(withPreset, suite, 'fast').config).toMatchObject({ samples: 11, tokens: 4, topK: 20 });
    expect(layeredConfig(withPreset, suite, 'fast', { tokens: 6 }).config).toMatchObject({ samples: 11, tokens: 6 });
    // the suite's methodConfig for mean-diff sets samples 64 in fast settings, over the method's own preset
    expect(layeredConfig({ ...meanDiff, settings: { fast: { samples: 11 } } }, suite, 'fast').config.samples).toBe(64);
    expect(() => layeredConfig(meanDiff, suite, 'fast', { steering: { strength: 'big' } })).toThrow(
      /\/steering\/strength must be number/,
    );
    expect(() => configFileOverrides(file({ fast: 3 }), meanDiff, 'fast')).toThrow(/section 'fast' must be an object/);
  });
});

describe('npm run methods', () => {
  it('lists every built-in method with id, version and one line', () => {
    const rows = JSON.parse(run(['src/cli/methods.ts', '--json'])) as {
      id: string;
      version: string;
      description: string;
    }[];
    expect(rows.map((r) => r.id)).toEqual(BUILTIN_METHODS.map((b) => b.method.id));
    for (const r of rows) {
      expect(r.version).not.toBe('');
      expect(r.description.length).toBeGreaterThan(10);
    }
  });
});

it('an EOS-only sample decodes to the empty string (the worked example drops EOS, then decodes)', () => {
  const view = tokenizerView(loadTokenizer(ZOO_BASE));
  expect(view.decode([])).toBe('');
});
