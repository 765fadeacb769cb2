import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  readResult,
  readResults,
  resultErrors,
  resultPath,
  shortHash,
  sameKey,
  writeJsonAtomic,
  writeResult,
} from '../../src/results/index.ts';
import { fileNameField } from '../../src/results/file-name.ts';
import type { ResultFile } from '../../src/results/types.ts';
import { sampleResult, ZOO_VERSION } from './sample.ts';

describe('result schema', () => {
  it('accepts a complete result and records the environment', () => {
    const r = sampleResult();
    expect(resultErrors(r)).toEqual([]);
    expect(r.environment.onnxruntimeVersion).toMatch(/^\d+\.\d+/);
    expect(r.environment.diffbenchVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.environment.executionProvider).toBe('cpu');
  });

  it('names the field that is wrong', () => {
    const bad = sampleResult() as unknown as Record<string, any>;
    delete bad.environment.onnxruntimeVersion;
    bad.metrics.x = { estimate: 1 };
    bad.surprise = 1;
    const errors = resultErrors(bad).join('\n');
    expect(errors).toContain("/environment: missing field 'onnxruntimeVersion'");
    expect(errors).toContain("/metrics/x: missing field 'lower'");
    expect(errors).toContain("unknown field 'surprise'");
  });
});

describe('result files', () => {
  it('are keyed by suite version, method config, model revisions and seed', () => {
    const r = sampleResult();
    const p = resultPath('/r', r);
    expect(p).toContain(`zoo@${ZOO_VERSION}`);
    expect(p).toContain('mean-diff@1-abcdefabcdef');
    const variants = [
      sampleResult({ seed: 's2' }),
      sampleResult({ suite: { id: 'zoo', version: ZOO_VERSION + 1, settings: 'full' } }),
      sampleResult({ method: { ...r.method, configHash: 'ffffffffffff' } }),
      sampleResult({
        organism: { ...r.organism, finetuned: { ...r.organism.finetuned, contentHash: 'c'.repeat(64) } },
      }),
    ];
    const paths = new Set([p, ...variants.map((v) => resultPath('/r', v))]);
    expect(paths.size).toBe(5);
  });

  it('have names injective in every field: values that would collide when escaped are hashed', () => {
    const r = sampleResult();
    expect(resultPath('/r', r)).toMatch(/zoo__cake_bake--[0-9a-f]{12}--seed-s1\.json$/);
    const distinct = (values: ResultFile[]) => new Set(values.map((v) => resultPath('/r', v))).size;
    const seeds = ['s/1', 's_1', 's?1', 's__1', 's 1', 's-1', 's--1', 'x--llm-graders', '.', '..', 'S_1'];
    expect(distinct(seeds.map((seed) => sampleResult({ seed })))).toBe(seeds.length);
    // a seed that looks like the LLM-graded suffix is not the LLM-graded file of another seed
    const llmFile = resultPath('/r', { ...sampleResult({ seed: 'x' }), llm: { mode: 'llm' } as ResultFile['llm'] });
    expect(resultPath('/r', sampleResult({ seed: 'x--llm-graders' }))).not.toBe(llmFile);
    const organisms = ['zoo/a_b', 'zoo/a/b', 'zoo__a__b', 'zoo/a__b', 'zoo/a?b'];
    expect(distinct(organisms.map((id) => sampleResult({ organism: { ...r.organism, id } })))).toBe(organisms.length);
    const methods = [
      { id: 'm/x', version: '1' },
      { id: 'm__x', version: '1' },
      { id: 'm', version: '1/0' },
      { id: 'm', version: '1_0' },
    ];
    expect(distinct(methods.map((m) => sampleResult({ method: { ...r.method, ...m } })))).toBe(methods.length);
  });

  it('fileNameField is injective on every short string of an awkward alphabet, and never longer than 64+13', () => {
    const alphabet = ['a', '_', '/', '-', '.', '~', '?'];
    const values: string[] = [''];
    for (let len = 1; len <= 4; len++)
      for (let i = 0; i < alphabet.length ** len; i++) {
        let s = '';
        for (let k = 0, j = i; k < len; k++, j = Math.floor(j / alphabet.length)) s += alphabet[j % alphabet.length];
        values.push(s);
      }
    const names = new Map<string, string>();
    for (const v of values) {
      const name = fileNameField(v);
      expect(names.get(name), `${JSON.stringify(v)} and ${JSON.stringify(names.get(name))} -> ${name}`).toBe(undefined);
      names.set(name, v);
      expect(name).not.toMatch(/--|^\.+$|\//);
    }
    expect(fileNameField('x'.repeat(500)).length).toBeLessThanOrEqual(64 + 13);
  });

  it('a reused file must record the key it is looked up by (compared by value, not by name)', () => {
    const r = sampleResult();
    const key = { suite: r.suite, method: r.method, organism: r.organism, seed: r.seed };
    expect(sameKey(r, key)).toBe(true);
    expect(sameKey(r, { ...key, seed: 's_1' })).toBe(false);
    expect(sameKey(r, { ...key, organism: { ...r.organism, id: 'zoo/other' } })).toBe(false);
    expect(sameKey(r, { ...key, method: { ...r.method, version: '9' } })).toBe(false);
    expect(sameKey(r, { ...key, llm: { mode: 'llm' } })).toBe(false);
  });

  it('are written atomically, validated, and read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-results-'));
    const path = writeResult(dir, sampleResult());
    expect(readResult(path).metrics['steering.difference.steered_ft'].estimate).toBe(0.5);
    const folder = join(path, '..');
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(() => writeResult(dir, sampleResult({ seed: '' }))).toThrow(/\/seed/);
    writeFileSync(join(folder, 'broken.json'), '{"schema": "diffbench-result@1"}');
    expect(() => readResults(dir)).toThrow(/broken\.json.*missing field/);
  });

  it('canonical hashes ignore key order', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(shortHash({ a: 1, b: 2 })).toBe(shortHash({ b: 2, a: 1 }));
    expect(shortHash({ a: 1 })).not.toBe(shortHash({ a: 2 }));
  });

  it('writeJsonAtomic replaces a file whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-atomic-'));
    const path = join(dir, 'x', 'f.json');
    writeJsonAtomic(path, { v: 1 });
    writeJsonAtomic(path, { v: 2 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ v: 2 });
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(join(dir, 'x'))).toEqual(['f.json']);
  });
});
