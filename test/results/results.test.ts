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
  writeJsonAtomic,
  writeResult,
} from '../../src/results/index.ts';
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
